import { namespaceOf } from '../model/naming';
import type { ResolvedApp } from '../model/resolve';
import { appRulesOf } from './app-rules';
import { platformRules } from './platform-rules';
import type { AlertRule } from './rule';

/** Every rule of one cluster: each app's and the platform's, sorted by id so the output is stable. */
export function alertRulesOf(apps: readonly ResolvedApp[]): AlertRule[] {
  return [...apps.flatMap((app) => appRulesOf(app)), ...platformRulesOf(apps)].sort((a, b) => a.id.localeCompare(b.id));
}

/** The platform's rules of a cluster with these apps: some read the apps' namespaces. */
export const platformRulesOf = (apps: readonly ResolvedApp[]): AlertRule[] => platformRules(apps.map((a) => namespaceOf(a.name)));
