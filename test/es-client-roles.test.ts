import { parse } from 'yaml';
import { ELASTALERT_ES_USER } from '../constructs/logging/elastalert-access';
import { ES_ROLES_SECRET, FLUENT_BIT_ES_USER } from '../constructs/logging/elasticsearch-users';
import type { EsRole } from '../constructs/logging/es-role';
import { esSimpleMatch } from './es-patterns';
import { FIXTURE_CLUSTERS, fixtureObjectsOf } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * The cluster privileges of the log clients' roles, as ECK's file realm reads them (the roles Secret), held to
 * the cluster-level calls each client makes at its pinned version. An action name is a cluster privilege of its
 * own, matching that action (elastic/elasticsearch x-pack ClusterPrivilegeResolver.resolve, RawActionPatternClusterPrivilege).
 */
describe.each(FIXTURE_CLUSTERS.map((c) => [c.env] as const))('cluster %s: the log clients may make only their own cluster calls', (env) => {
  const secret = fixtureObjectsOf(env).find((o) => o.kind === 'Secret' && o.metadata.name === ES_ROLES_SECRET.name) as Json;
  const roles: Record<string, EsRole> = parse(secret?.stringData?.[ES_ROLES_SECRET.key] ?? '{}');

  test("Fluent Bit's role has no cluster privilege: its es output sends only POST /_bulk (plugins/out_es es_conf.c and es.c, fluent-bit v3.1.0)", () => {
    const role = roles[FLUENT_BIT_ES_USER.role];
    expect(role.cluster).toEqual([]);
    // The bulk request itself is authorized by an index privilege: create_doc covers indices:data/write/bulk* (IndexPrivilege, CREATE_DOC_AUTOMATON).
    expect(role.indices.length).toBeGreaterThan(0);
    for (const { privileges } of role.indices) expect(privileges).toContain('create_doc');
  });

  test("ElastAlert2's role has only cluster:monitor/main: GET / and HEAD / for the version (elastalert/util.py get_version_from_cluster_info, elastalert.py ping, 2.26.0)", () => {
    const role = roles[ELASTALERT_ES_USER.role];
    expect(role.cluster).toEqual(['cluster:monitor/main']);
    const grants = (privilege: string, action: string) => privilege.startsWith('cluster:') && esSimpleMatch(`${privilege}*`, action);
    expect(
      ['cluster:monitor/main', 'cluster:monitor/nodes/info', 'cluster:monitor/state', 'cluster:monitor/health'].filter((a) =>
        role.cluster.some((p) => grants(p, a)),
      ),
    ).toEqual(['cluster:monitor/main']);
  });
});
