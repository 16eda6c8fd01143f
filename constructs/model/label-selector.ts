/** A Kubernetes LabelSelector as written in a NetworkPolicy. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly SelectorRequirement[];
}

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export type Labels = Readonly<Record<string, string>>;

/**
 * Whether the selector matches the labels (apimachinery's LabelSelectorAsSelector): every matchLabels
 * pair and every expression must hold; an empty selector matches everything. NotIn and DoesNotExist
 * match where the key is absent.
 */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return pairs && (selector.matchExpressions ?? []).every((req) => requirementHolds(req, labels));
}

function requirementHolds(req: SelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(labels[req.key]);
    case 'NotIn':
      return !has || !values.includes(labels[req.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      throw new Error(`label selector: field "matchExpressions[].operator" = "${req.operator}": must be In, NotIn, Exists or DoesNotExist`);
  }
}

/** The same for a selector that may be absent, as Go sees a nil pointer: an absent selector selects nothing. */
export const labelSelectorMatches = (selector: LabelSelector | null | undefined, labels: Labels): boolean =>
  selector !== undefined && selector !== null && selectorMatches(selector, labels);
