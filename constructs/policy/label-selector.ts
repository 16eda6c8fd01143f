type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
/** Set, as Go sees a pointer: neither absent nor JSON null. */
const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * Whether a metav1.LabelSelector selects these labels, as the API's LabelSelectorAsSelector reads it: an
 * absent selector selects nothing, an empty one everything; matchLabels and every matchExpression must hold.
 */
export function labelSelectorMatches(selector: Json, labels: Readonly<Record<string, string>>): boolean {
  if (!isSet(selector)) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e: Json) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In':
        return has && values.includes(labels[e.key]);
      case 'NotIn':
        return !has || !values.includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
  return byLabel && byExpression;
}
