import type { KubeObject } from '../constructs/model/kube-object';
import { esUserSecretOf, peopleEsUsersOf } from '../constructs/logging/elasticsearch-users';
import { fluxEntryFileOf, fluxLayersOf } from '../constructs/synth/build-cluster';
import { FIXTURE_INPUT, fixtureOutput } from './support';

// A Flux Kustomization applies only once every layer it depends on is Ready at the same revision, and a layer
// with `wait` is Ready only once every object in it is (kustomize-controller v1.9.4,
// internal/controller/kustomization_controller.go checkDependencies; fluxcd/cli-utils kstatus: Ready=False
// reads as in progress). A Certificate is Ready once the CA signed it, after the host's DNS points here; a
// person's ExternalSecret once someone put the password in the store. Either may take days, and while it
// waits, no layer that depends on its layer applies: no app release, no rollback, no platform change.

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The objects whose readiness waits on the world outside the cluster, among a cluster's. */
function waitingOnOutside(objects: readonly KubeObject[], people: ReadonlySet<string>): KubeObject[] {
  return objects.filter((o) => o.kind === 'Certificate' || (o.kind === 'ExternalSecret' && people.has(o.metadata.name)));
}

/** Every layer some other layer waits for, directly or through another. */
function layersWaitedFor(kustomizations: readonly KubeObject[]): Set<string> {
  const dependsOn = new Map(kustomizations.map((k) => [k.metadata.name, ((k.spec as Json).dependsOn ?? []).map((d: { name: string }) => d.name) as string[]]));
  const waited = new Set<string>();
  const visit = (name: string) => {
    for (const dependency of dependsOn.get(name) ?? []) {
      if (!waited.has(dependency)) {
        waited.add(dependency);
        visit(dependency);
      }
    }
  };
  for (const name of dependsOn.keys()) visit(name);
  return waited;
}

describe.each(FIXTURE_INPUT.clusters.map((c) => [c.env, c] as const))('%s', (env, cluster) => {
  const files = fixtureOutput();
  const kustomizations = files.find((f) => f.path === fluxEntryFileOf(env))!.objects!.filter((o) => o.kind === 'Kustomization');
  const people = new Set(peopleEsUsersOf(cluster.access).map((u) => esUserSecretOf(u.username)));
  const layers = fluxLayersOf(env, files);

  test('no layer that another waits for holds a certificate or a person’s password: what the outside world issues holds up no release', () => {
    const waited = layersWaitedFor(kustomizations);
    expect(waited).toContain('platform-configs');
    for (const layer of waited) expect(waitingOnOutside(layers.get(layer)!, people).map((o) => `${layer}: ${o.kind} ${o.metadata.name}`)).toEqual([]);
  });

  test('they are all in the credentials layer, which Flux waits on after the resources they name', () => {
    const outside = [...layers.values()].flatMap((objects) => waitingOnOutside(objects, people));
    expect(outside.filter((o) => o.kind === 'Certificate').length).toBeGreaterThan(0);
    expect(outside.filter((o) => o.kind === 'ExternalSecret').length).toBe(people.size);
    expect(people.size).toBeGreaterThan(0);
    expect(waitingOnOutside(layers.get('platform-credentials')!, people)).toEqual(outside);
    const credentials = kustomizations.find((k) => k.metadata.name === 'platform-credentials')!.spec as Json;
    expect(credentials).toMatchObject({ dependsOn: [{ name: 'platform-configs' }], wait: true, prune: true });
  });
});
