import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** A named CEL expression, as ValidatingAdmissionPolicy's variables, match conditions and validations take it. */
export interface CelCheck {
  readonly name: string;
  readonly expression: string;
}

/**
 * One ValidatingAdmissionPolicy, as data, so tests can run its CEL with a real CEL implementation.
 * `variables` are evaluated in order and read as `variables.<name>`; the request is refused when a
 * validation is false, with its message.
 */
export interface AdmissionRule {
  readonly name: string;
  readonly resources: readonly { readonly group: string; readonly version: string; readonly resources: readonly string[] }[];
  /**
   * CONNECT is what the API server admits for `pods/exec`, `pods/attach` and `pods/portforward`: then `object`
   * is the request's options (PodExecOptions, PodAttachOptions, PodPortForwardOptions), `oldObject` null,
   * and `request.name` the pod (kubernetes/apiserver v0.35.7, pkg/endpoints/handlers/rest.go ConnectResource).
   */
  readonly operations: readonly ('CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT')[];
  /** Only objects in namespaces with these labels. @default every namespace */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Only requests for which all of these hold (`request` is the admission request). @default every request */
  readonly matchConditions?: readonly CelCheck[];
  readonly variables?: readonly CelCheck[];
  readonly validations: readonly { readonly expression: string; readonly message: string }[];
}

/** The policy and its binding, denying what it refuses (failurePolicy Fail: a broken expression refuses too). */
export class AdmissionPolicy extends Construct {
  constructor(scope: Construct, id: string, rule: AdmissionRule) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: rule.name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          ...(rule.namespaceLabels ? { namespaceSelector: { matchLabels: { ...rule.namespaceLabels } } } : {}),
          resourceRules: rule.resources.map((r) => ({
            apiGroups: [r.group],
            apiVersions: [r.version],
            operations: [...rule.operations],
            resources: [...r.resources],
          })),
        },
        ...(rule.matchConditions ? { matchConditions: rule.matchConditions.map((c) => ({ ...c })) } : {}),
        ...(rule.variables ? { variables: rule.variables.map((v) => ({ ...v })) } : {}),
        validations: rule.validations.map((v) => ({ ...v })),
      },
    });
    new ApiObject(this, 'Binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: rule.name },
      spec: { policyName: rule.name, validationActions: ['Deny'] },
    });
  }
}
