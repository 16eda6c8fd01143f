/**
 * Kubernetes resource quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/),
 * parsed to plain numbers so that the platform can check and add them up.
 */
const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The quantity's value in base units (cores or bytes), or undefined when it does not parse. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * SUFFIX[match[2] ?? ''];
}

/** Cores as a whole number of millicores, e.g. 1.5 → `1500m`. */
export const formatCpu = (cores: number): string => `${Math.ceil(Math.round(cores * 1e6) / 1e3)}m`;
/** Bytes as whole mebibytes, e.g. `768Mi`. */
export const formatMemory = (bytes: number): string => `${Math.ceil(Math.round(bytes) / 2 ** 20)}Mi`;
