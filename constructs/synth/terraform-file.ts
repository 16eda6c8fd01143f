// Apart from synth-cloud.ts, so that the thread that writes the file need not load the Terraform side.

/** The Terraform of one env, relative to the repo root: outside every Flux path, next to the YAML. */
export const terraformFileOf = (env: string): string => `dist/${env}/terraform/main.tf.json`;
