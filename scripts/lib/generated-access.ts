import type { AccessSpec } from '../../constructs/model/access-spec';
import type { AppSpec } from '../../constructs/model/app-spec';

/**
 * The access block of a generated cluster (the bench, the tests' large clusters): the base cluster's
 * people, admins and break-glass, no app's developers or viewers, and each internal app's login open to
 * an IdP group of its own, as a cluster spec must say (internal apps name who may pass their login).
 */
export const generatedAccessOf = (base: AccessSpec, apps: readonly AppSpec[]): AccessSpec => ({
  ...base,
  apps: Object.fromEntries(apps.filter((a) => a.exposure === 'internal').map((a) => [a.name, { loginGroups: [`${a.name}-staff`] }])),
});
