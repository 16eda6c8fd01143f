/** A Kubernetes object as synthesized: plain JSON, read by the validators and the policy rules. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** One file that synth writes, relative to the repo root. */
export interface OutputFile {
  readonly path: string;
  /** Kubernetes objects that Flux applies; validated against their schemas. */
  readonly objects?: readonly KubeObject[];
  /** Any other generated file (a kustomization.yaml, Terraform JSON): written as is. */
  readonly text?: string;
}

export const describe = (obj: KubeObject): string => `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;

export const allObjects = (files: readonly OutputFile[]): KubeObject[] => files.flatMap((f) => f.objects ?? []);
