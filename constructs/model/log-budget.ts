import type { AppSpec, EdgeSpec } from './app-spec';
import { DEFAULT_EDGE } from './resolve';

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
/**
 * A record whose time is this far ahead of the summaries' clock does not move it: an app whose logParser
 * reads its own time key, with a clock in the future, would otherwise hold back every app's summary.
 */
export const LOG_CLOCK_MAX_AHEAD_SECONDS = 60;

export interface LogBudget {
  readonly linesPerSecond: number;
  readonly burstLines: number;
}

const budgetOf = (linesPerSecond: number): LogBudget => ({ linesPerSecond, burstLines: linesPerSecond * LOG_BURST_SECONDS });

export function logBudgetOf(app: Pick<AppSpec, 'logLinesPerSecond'>): LogBudget {
  return budgetOf(app.logLinesPerSecond ?? DEFAULT_LOG_LINES_PER_SECOND);
}

/** The log budget of an app that sets none: every namespace not listed in Fluent Bit's script has it. */
export const DEFAULT_LOG_BUDGET: LogBudget = logBudgetOf({});

/*
 * The Gateway's access lines, one per request (429s included), are written by the Envoy proxies in the
 * Gateway's namespace, so they are metered apart: per app and per proxy pod, since each proxy pod keeps its
 * own rate limit. That limit is `edge.requestsPerSecond` per host per proxy replica (constructs/blocks/https-route.ts),
 * so one proxy pod lets at most requestsPerSecond × hosts requests a second through to an app: the budget of
 * those lines is that and ACCESS_HEADROOM_PERCENT more (the limiter's own burst, a host added since). The lines of requests
 * the limit refused (429) have a bucket of their own, REFUSED_LINES_PER_SECOND: enough for the admin to see a
 * flood's shape (who, which path) while the summary counts the rest, and, apart, they cannot use up the
 * tokens of the requests that passed, which keep every line however the flood goes.
 */
/** In percent: whole numbers, so the budget is exact (110, not 110.00000000000001 rounded up). */
export const ACCESS_HEADROOM_PERCENT = 10;
/** Lines of refused requests (429), per app and proxy pod. */
export const REFUSED_LINES_PER_SECOND = 50;
/** Host count of an app whose access budget is the default (with the default edge settings). */
export const DEFAULT_ACCESS_HOSTS = 1;
/**
 * Requests no route matched (unknown hosts, scanners): the Gateway limits none of them, so their lines have a
 * fixed budget per proxy pod, enough to see who scans, not enough to take a node's queue.
 */
export const UNROUTED_LINES_PER_SECOND = 50;

const accessBudgetFor = (requestsPerSecond: number, hosts: number): LogBudget =>
  budgetOf(Math.max(1, Math.ceil((requestsPerSecond * hosts * (100 + ACCESS_HEADROOM_PERCENT)) / 100)));

/** The budget of an app's access lines of requests that passed the rate limit, per proxy pod. */
export function accessBudgetOf(app: { readonly edge?: Pick<EdgeSpec, 'requestsPerSecond'>; readonly hosts: readonly string[] }): LogBudget {
  return accessBudgetFor(app.edge?.requestsPerSecond ?? DEFAULT_EDGE.requestsPerSecond, app.hosts.length);
}

/** The access budget every app namespace not listed in Fluent Bit's script has: the default edge settings and one host. */
export const DEFAULT_ACCESS_BUDGET: LogBudget = accessBudgetFor(DEFAULT_EDGE.requestsPerSecond, DEFAULT_ACCESS_HOSTS);
export const REFUSED_BUDGET: LogBudget = budgetOf(REFUSED_LINES_PER_SECOND);
export const UNROUTED_BUDGET: LogBudget = budgetOf(UNROUTED_LINES_PER_SECOND);
