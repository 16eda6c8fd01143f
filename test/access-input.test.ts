import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import type { AccessSpec } from '../constructs/model/access-spec';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { ES_SERVICE_USERS } from '../constructs/logging/elasticsearch-users';
import { checkAccess } from '../constructs/validation/access-validation';
import { buildAll, synthesize, type SynthInput } from '../constructs/synth/pipeline';
import { FIXTURE_RELEASES, synthProblemsOf, tempDir, treeHash } from './support';

const cluster = (env: string): ClusterSpec => CLUSTERS.find((c) => c.env === env)!;
/** The fixture input with one cluster's access model changed. */
const withAccess = (env: string, edit: (access: AccessSpec) => AccessSpec): SynthInput => ({
  clusters: CLUSTERS.map((c) => (c.env === env ? { ...c, access: edit(c.access) } : c)),
  apps: APPS,
  releases: FIXTURE_RELEASES,
});
const STG = 'file "clusters/staging/cluster.ts", cluster "acme-staging"';
const PRD = 'file "clusters/prod/cluster.ts", cluster "acme-prod"';
const ROLE = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

const BAD_ACCESS: ReadonlyArray<readonly [string, SynthInput, string]> = [
  [
    'a person id that is no DNS label',
    withAccess('prod', (a) => ({ ...a, people: { ...a.people, 'Ops.Lead': { iamRoleArn: ROLE('444455556666', 'OpsLead') } } })),
    `${PRD}: field "access.people.Ops.Lead" = "Ops.Lead": must be a DNS-1123 label (lower-case letters, digits, "-") of at most 63 characters`,
  ],
  [
    'an IAM user instead of a role',
    withAccess('prod', (a) => ({ ...a, people: { ...a.people, 'dev-shop': { iamRoleArn: 'arn:aws:iam::444455556666:user/dev' } } })),
    `${PRD}: field "access.people.dev-shop.iamRoleArn" = "arn:aws:iam::444455556666:user/dev": must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>`,
  ],
  [
    'an assumed-role session instead of the role',
    withAccess('staging', (a) => ({
      ...a,
      people: { ...a.people, 'ops-lead': { iamRoleArn: 'arn:aws:sts::111122223333:assumed-role/PlatformAdmin/ops' } },
    })),
    `${STG}: field "access.people.ops-lead.iamRoleArn" = "arn:aws:sts::111122223333:assumed-role/PlatformAdmin/ops": must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>`,
  ],
  [
    'an account id that is not 12 digits',
    withAccess('staging', (a) => ({ ...a, people: { ...a.people, 'dev-shop': { iamRoleArn: ROLE('1111', 'Dev') } } })),
    `${STG}: field "access.people.dev-shop.iamRoleArn" = "arn:aws:iam::1111:role/Dev": must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>`,
  ],
  [
    'two people on one role',
    withAccess('prod', (a) => ({ ...a, people: { ...a.people, 'dev-shop': { iamRoleArn: a.people['ops-lead'].iamRoleArn } } })),
    `${PRD}: field "access.people.ops-lead.iamRoleArn" = "${cluster('prod').access.people['ops-lead'].iamRoleArn}": is also the role of "dev-shop": one role in two access entries would merge their rights; give each person a role of their own`,
  ],
  [
    'a platform admin who is no person',
    withAccess('prod', (a) => ({ ...a, platformAdmins: ['ops-lead', 'cto'] })),
    `${PRD}: field "access.platformAdmins[1]" = "cto": is not a person in access.people (known: agency-web, dev-shop, ops-lead)`,
  ],
  [
    'a developer who is no person',
    withAccess('staging', (a) => ({ ...a, apps: { ...a.apps, shop: { developers: ['dev-shop', 'dev-shopp'] } } })),
    `${STG}: field "access.apps.shop.developers[1]" = "dev-shopp": is not a person in access.people (known: agency-web, dev-shop, ops-lead)`,
  ],
  [
    'a viewer who is no person',
    withAccess('prod', (a) => ({ ...a, apps: { ...a.apps, backoffice: { ...a.apps?.backoffice, viewers: ['auditor'] } } })),
    `${PRD}: field "access.apps.backoffice.viewers[0]" = "auditor": is not a person in access.people (known: agency-web, dev-shop, ops-lead)`,
  ],
  [
    'access to an app the cluster does not run',
    withAccess('prod', (a) => ({ ...a, apps: { ...a.apps, blog: { developers: ['dev-shop'] } } })),
    `${PRD}: field "access.apps.blog" = "blog": is not an app of this cluster (apps: backoffice, legacy-site, shop); an app that leaves the cluster leaves access.apps too`,
  ],
  [
    'no break-glass switch at all',
    withAccess('prod', ({ breakGlass: _dropped, ...a }) => a as AccessSpec),
    `${PRD}: field "access.breakGlass.enabled" = undefined: must be true or false (false in normal times): the break-glass switch is stated explicitly`,
  ],
  [
    'a break-glass member who is no person',
    withAccess('staging', (a) => ({ ...a, breakGlass: { enabled: false, members: ['ops-lead', 'root'] } })),
    `${STG}: field "access.breakGlass.members[1]" = "root": is not a person in access.people (known: agency-web, dev-shop, ops-lead)`,
  ],
  [
    'break-glass on without a reason',
    withAccess('prod', (a) => ({ ...a, breakGlass: { enabled: true, members: ['ops-lead'] } })),
    `${PRD}: field "access.breakGlass.reason" = undefined: must say why break-glass is on (e.g. the incident ticket); see docs/break-glass.md`,
  ],
  [
    'break-glass on for nobody',
    withAccess('prod', (a) => ({ ...a, breakGlass: { enabled: true, members: [], reason: 'INC-42' } })),
    `${PRD}: field "access.breakGlass.members" = []: must name who gets cluster-admin while break-glass is on`,
  ],
];

describe('a bad access model stops synth with a clear error', () => {
  test.each(CLUSTERS.map((c) => [c.env, c] as const))('the real %s access model is valid', (_env, c) => {
    expect(checkAccess(c).map(String)).toEqual([]);
  });

  test.each(BAD_ACCESS)('%s', (_case, input, expected) => {
    expect(synthProblemsOf(() => buildAll(input))).toEqual([expected]);
  });

  test('a role with a path (as IAM Identity Center makes them) is a role', () => {
    const sso = {
      ...cluster('staging'),
      access: {
        ...cluster('staging').access,
        people: {
          ...cluster('staging').access.people,
          'ops-lead': { iamRoleArn: ROLE('111122223333', 'aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_PlatformAdmin_9f8e7d6c5b4a3f2e') },
        },
      },
    };
    expect(checkAccess(sso)).toEqual([]);
  });
});

describe('a person id that is an Elasticsearch user the stack or the platform keeps stops synth, naming the file, field and value, and writes nothing', () => {
  /** The fixture input with one more person in prod, who may read shop's logs (so they become an Elasticsearch user). */
  const withShopViewer = (id: string): SynthInput =>
    withAccess('prod', (a) => ({
      ...a,
      people: { ...a.people, [id]: { iamRoleArn: ROLE('444455556666', 'Extra') } },
      apps: { ...a.apps, shop: { ...a.apps?.shop, viewers: [...(a.apps?.shop?.viewers ?? []), id] } },
    }));
  const serviceUsers = ES_SERVICE_USERS.map((u) => u.username);
  // ECK 3.2.0 pkg/controller/elasticsearch/user/predefined.go; Elasticsearch's built-in users; ours.
  const RESERVED = [
    'elastic',
    'elastic-internal',
    'elastic-internal-probe',
    'elastic-internal-pre-stop',
    'elastic-internal-monitoring',
    'elastic-internal-diagnostics',
    'kibana',
    'kibana_system',
    'logstash_system',
    'beats_system',
    'apm_system',
    'remote_monitoring_user',
    ...serviceUsers,
  ];
  const FILE = 'file "clusters/prod/cluster.ts", cluster "acme-prod"';
  const BECOMES = 'is reserved: each person becomes an Elasticsearch user of this name, and it is';
  const PICK = "; pick another id, such as the person's own name";

  let root: string;
  let before: string;
  beforeAll(() => {
    root = tempDir('reserved-person-ids');
    fs.mkdirSync(path.join(root, 'dist', 'prod'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist', 'prod', 'previous.yaml'), 'kind: Previous\n');
    before = treeHash(root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test("every platform component's Elasticsearch user is among the refused ids", () => {
    expect(serviceUsers).toEqual(expect.arrayContaining(['elastalert', 'fluent-bit', 'elasticsearch-setup']));
  });

  test.each(RESERVED)('%s', (id) => {
    const problems = synthProblemsOf(() => synthesize(root, withShopViewer(id)));
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`${FILE}: field "access.people.${id}" = "${id}": ${BECOMES} `)).toBe(true);
    expect(problems[0].endsWith(PICK)).toBe(true);
    expect(treeHash(root)).toBe(before);
  });

  test.each([
    ['elastic', "ECK's `elastic` superuser: a file-realm user of that name replaces it, and ECK deletes the Secret with its password"],
    [
      'elastic-internal-probe',
      'in ECK\'s own range: ECK keeps every user name starting with "elastic-internal" for itself (its login, probe, pre-stop hook, monitoring), and a file-realm user of that name replaces the operator\'s',
    ],
    ['kibana_system', "Elasticsearch's built-in user for Kibana"],
    ['fluent-bit', "the Elasticsearch user of the platform's fluent-bit component (role log-shipper, Secret es-user-fluent-bit)"],
  ])('the error for %s says whose the name is', (id, whose) => {
    expect(synthProblemsOf(() => buildAll(withShopViewer(id)))).toEqual([`${FILE}: field "access.people.${id}" = "${id}": ${BECOMES} ${whose}${PICK}`]);
  });

  test.each(['elastic-ops', 'kibana-admin', 'internal-elastic', 'fluent-bit-dev'])('%s, a name like them, is a person', (id) => {
    const input = withShopViewer(id);
    expect(checkAccess(input.clusters.find((c) => c.env === 'prod')!).map(String)).toEqual([]);
    expect(() => buildAll(input)).not.toThrow();
  });
});
