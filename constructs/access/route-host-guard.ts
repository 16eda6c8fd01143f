import { APP_PART_OF_LABEL, HOSTS_ANNOTATION } from '../model/naming';
import type { AdmissionRule } from '../blocks/admission-policy';

export const ROUTE_HOST_GUARD = 'route-hosts-owned-by-namespace';

const quote = (s: string) => JSON.stringify(s);

/**
 * Every HTTPRoute in an app namespace names its hostnames, and each is one of the hosts its namespace
 * owns (the namespace's HOSTS_ANNOTATION, written only by the platform layer). Where app hosts share a
 * listener (`*.<domain>`), the listener admits every app namespace, so this is what keeps one app from
 * serving another's host, or every host (a route without hostnames takes the listener's wildcard).
 * Hostnames cannot hold spaces (Gateway API's Hostname pattern), so the space-separated list is matched exactly.
 */
export function routeHostGuardRule(): AdmissionRule {
  return {
    name: ROUTE_HOST_GUARD,
    resources: [{ group: 'gateway.networking.k8s.io', version: 'v1', resources: ['httproutes'] }],
    operations: ['CREATE', 'UPDATE'],
    namespaceLabels: APP_PART_OF_LABEL,
    variables: [
      {
        name: 'owned',
        expression:
          `' ' + (has(namespaceObject.metadata.annotations) && ${quote(HOSTS_ANNOTATION)} in namespaceObject.metadata.annotations` +
          ` ? namespaceObject.metadata.annotations[${quote(HOSTS_ANNOTATION)}] : '') + ' '`,
      },
    ],
    validations: [
      {
        expression: "has(object.spec.hostnames) && size(object.spec.hostnames) > 0 && object.spec.hostnames.all(h, variables.owned.contains(' ' + h + ' '))",
        message: `An app's HTTPRoute must name its hostnames, each one of its own hosts (annotation ${HOSTS_ANNOTATION} of its namespace).`,
      },
    ],
  };
}
