import { alertRuleFilesIn } from '../alerts/rule-config-maps';
import { fieldTypesOf, QUERIES_BY_TYPE } from '../logging/field-types';
import type { KubeObject } from '../model/kube-object';
import { ofKind } from './objects-of-kind';
import { parseYaml } from './own-yaml';

/*
 * Every alert rule ElastAlert2 runs queries each field as its type answers: exact terms (term, terms,
 * wildcard, prefix) on keywords only, phrases (match, match_phrase) on analysed text only, ranges on
 * numbers and dates. A wildcard on a `match_only_text` field, or a term on one, matches single words, so
 * the rule silently never fires. The types are those of the field table (constructs/logging/field-types.ts);
 * a field the table does not type is a problem too. The rules are read back from the ConfigMaps ElastAlert2
 * mounts (alerts/rule-config-maps.ts), as they will run.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The (query kind, field) pairs of one filter clause; unknown clauses are returned as such. */
export function fieldUsesOf(clause: Json): { query: string; field: string }[] {
  const [[kind, body]] = Object.entries(clause ?? { '(empty)': {} }) as [string, Json][];
  switch (kind) {
    case 'term':
    case 'terms':
    case 'wildcard':
    case 'prefix':
    case 'match':
    case 'match_phrase':
    case 'range':
      return Object.keys(body).map((field) => ({ query: kind, field }));
    case 'exists':
      return [{ query: kind, field: body.field }];
    case 'bool':
      return ['must', 'filter', 'should', 'must_not'].flatMap((key) => (body[key] ?? []).flatMap(fieldUsesOf));
    default:
      return [{ query: kind, field: '' }];
  }
}

/** The problems of one rendered rule (ElastAlert2's YAML as an object). */
export function ruleQueryProblems(file: string, rule: Json): string[] {
  const table = fieldTypesOf(String(rule.index ?? ''));
  const uses = [...(rule.filter ?? []).flatMap(fieldUsesOf), ...(rule.query_key !== undefined ? [{ query: 'query_key', field: String(rule.query_key) }] : [])];
  const problems: string[] = [];
  for (const { query, field } of uses) {
    const at = `alert rule "${file}"`;
    if (!field) {
      problems.push(`${at}: filter clause "${query}" is not one the field table can judge`);
      continue;
    }
    const typing = table[field];
    if (!typing) {
      problems.push(`${at}: ${query} on ${field}, which the field table (constructs/logging/field-types.ts) does not type for index ${rule.index}`);
      continue;
    }
    // A query key groups by exact value: it needs a keyword, as a term query does.
    const allowed = QUERIES_BY_TYPE[typing.type];
    const asked = query === 'query_key' ? 'term' : query;
    if (!allowed.includes(asked)) {
      problems.push(`${at}: ${query} on ${field}, a ${typing.type} field (${typing.from}); a ${typing.type} answers only ${allowed.join(', ')}`);
    }
  }
  return problems;
}

/**
 * Every rule of the ElastAlert2 rule ConfigMaps among the objects, named by its id (its file name without
 * `.yaml`); env: the cluster's, whose rules an earlier run of the same code may have judged already.
 */
export function alertQueryProblems(objects: readonly KubeObject[], env = ''): string[] {
  return alertRuleFilesIn(ofKind(objects, 'ConfigMap')).flatMap(([file, text]) => ruleFileQueryProblems(env, file, text));
}

/**
 * Each cluster's rule files judged in this process, or read back with their verdicts from a run of the same
 * code (the synth cache's rules entry), by file name: parsing 1,000 apps' rules again took 0.25 s of a
 * synth that reads them all back. A cluster's are forgotten whenever its rules are rendered or read afresh,
 * so verdicts read back hold for that synth only.
 */
const judgedRuleFiles = new Map<string, Map<string, { readonly text: string; readonly problems: readonly string[] }>>();
const judgedIn = (env: string) => judgedRuleFiles.get(env) ?? judgedRuleFiles.set(env, new Map()).get(env)!;

/** The problems of one file of a cluster's rules folder (its name ends in `.yaml`), judged once per text. */
export function ruleFileQueryProblems(env: string, file: string, text: string): string[] {
  const judged = judgedIn(env).get(file);
  if (judged?.text === text) return [...judged.problems];
  const problems = ruleQueryProblems(file.replace(/\.yaml$/, ''), parseYaml(text));
  judgedIn(env).set(file, { text, problems });
  return [...problems];
}

/** The problems an earlier run of the same code found in this very rule file. */
export function rememberRuleFileQueryProblems(env: string, file: string, text: string, problems: readonly string[]): void {
  judgedIn(env).set(file, { text, problems });
}

/** Forgets what was judged or read back of a cluster's rules. */
export function forgetRuleFileQueryProblems(env: string): void {
  judgedRuleFiles.delete(env);
}
