import { parseCidr } from '../model/cidr';
import type { AppSpec } from '../model/app-spec';
import type { ClusterSpec } from '../model/cluster-spec';
import { parseQuantity } from '../model/quantity';
import { resolveApp } from '../model/resolve';
import { addOnsOf } from '../platform/default-add-ons';
import { platformEndpointsOf } from '../platform/internal-endpoint';
import { SpecProblem, SynthError } from '../model/spec-error';

/** Checks the edge settings of apps and how each cluster lets staff into internal apps. */
export function validateEdgeInput(clusters: readonly ClusterSpec[], apps: readonly AppSpec[]): void {
  const problems: SpecProblem[] = [];
  for (const app of apps) {
    const at = { app: app.name };
    const edge = app.edge ?? {};
    if (edge.requestsPerSecond !== undefined && (!Number.isInteger(edge.requestsPerSecond) || edge.requestsPerSecond < 1)) {
      problems.push(new SpecProblem(at, 'edge.requestsPerSecond', edge.requestsPerSecond, 'must be a whole number of at least 1'));
    }
    if (edge.maxBodySize !== undefined && !(parseQuantity(edge.maxBodySize)! > 0)) {
      problems.push(new SpecProblem(at, 'edge.maxBodySize', edge.maxBodySize, 'is not a positive quantity, e.g. "10Mi"'));
    }
    if (edge.timeoutSeconds !== undefined && (!Number.isInteger(edge.timeoutSeconds) || edge.timeoutSeconds < 1 || edge.timeoutSeconds > 3600)) {
      problems.push(new SpecProblem(at, 'edge.timeoutSeconds', edge.timeoutSeconds, 'must be a whole number of seconds from 1 to 3600'));
    }
  }
  for (const cluster of clusters) {
    const at = { cluster: cluster.name };
    const access = cluster.internalAccess;
    const resolved = apps.filter((a) => a.name in cluster.apps).map((a) => resolveApp(a, cluster));
    const endpoints = platformEndpointsOf({ cluster, apps: resolved }, addOnsOf({ cluster, apps: resolved }));
    for (const app of resolved) {
      for (const endpoint of endpoints.filter((e) => app.hosts.includes(e.host))) {
        problems.push(
          new SpecProblem(
            { ...at, app: app.name },
            'hosts',
            endpoint.host,
            `is the platform's ${endpoint.name} endpoint (namespace ${endpoint.namespace}); an app cannot serve it`,
          ),
        );
      }
    }
    const runsInternal = resolved.some((a) => a.exposure === 'internal');
    if ((runsInternal || endpoints.length > 0) && !access.oidc && !access.basicAuthSecret) {
      const who = runsInternal ? 'internal apps' : `the platform endpoints (${endpoints.map((e) => e.name).join(', ')})`;
      problems.push(new SpecProblem(at, 'internalAccess', access, `${who} need a login: set oidc or basicAuthSecret`));
    }
    if (access.oidc && !access.oidc.issuer.startsWith('https://')) {
      problems.push(new SpecProblem(at, 'internalAccess.oidc.issuer', access.oidc.issuer, 'must be an https:// URL'));
    }
    for (const [i, cidr] of (access.allowedCidrs ?? []).entries()) {
      if (typeof cidr !== 'string' || !parseCidr(cidr))
        problems.push(new SpecProblem(at, `internalAccess.allowedCidrs[${i}]`, cidr, 'must be an IPv4 CIDR, e.g. "203.0.113.0/24"'));
    }
  }
  if (problems.length > 0) throw new SynthError(problems);
}
