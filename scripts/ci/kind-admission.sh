#!/usr/bin/env bash
# scripts/ci/kind-admission.sh <dir>: applies the files scripts/ci/admission-sets.ts wrote to <dir> to the
# cluster kubectl points at (a throwaway kind cluster in CI), and fails if the API server refuses anything.
#   1. for real: every CRD (then waits until each is served), every Namespace (then waits for its default
#      ServiceAccount), our ValidatingAdmissionPolicies and their bindings, PriorityClasses, ServiceAccounts;
#   2. --dry-run=server: everything else (rendered charts and dist/), judged by those policies and the
#      API server's validation;
#   3. --dry-run=server: each workload's pod template as a bare Pod, judged by Pod Security `enforce` of its
#      namespace (and the Priority and ServiceAccount admission plugins).
# Server-side apply throughout: large CRDs do not fit the client-side last-applied annotation.
set -euo pipefail

dir="${1:?usage: scripts/ci/kind-admission.sh <dir written by scripts/ci/admission-sets.ts>}"
apply() { kubectl apply --server-side --force-conflicts --field-manager=ci-admission "$@"; }
has_objects() { grep -q '^kind:' "$1"; }

echo "::group::CRDs (for real)"
has_objects "$dir/crds.yaml" && apply -f "$dir/crds.yaml" >/dev/null
kubectl wait --for=condition=Established crd --all --timeout=120s
echo "::endgroup::"

echo "::group::Namespaces (for real)"
apply -f "$dir/namespaces.yaml"
for ns in $(kubectl get namespaces -o jsonpath='{.items[*].metadata.name}'); do
  for _ in $(seq 1 60); do
    kubectl get serviceaccount default -n "$ns" >/dev/null 2>&1 && break
    sleep 1
  done
done
echo "::endgroup::"

echo "::group::Admission policies and bindings, PriorityClasses, ServiceAccounts (for real)"
has_objects "$dir/real.yaml" && apply -f "$dir/real.yaml"
# A policy judges requests only once the API server has loaded it and its binding.
sleep 5
echo "::endgroup::"

status=0
echo "::group::Everything else (--dry-run=server)"
if has_objects "$dir/dry-run.yaml" && ! apply --dry-run=server -f "$dir/dry-run.yaml"; then
  echo "::error::the API server refused objects of the rendered charts or dist/ (see above)"
  status=1
fi
echo "::endgroup::"

echo "::group::Every workload's pods as bare Pods (--dry-run=server: Pod Security enforce)"
if has_objects "$dir/pods.yaml" && ! apply --dry-run=server -f "$dir/pods.yaml"; then
  echo "::error::Pod Security (or another pod admission plugin) refused pods (see above)"
  status=1
fi
echo "::endgroup::"
exit "$status"
