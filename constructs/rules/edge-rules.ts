import { isOneLabelBelow, MAX_LISTENERS_PER_GATEWAY } from '../model/gateway-layout';
import { EXPOSURE_LABEL, GATEWAY, HTTP_LISTENER } from '../model/naming';
import { EXACT_VERSION } from '../platform/helm-release';
import { isHttpRedirect, redirectsToHttps } from '../platform/envoy-gateway';
import { ES_ROLES_SECRET } from '../logging/elasticsearch-users';
import { gatewayDurationMs } from '../model/gateway-duration';
import { DEFAULT_OIDC_LOGOUT_PATH, OIDC_CALLBACK_PATH, OIDC_PATH_PREFIX, oidcCallbackOf } from '../model/gateway-login';
import { describe, type KubeObject } from '../model/kube-object';
import { byNamespace, ofKind } from './objects-of-kind';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The edge of one cluster: every routed host has an HTTPS listener with a certificate from the issuer,
 * the HTTP listener only redirects, every routed host sends HSTS (for itself: never includeSubDomains)
 * and is rate limited, its body cap answers 413 at the headers (no body held in the proxies' memory:
 * blocks/https-route.ts says why), and internal routes (and only they) sit behind a login that keeps to
 * its own paths and brings each host back to itself (oidcLoginProblems). A route's exposure label
 * (platform endpoints) or its namespace's (apps) says which it is; internal wins if either says so, and
 * a route with neither fails.
 */
export function edgeProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [...gatewayProblems(objects), ...requestTimeoutProblems(objects)];
  const gateways = ofKind(objects, 'Gateway');
  const gateway = gateways.find((g) => g.metadata.name === GATEWAY.name);
  const attachedTo = httpsListenersNamedBy((name) => gateways.find((g) => g.metadata.name === name));
  const listeners: Json[] = (gateway?.spec as Json)?.listeners ?? [];
  const certificates = new Map(ofKind(objects, 'Certificate').map((c) => [(c.spec as Json).secretName, (c.spec as Json).dnsNames ?? []]));
  const routes = ofKind(objects, 'HTTPRoute');
  const namespaces = new Map(ofKind(objects, 'Namespace').map((n) => [n.metadata.name, n]));
  // The policies of each kind by namespace, so each route looks only at its own namespace's.
  const policiesIn = {
    BackendTrafficPolicy: byNamespace(ofKind(objects, 'BackendTrafficPolicy')),
    SecurityPolicy: byNamespace(ofKind(objects, 'SecurityPolicy')),
  };
  const directResponses = byNamespace(ofKind(objects, 'HTTPRouteFilter'));
  const targets = (kind: keyof typeof policiesIn, route: KubeObject, also = (_p: KubeObject) => true) =>
    (policiesIn[kind].get(route.metadata.namespace) ?? []).some(
      (p) => (p.spec as Json).targetRefs?.some((t: Json) => t.kind === 'HTTPRoute' && t.name === route.metadata.name) && also(p),
    );

  // A redirect of the HTTP listener serves nothing: the checks below are for routes that serve.
  for (const route of routes.filter((r) => (r.spec as Json).hostnames && !isHttpRedirect(r))) {
    const spec = route.spec as Json;
    // The HTTPS listeners the route attaches to by name, on whichever Gateway each is.
    const attached: Json[] = (spec.parentRefs ?? []).flatMap(attachedTo);
    for (const host of spec.hostnames as string[]) {
      const listener = attached.find((l) => hostnameMatches(l.hostname, host));
      if (!listener) {
        problems.push(`${describe(route)}: host ${host} has no HTTPS listener on the Gateway`);
        continue;
      }
      const cert = listener.tls?.certificateRefs?.[0]?.name;
      if (!(certificates.get(cert) ?? []).some((name: string) => hostnameMatches(name, host))) {
        problems.push(`${describe(route)}: host ${host} has no Certificate for its listener`);
      }
    }
    const hsts = spec.rules.every((rule: Json) =>
      (rule.filters ?? []).some((f: Json) => f.responseHeaderModifier?.set?.some((h: Json) => h.name === 'Strict-Transport-Security')),
    );
    if (!hsts) problems.push(`${describe(route)}: a rule does not send HSTS`);
    if (spec.rules.some((rule: Json) => (rule.filters ?? []).some(pinsSubdomains)))
      problems.push(
        `${describe(route)}: its HSTS has includeSubDomains, which would pin names below its hosts that the platform does not serve (blocks/https-route.ts, HSTS)`,
      );
    if (!targets('BackendTrafficPolicy', route)) problems.push(`${describe(route)}: no BackendTrafficPolicy rate-limits it`);
    if (targets('BackendTrafficPolicy', route, (p) => (p.spec as Json).requestBuffer !== undefined))
      problems.push(
        `${describe(route)}: a BackendTrafficPolicy buffers its request bodies in the proxies' memory (requestBuffer), which a flood of uploads to it would fill for every host`,
      );
    const answers413 = (rule: Json) =>
      (rule.filters ?? []).some((f: Json) => {
        const filter = f.type === 'ExtensionRef' && f.extensionRef?.kind === 'HTTPRouteFilter' ? f.extensionRef.name : undefined;
        return (directResponses.get(route.metadata.namespace) ?? []).some(
          (d) => d.metadata.name === filter && (d.spec as Json).directResponse?.statusCode === 413,
        );
      });
    const capsEveryPath = (rule: Json) =>
      (rule.matches ?? []).some(
        (m: Json) =>
          m.path?.type === 'PathPrefix' &&
          m.path.value === '/' &&
          m.headers?.some((h: Json) => h.name?.toLowerCase() === 'content-length' && h.type === 'RegularExpression'),
      );
    if (spec.rules.some((rule: Json) => rule.backendRefs?.length) && !spec.rules.some((rule: Json) => answers413(rule) && capsEveryPath(rule)))
      problems.push(`${describe(route)}: no rule answers 413 to a Content-Length above its body cap on every path`);
    const declared = [route.metadata.labels?.[EXPOSURE_LABEL], namespaces.get(route.metadata.namespace!)?.metadata.labels?.[EXPOSURE_LABEL]];
    const exposure = declared.includes('internal') ? 'internal' : declared.includes('public') ? 'public' : undefined;
    const login = targets('SecurityPolicy', route, (p) => !!((p.spec as Json).oidc || (p.spec as Json).basicAuth));
    if (!exposure) problems.push(`${describe(route)}: neither the route nor its namespace says whether it is public or internal`);
    if (exposure === 'internal' && !login) problems.push(`${describe(route)}: the app is internal but its route has no login SecurityPolicy`);
    if (exposure === 'public' && targets('SecurityPolicy', route)) problems.push(`${describe(route)}: the app is public but its route has a SecurityPolicy`);
    for (const policy of policiesIn.SecurityPolicy.get(route.metadata.namespace) ?? []) {
      if (targets('SecurityPolicy', route, (p) => p === policy)) problems.push(...oidcLoginProblems(route, policy));
    }
  }
  if (gateway) {
    const http = listeners.find((l) => l.name === HTTP_LISTENER);
    const redirects = routes.filter(
      (r) => (r.spec as Json).parentRefs?.some((p: Json) => p.sectionName === HTTP_LISTENER) && (r.spec as Json).rules.every(redirectsToHttps),
    );
    if (!http || !redirects.some((r) => !(r.spec as Json).hostnames)) problems.push(`${describe(gateway)}: the HTTP listener does not redirect to HTTPS`);
    // cert-manager's HTTP-01 route names its host (Envoy Gateway then gives that host a virtual host of its own), so
    // the redirect must name it too, or every other path of it answers 404 while a challenge is open.
    const redirected = new Set(redirects.flatMap((r) => ((r.spec as Json).hostnames ?? []) as string[]));
    const http01Hosts = [...certificates.values()].flat().filter((name: string) => !name.startsWith('*.'));
    for (const host of http01Hosts.filter((h) => !redirected.has(h)).sort())
      problems.push(`${describe(gateway)}: the HTTP listener has no redirect naming ${host}, whose HTTP-01 challenge route would take the host over`);
  }
  return problems;
}

/**
 * The OIDC login of a route (model/gateway-login.ts has the upstream facts): Envoy answers the callback and
 * logout paths itself, so both lie below OIDC_PATH_PREFIX, where no app serves anything (Envoy Gateway's
 * default logout path `/logout` would end the login but never the app's own session); and each host's
 * callback is on that host, or its host-only cookies are never set there and the login loops.
 */
function oidcLoginProblems(route: KubeObject, policy: KubeObject): string[] {
  const oidc = (policy.spec as Json).oidc;
  if (!oidc) return [];
  const problems: string[] = [];
  const logout: string = oidc.logoutPath ?? DEFAULT_OIDC_LOGOUT_PATH;
  if (!logout.startsWith(OIDC_PATH_PREFIX))
    problems.push(
      `${describe(policy)}: its logout path ${logout} is not below ${OIDC_PATH_PREFIX}; the Gateway answers it, so the app's own page there is never reached`,
    );
  const callbackPath = oidc.redirectURL ? new URL(oidc.redirectURL).pathname : OIDC_CALLBACK_PATH;
  if (!callbackPath.startsWith(OIDC_PATH_PREFIX))
    problems.push(
      `${describe(policy)}: its callback path ${callbackPath} is not below ${OIDC_PATH_PREFIX}; the Gateway answers it, so the app's own page there is never reached`,
    );
  for (const host of ((route.spec as Json).hostnames ?? []) as string[]) {
    const callback = oidcCallbackOf(oidc, host);
    if (new URL(callback).host !== host)
      problems.push(`${describe(policy)}: the login on host ${host} comes back to ${callback}, whose cookies ${host} never sees; the login loops there`);
  }
  return problems;
}

/** A filter that sets HSTS with includeSubDomains (RFC 6797 §6.1: directive names are case-insensitive). */
const pinsSubdomains = (filter: Json): boolean =>
  (filter.responseHeaderModifier?.set ?? [])
    .concat(filter.responseHeaderModifier?.add ?? [])
    .some((h: Json) => h.name?.toLowerCase() === 'strict-transport-security' && /(^|;)\s*includesubdomains\s*(;|$)/i.test(h.value ?? ''));

/**
 * The HTTPS listeners a parentRef names (by sectionName, in order) on the Gateway `gatewayNamed` gives
 * for its name. Each Gateway's listeners are indexed by name when first asked: a Gateway holds a hundred
 * or more, and every route asks.
 */
export function httpsListenersNamedBy(gatewayNamed: (name: string) => KubeObject | undefined): (parentRef: Json) => Json[] {
  const indexed = new Map<string, Map<unknown, Json[]>>();
  const indexOf = (name: string): Map<unknown, Json[]> => {
    let byName = indexed.get(name);
    if (byName) return byName;
    byName = new Map();
    const listeners: Json[] = (gatewayNamed(name)?.spec as Json)?.listeners ?? [];
    for (const l of listeners.filter((l) => l.protocol === 'HTTPS')) {
      const named = byName.get(l.name);
      if (named) named.push(l);
      else byName.set(l.name, [l]);
    }
    indexed.set(name, byName);
    return byName;
  };
  return (parentRef) => indexOf(parentRef.name).get(parentRef.sectionName) ?? [];
}

/** A listener or certificate name matches a host exactly, or as `*.<domain>` one label above it (RFC 6125 §6.4.3). */
export const hostnameMatches = (pattern: string | undefined, host: string): boolean =>
  pattern !== undefined && (pattern === host || (pattern.startsWith('*.') && isOneLabelBelow(host, pattern.slice(2))));

/**
 * The Gateways merged onto one fleet (Envoy Gateway v1.5.1, mergeGateways): each within Gateway API's 64
 * listeners; no protocol, port and hostname twice across them (the later one would be Conflicted,
 * internal/gatewayapi/validate.go validateConflictedMergedListeners); :80 on the first Gateway only; and a
 * ClientTrafficPolicy for each, since one attached to a Gateway covers that Gateway's listeners only.
 */
export function gatewayProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const policies = ofKind(objects, 'ClientTrafficPolicy');
  for (const gateway of ofKind(objects, 'Gateway')) {
    const listeners: Json[] = (gateway.spec as Json)?.listeners ?? [];
    if (listeners.length > MAX_LISTENERS_PER_GATEWAY)
      problems.push(`${describe(gateway)}: has ${listeners.length} listeners, more than ${MAX_LISTENERS_PER_GATEWAY}`);
    for (const l of listeners) {
      const key = `${l.protocol}:${l.hostname ?? ''}:${l.port}`;
      const other = seen.get(key);
      if (other) problems.push(`${describe(gateway)}: listener ${l.name} repeats ${key} of ${other}; merged Gateways must not`);
      seen.set(key, `${gateway.metadata.name}/${l.name}`);
      if (l.port === 80 && gateway.metadata.name !== GATEWAY.name)
        problems.push(`${describe(gateway)}: listener ${l.name} is on :80, which only Gateway ${GATEWAY.name} holds`);
    }
    const covered = policies.some(
      (p) =>
        p.metadata.namespace === gateway.metadata.namespace &&
        (p.spec as Json).targetRefs?.some((t: Json) => t.kind === 'Gateway' && t.name === gateway.metadata.name),
    );
    if (!covered) problems.push(`${describe(gateway)}: no ClientTrafficPolicy of its own`);
  }
  return problems;
}

/**
 * Every route's request timeout fits within the time the Gateway gives its listeners to receive a request:
 * the requestReceivedTimeout of the ClientTrafficPolicy that covers each listener it attaches to, the
 * listener's own if it has one, else its Gateway's (envoyproxy/gateway@v1.5.1,
 * internal/gatewayapi/clienttrafficpolicy.go, ProcessClientTrafficPolicies). A request still arriving then
 * gets 408, whatever the route allows (api/v1alpha1/timeout_types.go, HTTPClientTimeout).
 */
export function requestTimeoutProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const covering = new Map<string, KubeObject>();
  for (const policy of ofKind(objects, 'ClientTrafficPolicy')) {
    for (const t of (policy.spec as Json).targetRefs ?? []) {
      if (t.kind === 'Gateway') covering.set(`${policy.metadata.namespace}/${t.name}/${t.sectionName ?? ''}`, policy);
    }
  }
  for (const route of ofKind(objects, 'HTTPRoute').filter((r) => (r.spec as Json).hostnames)) {
    const spec = route.spec as Json;
    const timeouts: string[] = spec.rules.map((rule: Json) => rule.timeouts?.request).filter((t: unknown) => t !== undefined);
    const longest = timeouts.reduce((a, b) => ((gatewayDurationMs(b) ?? 0) > (gatewayDurationMs(a) ?? 0) ? b : a), '0s');
    for (const ref of spec.parentRefs ?? []) {
      const gateway = `${ref.namespace ?? route.metadata.namespace}/${ref.name}`;
      const policy = covering.get(`${gateway}/${ref.sectionName ?? ''}`) ?? covering.get(`${gateway}/`);
      const received = (policy?.spec as Json)?.timeout?.http?.requestReceivedTimeout;
      if (!policy || received === undefined) continue;
      if (gatewayDurationMs(longest)! > (gatewayDurationMs(received) ?? Infinity))
        problems.push(
          `${describe(route)}: its request timeout ${longest} is longer than the ${received} that ${describe(policy)} gives listener ${ref.name}/${ref.sectionName ?? '*'} to receive a request; a slower upload gets 408`,
        );
    }
  }
  return problems;
}

/**
 * ECK reads Elasticsearch role definitions only from a Secret. They hold no credential, so that one
 * Secret, by name and with its one key, may carry data.
 */
const isRoleDefinitions = (o: KubeObject): boolean =>
  o.metadata.name === ES_ROLES_SECRET.name &&
  o.metadata.namespace === ES_ROLES_SECRET.namespace &&
  o.data === undefined &&
  Object.keys((o as Json).stringData ?? {}).join() === ES_ROLES_SECRET.key;

/** No Secret with data in git (role definitions aside), no hostPort, and every chart pinned to an exact version. */
export function supplyProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    if (o.kind === 'Secret' && (o.data !== undefined || o.stringData !== undefined) && !isRoleDefinitions(o)) {
      problems.push(`${describe(o)}: carries secret data; reference the secret store instead`);
    }
    if (o.kind === 'HelmRelease' && !EXACT_VERSION.test((o.spec as Json)?.chart?.spec?.version ?? ''))
      problems.push(`${describe(o)}: chart version is not pinned exactly`);
    const spec = o.spec ?? {};
    if (jsonHoldsHostPort(spec) ?? JSON.stringify(spec).includes('"hostPort"')) problems.push(`${describe(o)}: uses a hostPort`);
  }
  return problems;
}

/** Deeper than any spec: a walk this deep is taken for a cycle, which JSON.stringify reports as it does. */
const DEEPEST_SPEC = 500;

/**
 * Whether JSON.stringify(value) holds the text `"hostPort"`, read off the value, which is cheaper than
 * writing its text for every object: it does when a key (of a value JSON keeps) or a string is
 * `hostPort`, or ends in `"hostPort` (a quote, escaped, just before it). Undefined where only
 * JSON.stringify can say: an object that is not a plain one or an array, a toJSON, a BigInt, a
 * function or symbol alone, a cycle.
 */
function jsonHoldsHostPort(value: unknown): boolean | undefined {
  if ('toJSON' in Object.prototype || 'toJSON' in Array.prototype) return undefined;
  return holdsHostPort(value, 0);
}

function holdsHostPort(value: unknown, depth: number): boolean | undefined {
  if (typeof value === 'string') return value === 'hostPort' || value.endsWith('"hostPort');
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return false;
  if (typeof value !== 'object' || depth > DEEPEST_SPEC) return undefined;
  let holds = false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return undefined;
    for (const item of value) {
      // JSON writes null for these.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      const found = holdsHostPort(item, depth + 1);
      if (found === undefined) return undefined;
      holds ||= found;
    }
    return holds;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const map = value as Record<string, unknown>;
  for (const key of Object.keys(map)) {
    const item = map[key];
    if (key === 'toJSON' && typeof item === 'function') return undefined;
    // JSON leaves out these entries, key and all.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    const found = holdsHostPort(item, depth + 1);
    if (found === undefined) return undefined;
    holds ||= found || key === 'hostPort' || key.endsWith('"hostPort');
  }
  return holds;
}
