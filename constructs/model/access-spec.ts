/**
 * Who may do what, per area. People are listed once, with the IAM role they assume; the areas name
 * them. The EKS access entries (cloud), the Kubernetes RBAC and the Elasticsearch roles all derive
 * from this one model, and dist/<env>/access.md shows the result.
 */
export interface PersonSpec {
  /** The IAM role this person assumes (e.g. their SSO permission set's role); EKS maps it to their groups. */
  readonly iamRoleArn: string;
}

export interface AppAccessSpec {
  /** Read everything in the app's namespace (Secrets excepted), restart and scale it, read its pods' logs, and its logs in Kibana. */
  readonly developers?: readonly string[];
  /** Read the app's workloads, events and logs; change nothing. */
  readonly viewers?: readonly string[];
  /** Developers may also exec into and port-forward to the app's pods in prod (always allowed in staging). @default false */
  readonly execInProd?: boolean;
  /**
   * An internal app behind the OIDC login: the IdP groups (the ID token's `internalAccess.oidc.groupsClaim`)
   * whose members the Gateway lets through to it, besides `internalAccess.oidc.adminGroups`. Everyone else who
   * signs in gets 403. `'any-signed-in'` lets every person the IdP signs in reach it (say so only on purpose).
   * Required for each internal app of a cluster with an OIDC login; refused with basic auth, which knows no groups.
   */
  readonly loginGroups?: readonly string[] | typeof ANY_SIGNED_IN;
}

/** `loginGroups` of an internal app that every person the IdP signs in may reach. */
export const ANY_SIGNED_IN = 'any-signed-in';

/**
 * Kubernetes cluster-admin, for emergencies only (docs/break-glass.md). The binding always exists; this
 * switch decides whether anyone is in its group, through their EKS access entry.
 */
export interface BreakGlassSpec {
  /** Off in normal times. Turn it on for an incident, with `reason`, and off again when it is over. */
  readonly enabled: boolean;
  /** Who gets cluster-admin while it is on: people of `people`. */
  readonly members: readonly string[];
  /** Required while enabled: why, e.g. the incident's ticket. */
  readonly reason?: string;
}

export interface AccessSpec {
  /** Everyone who may be granted anything, by a short id (a DNS label; also their Kibana user name). */
  readonly people: Readonly<Record<string, PersonSpec>>;
  /**
   * The day-to-day platform operators: read everything but Secrets, manage the apps' workloads, ask Flux
   * to reconcile, exec into app pods; Elasticsearch superuser. Not cluster-admin: that is `breakGlass`.
   */
  readonly platformAdmins: readonly string[];
  /** cluster-admin for emergencies, off by default. */
  readonly breakGlass: BreakGlassSpec;
  /** Per app: its developers and viewers. An app not listed here has no one but the admins. */
  readonly apps?: Readonly<Record<string, AppAccessSpec>>;
}

export type AppAccessLevel = 'developers' | 'viewers';
export const APP_ACCESS_LEVELS: readonly AppAccessLevel[] = ['developers', 'viewers'];

/** The Kubernetes groups the access model uses; EKS access entries put each person's IAM role in theirs. */
export const PLATFORM_ADMINS_GROUP = 'webapps:platform-admins';
/** cluster-admin; nobody is in it unless `breakGlass.enabled`. */
export const BREAK_GLASS_GROUP = 'webapps:break-glass';
export const appGroupOf = (app: string, level: AppAccessLevel): string => `webapps:${app}:${level}`;

/** Every group one person belongs to, sorted. */
export function groupsOf(access: AccessSpec, person: string): string[] {
  const groups = access.platformAdmins.includes(person) ? [PLATFORM_ADMINS_GROUP] : [];
  if (access.breakGlass.enabled && access.breakGlass.members.includes(person)) groups.push(BREAK_GLASS_GROUP);
  for (const [app, levels] of Object.entries(access.apps ?? {})) {
    for (const level of APP_ACCESS_LEVELS) if ((levels[level] ?? []).includes(person)) groups.push(appGroupOf(app, level));
  }
  return groups.sort();
}
