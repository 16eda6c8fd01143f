import { reservedEsUsernameReason } from '../logging/elasticsearch-users';
import { APP_ACCESS_LEVELS } from '../model/access-spec';
import { clusterFileOf, type ClusterSpec } from '../model/cluster-spec';
import { SpecProblem } from '../model/spec-error';

/** A person's id names their access entry, their Kibana user and the Secret of its password. */
const PERSON_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** An IAM role in an account (a path such as aws-reserved/sso.amazonaws.com/ is allowed). */
const IAM_ROLE_ARN = /^arn:aws:iam::[0-9]{12}:role\/.+/;

/**
 * The cluster's access model (`access`): people with well-formed ids that are no Elasticsearch user the
 * stack or the platform keeps (each person is one in the file realm), and IAM roles, one role per person
 * (two people on one role would share each other's rights), every id that an area names is a person,
 * every app it names runs in the cluster, and an explicit break-glass switch that, when on, says who and why.
 */
export function checkAccess(cluster: ClusterSpec): SpecProblem[] {
  const at = { file: clusterFileOf(cluster.env), cluster: cluster.name };
  const problems: SpecProblem[] = [];
  const add = (field: string, value: unknown, problem: string) => problems.push(new SpecProblem(at, field, value, problem));
  const access = cluster.access;
  const people = Object.keys(access.people).sort();

  const ownerOfArn = new Map<string, string>();
  for (const person of people) {
    const reserved = reservedEsUsernameReason(person);
    if (reserved !== undefined)
      add(
        `access.people.${person}`,
        person,
        `is reserved: each person becomes an Elasticsearch user of this name, and it is ${reserved}; pick another id, such as the person's own name`,
      );
    else if (!PERSON_ID.test(person))
      add(`access.people.${person}`, person, 'must be a DNS-1123 label (lower-case letters, digits, "-") of at most 63 characters');
    const arn = access.people[person].iamRoleArn;
    if (typeof arn !== 'string' || !IAM_ROLE_ARN.test(arn)) {
      add(`access.people.${person}.iamRoleArn`, arn, 'must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>');
      continue;
    }
    const owner = ownerOfArn.get(arn);
    if (owner !== undefined)
      add(
        `access.people.${person}.iamRoleArn`,
        arn,
        `is also the role of "${owner}": one role in two access entries would merge their rights; give each person a role of their own`,
      );
    else ownerOfArn.set(arn, person);
  }

  const known = `known: ${people.join(', ') || 'none'}`;
  const mustBePeople = (field: string, ids: readonly string[]) => {
    for (const [i, id] of ids.entries()) if (!(id in access.people)) add(`${field}[${i}]`, id, `is not a person in access.people (${known})`);
  };
  mustBePeople('access.platformAdmins', access.platformAdmins);
  const breakGlass = access.breakGlass as Partial<typeof access.breakGlass> | undefined;
  if (typeof breakGlass?.enabled !== 'boolean') {
    add('access.breakGlass.enabled', breakGlass?.enabled, 'must be true or false (false in normal times): the break-glass switch is stated explicitly');
  } else {
    mustBePeople('access.breakGlass.members', breakGlass.members ?? []);
    if (breakGlass.enabled && (breakGlass.members ?? []).length === 0)
      add('access.breakGlass.members', [], 'must name who gets cluster-admin while break-glass is on');
    if (breakGlass.enabled && !breakGlass.reason?.trim())
      add('access.breakGlass.reason', breakGlass.reason, 'must say why break-glass is on (e.g. the incident ticket); see docs/break-glass.md');
  }
  const apps = Object.keys(cluster.apps).sort();
  for (const [app, levels] of Object.entries(access.apps ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (!(app in cluster.apps))
      add(`access.apps.${app}`, app, `is not an app of this cluster (apps: ${apps.join(', ')}); an app that leaves the cluster leaves access.apps too`);
    for (const level of APP_ACCESS_LEVELS) mustBePeople(`access.apps.${app}.${level}`, levels[level] ?? []);
  }
  return problems;
}
