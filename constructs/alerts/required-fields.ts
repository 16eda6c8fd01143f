/*
 * The options ElastAlert2 requires of a rule, from its documentation: "Rules" (docs/source/ruletypes.rst,
 * https://elastalert2.readthedocs.io/en/latest/ruletypes.html), the "Rule Configuration Cheat Sheet"
 * ("FOR ALL RULES" and the per-type "Req" column) and the sections "Frequency", "Spike", "Flatline" and
 * "Any". `name` is listed there with a default (the file name), but the loader requires it
 * (RulesLoader.required_locals = alert, type, name, index). `es_host` and `es_port` come from the
 * global config.yaml, so a rule file need not carry them. Our rules also always carry a filter.
 */
export const REQUIRED_FOR_ALL_RULES = ['name', 'type', 'index', 'alert', 'filter'] as const;

export const REQUIRED_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  frequency: ['num_events', 'timeframe'],
  spike: ['spike_height', 'spike_type', 'timeframe'],
  flatline: ['threshold', 'timeframe'],
  any: [],
};

const isSet = (value: unknown): boolean => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);

/** The documented required options that a rendered rule lacks (an empty list counts as missing); an unknown type is reported too. */
export function missingRequiredFields(rendered: Readonly<Record<string, unknown>>): string[] {
  const missing: string[] = REQUIRED_FOR_ALL_RULES.filter((key) => !isSet(rendered[key]));
  if (!isSet(rendered.type)) return missing;
  const byType = REQUIRED_BY_TYPE[String(rendered.type)];
  if (!byType) return [...missing, `type (unknown rule type "${String(rendered.type)}")`];
  return [...missing, ...byType.filter((key) => !isSet(rendered[key]))];
}
