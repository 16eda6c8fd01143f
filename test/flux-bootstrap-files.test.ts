import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLUSTERS } from '../clusters';
import { BOOTSTRAP_MANIFESTS, fluxSystemDirOf } from '../constructs/gitops/flux-network-policies';
import { REPO_ROOT } from './support';

/*
 * Synth writes clusters/<env>/flux-system/kustomization.yaml, which names bootstrap's two manifests. On a
 * first install bootstrap applies through it before it has written gotk-sync.yaml (fluxcd/flux2 v2.9.4
 * pkg/bootstrap/bootstrap_plain_git.go: ReconcileComponents, then ReconcileSyncConfig), so both must be
 * there, if only empty ("Flux bootstrap customization" in Flux's docs). Copied from another env, the sync
 * file would point this cluster at that env's path until bootstrap rewrites it.
 */
describe.each(CLUSTERS.map((c) => [c.env] as const))('clusters/%s/flux-system', (env) => {
  const dir = fluxSystemDirOf(env);

  test('holds the manifests flux bootstrap fills, empty until it has run', () => {
    const missing = BOOTSTRAP_MANIFESTS.filter((file) => !fs.existsSync(path.join(REPO_ROOT, dir, file)));
    expect(missing.map((file) => `${dir}/${file} is missing: create it empty (touch ${dir}/${file}) and commit it; docs/bootstrap.md`)).toEqual([]);
  });

  test('bootstrap filled both manifests or neither: an emptied one would have Flux prune itself', () => {
    const filled = BOOTSTRAP_MANIFESTS.filter((file) => {
      const at = path.join(REPO_ROOT, dir, file);
      return fs.existsSync(at) && fs.readFileSync(at, 'utf8').trim() !== '';
    });
    expect([0, BOOTSTRAP_MANIFESTS.length]).toContain(filled.length);
  });

  test("its sync manifest, once bootstrap has written it, is this env's", () => {
    const sync = path.join(REPO_ROOT, dir, 'gotk-sync.yaml');
    const text = fs.existsSync(sync) ? fs.readFileSync(sync, 'utf8') : '';
    if (text.trim() !== '') expect(text).toMatch(new RegExp(`^\\s*path: \\./clusters/${env}$`, 'm'));
  });
});
