import { describe, type KubeObject } from '../model/kube-object';
import { configSectionsOf, fluentBitReleasesOf, type ConfigSection } from './log-buffer-rules';

/*
 * Settings whose upstream behaviour loses or hides records, each read in the source of the Fluent Bit
 * the chart runs (fluent-bit 0.47.0: Fluent Bit 3.1.0, fluent/fluent-bit@v3.1.0).
 */

interface SettingRule {
  /** The config section and plugin it applies to, e.g. INPUT and kubernetes_events. */
  readonly section: string;
  readonly plugin: string;
  /** What is wrong with that section's settings, or undefined. */
  readonly problemOf: (entries: ConfigSection['entries']) => string | undefined;
}

const SETTING_RULES: readonly SettingRule[] = [
  {
    // plugins/in_kubernetes_events/kubernetes_events.c, check_event_is_filtered: with a DB, an event whose
    // uid is in it is dropped, whatever its resourceVersion (kubernetes_events_sql.h,
    // SQL_KUBERNETES_EVENT_EXISTS_BY_UID). client-go's recorder updates a repeated event in place (same
    // uid, count + 1), so each Event would ship once and the rules that count them could not fire.
    section: 'INPUT',
    plugin: 'kubernetes_events',
    problemOf: (entries) =>
      entries.db
        ? `sets DB ${entries.db[0]}: Fluent Bit then ships each Event once by its uid and drops its updates (a repeated event's count), which the alert rules count`
        : undefined,
  },
];

/** Every Fluent Bit release: none of the settings above that lose or hide records. */
export function fluentBitSettingProblems(objects: readonly KubeObject[]): string[] {
  return fluentBitReleasesOf(objects).flatMap((release) =>
    configSectionsOf(release).flatMap((section) =>
      SETTING_RULES.filter((rule) => rule.section === section.name && rule.plugin === section.entries.name?.[0]?.toLowerCase()).flatMap((rule) => {
        const problem = rule.problemOf(section.entries);
        return problem ? [`${describe(release)}: its [${rule.section}] ${rule.plugin} ${problem}`] : [];
      }),
    ),
  );
}
