/** One problem in the input, naming where it is (file, cluster, env, app), the field and the offending value. */
export class SpecProblem {
  constructor(
    readonly where: { readonly file?: string; readonly cluster?: string; readonly env?: string; readonly app?: string },
    readonly field: string,
    readonly value: unknown,
    readonly problem: string,
  ) {}

  toString(): string {
    const place = [
      this.where.file !== undefined ? `file "${this.where.file}"` : undefined,
      this.where.cluster !== undefined ? `cluster "${this.where.cluster}"` : undefined,
      this.where.env !== undefined ? `env "${this.where.env}"` : undefined,
      this.where.app !== undefined ? `app "${this.where.app}"` : undefined,
    ].filter(Boolean);
    return `${place.length > 0 ? `${place.join(', ')}: ` : ''}field "${this.field}" = ${JSON.stringify(this.value)}: ${this.problem}`;
  }
}

/** Thrown when synth must stop; the message lists every problem, one per line. */
export class SynthError extends Error {
  constructor(
    readonly problems: readonly (SpecProblem | string)[],
    readonly heading = 'invalid input',
  ) {
    super(`${heading}:\n${problems.map((p) => `  - ${p.toString()}`).join('\n')}`);
    this.name = 'SynthError';
  }
}
