/**
 * The Kubernetes versions a cluster may run: the EKS versions in standard support, each with the day its
 * standard support ends (the EKS Kubernetes release calendar, checked 2026-11-30). Synth does not compare
 * the dates with today (its output must not depend on the day it runs); they say when to move on.
 * Each version also needs its EKS add-on versions pinned in constructs/cloud/eks-addon-versions.ts.
 */
export const KUBERNETES_VERSIONS: Readonly<Record<string, { readonly endOfStandardSupport: string }>> = {
  '1.34': { endOfStandardSupport: '2026-12-02' },
  '1.35': { endOfStandardSupport: '2027-03-27' },
};

export const KUBERNETES_VERSIONS_FILE = 'constructs/model/kubernetes-versions.ts';

export const isKubernetesVersion = (version: string): boolean => Object.hasOwn(KUBERNETES_VERSIONS, version);

/** The oldest minor version in the table: anything older has left standard support. */
export const MIN_KUBERNETES_MINOR = Math.min(...Object.keys(KUBERNETES_VERSIONS).map((v) => Number(v.split('.')[1])));
