import type { AppSpec } from './app-spec';

/*
 * Each app's log budget on each node: how many lines a second Fluent Bit ships of the app's namespace,
 * with a burst, before it drops the rest at the node (constructs/logging/fluent-bit-lua.ts). One app that
 * logs faster than Elasticsearch indexes would otherwise fill the node's one output queue, and Fluent Bit
 * 3.1 makes room by dropping the queue's oldest chunks, whatever app they hold (test/log-budget.test.ts).
 */

/** Lines a second per node, when the app sets none: a busy app's request and error lines, not its debug output. */
export const DEFAULT_LOG_LINES_PER_SECOND = 200;
/** What an app may set: below, a restart's stack trace would be cut; above, one app could take most of a node's share of Elasticsearch. */
export const LOG_LINES_PER_SECOND_RANGE = { min: 10, max: 5000 } as const;
/** The burst: this many seconds' worth of lines, so a start-up or a stack trace passes whole. */
export const LOG_BURST_SECONDS = 10;
/** How often, in the records' own time, Fluent Bit writes one summary line per app it throttled. */
export const LOG_BUDGET_INTERVAL_SECONDS = 60;

export interface LogBudget {
  readonly linesPerSecond: number;
  readonly burstLines: number;
}

export function logBudgetOf(app: Pick<AppSpec, 'logLinesPerSecond'>): LogBudget {
  const linesPerSecond = app.logLinesPerSecond ?? DEFAULT_LOG_LINES_PER_SECOND;
  return { linesPerSecond, burstLines: linesPerSecond * LOG_BURST_SECONDS };
}
