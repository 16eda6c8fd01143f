import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CLUSTERS } from '../clusters';
import { FLUX_APPS_ACCOUNT } from '../constructs/gitops/flux-apps-identity';
import { fluxPathsOf } from '../constructs/gitops/flux-entry';
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

  // flux bootstrap --path=clusters/<env> adds flux-system/; Flux generates a kustomization of every YAML file there.
  test.each(CLUSTERS.map((c) => [c.env] as const))('clusters/%s builds as Flux would generate it', (env) => {
    const dir = tempDir(`flux-entry-${env}`);
    fs.copyFileSync(path.join(root, fluxEntryFileOf(env)), path.join(dir, 'flux-kustomizations.yaml'));
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: [flux-kustomizations.yaml]\n');
    const built = kustomize(dir);
    // The apps layer's account, with no right of its own: each app namespace grants it its Role.
    const identity = [`ServiceAccount/${FLUX_APPS_ACCOUNT}`];
    expect(built.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [...Object.keys(pathsOf(env)).map((name) => `Kustomization/${name}`), ...identity].sort(),
    );
    for (const fluxPath of Object.values(pathsOf(env))) expect(fs.existsSync(path.join(root, fluxPath))).toBe(true);
  });
});
