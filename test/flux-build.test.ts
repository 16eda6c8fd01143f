import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CLUSTERS } from '../clusters';
import { FLUX_APPS_ACCOUNT } from '../constructs/gitops/flux-apps-identity';
import { fluxPathsOf } from '../constructs/gitops/flux-entry';
import { BOOTSTRAP_POLICIES, FLUX_POLICIES_FILE, fluxSystemDirOf } from '../constructs/gitops/flux-network-policies';
import { fluxShardsOf } from '../constructs/model/flux-shards';
import { fluxEntryFileOf } from '../constructs/synth/build-cluster';
import { synthesize } from '../constructs/synth/pipeline';
import { REAL_INPUT, tempDir } from './support';
import { requireTool } from './tool';

const hasKubectl = requireTool('kubectl', 'apt-get install kubectl (or see https://kubernetes.io/docs/tasks/tools/)');

/** Runs the kustomize that kubectl embeds (the same library Flux's kustomize-controller uses). */
function kustomize(dir: string): Array<{ kind: string; metadata: { name: string } }> {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${run.stderr}`);
  return parseAllDocuments(run.stdout).map((d) => d.toJSON());
}

/** The paths of an env of the repo: its app shards' too, however many apps a user added. */
const pathsOf = (env: string) => {
  const cluster = CLUSTERS.find((c) => c.env === env)!;
  return fluxPathsOf(env, fluxShardsOf(Object.keys(cluster.apps), REAL_INPUT.fluxShardLedgers?.[env]).shards);
};

const maybe = hasKubectl ? describe : describe.skip;
maybe('Flux can build every path it is pointed at (kubectl kustomize)', () => {
  const root = tempDir('flux-build');
  const files = synthesize(root, REAL_INPUT);
  const objectsUnder = (dir: string) => files.filter((f) => f.path.startsWith(`${dir}/`)).flatMap((f) => f.objects ?? []);

  test.each(CLUSTERS.flatMap((c) => Object.values(pathsOf(c.env)).map((p) => [p] as const)))('%s builds with every object', (fluxPath) => {
    const built = kustomize(path.join(root, fluxPath));
    const expected = objectsUnder(fluxPath.replace(/^\.\//, ''));
    expect(built.length).toBe(expected.length);
    expect(built.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(expected.map((o) => `${o.kind}/${o.metadata.name}`).sort());
  });

  /**
   * clusters/<env> as Flux's flux-system Kustomization builds it once bootstrap has run: it generates a
   * kustomization of every YAML file there and of flux-system/, where bootstrap wrote its manifests (here
   * its NetworkPolicies, or none with --network-policy=false) beside synth's kustomization.yaml and policies.
   */
  function bootstrapped(env: string, components: string): string {
    const dir = tempDir(`flux-entry-${env}`);
    fs.copyFileSync(path.join(root, fluxEntryFileOf(env)), path.join(dir, 'flux-kustomizations.yaml'));
    fs.cpSync(path.join(root, fluxSystemDirOf(env)), path.join(dir, 'flux-system'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'flux-system', 'gotk-components.yaml'), components);
    fs.writeFileSync(path.join(dir, 'flux-system', 'gotk-sync.yaml'), '');
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: [flux-kustomizations.yaml, flux-system]\n');
    return dir;
  }
  const bootstrapPolicies = fs.readFileSync(path.join(__dirname, 'fixtures', 'flux', 'bootstrap-policies.yaml'), 'utf8');

  test.each(CLUSTERS.flatMap((c) => [[c.env, "bootstrap's policies", bootstrapPolicies] as const, [c.env, 'none', ''] as const]))(
    'clusters/%s builds as Flux would generate it (bootstrap installed %s): our policies replace its own',
    (env, _what, components) => {
      const built = kustomize(bootstrapped(env, components));
      // The apps layer's account, with no right of its own: each app namespace grants it its Role.
      const identity = [`ServiceAccount/${FLUX_APPS_ACCOUNT}`];
      const fluxPolicies = files.find((f) => f.path === `${fluxSystemDirOf(env)}/${FLUX_POLICIES_FILE}`)!.objects!;
      expect(built.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
        [
          ...Object.keys(pathsOf(env)).map((name) => `Kustomization/${name}`),
          ...identity,
          ...fluxPolicies.map((p) => `NetworkPolicy/${p.metadata.name}`),
        ].sort(),
      );
      // As synth made them: what network.md and the network tests evaluate is what Flux applies.
      expect(built.filter((o) => o.kind === 'NetworkPolicy')).toEqual(expect.arrayContaining(fluxPolicies.map((p) => expect.objectContaining(p))));
      expect(built.map((o) => o.metadata.name)).not.toEqual(expect.arrayContaining([expect.stringMatching(`^(${BOOTSTRAP_POLICIES.join('|')})$`)]));
      for (const fluxPath of Object.values(pathsOf(env))) expect(fs.existsSync(path.join(root, fluxPath))).toBe(true);
    },
  );
});
