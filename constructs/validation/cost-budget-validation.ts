import type { ClusterSpec } from '../model/cluster-spec';
import { SpecProblem } from '../model/spec-error';

/** Far above any env this platform runs; a figure past it is a typo (cents for dollars, say). */
export const MAX_MONTHLY_BUDGET_USD = 1_000_000;
/** "A notification can have one SNS subscriber and up to 10 email subscribers" (AWS Budgets API reference, NotificationWithSubscribers). */
export const MAX_BUDGET_EMAILS = 10;

/** The cost budget: a sum of dollars and cents AWS Budgets takes, and receivers it can email. */
export function checkCostBudget(cluster: ClusterSpec): SpecProblem[] {
  const budget = cluster.costBudget;
  if (budget === undefined) return [];
  const at = { cluster: cluster.name };
  if (typeof budget !== 'object' || budget === null) return [new SpecProblem(at, 'costBudget', budget, 'must be { monthlyUsd: <amount in USD> }')];
  const usd = budget.monthlyUsd;
  const problems: SpecProblem[] = [];
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd <= 0 || usd > MAX_MONTHLY_BUDGET_USD || Math.abs(Math.round(usd * 100) - usd * 100) > 1e-6) {
    problems.push(new SpecProblem(at, 'costBudget.monthlyUsd', usd, `must be an amount in USD above 0 and at most ${MAX_MONTHLY_BUDGET_USD}, in whole cents`));
  }
  const receivers = new Set(cluster.alerting?.email.to ?? []);
  if (receivers.size > MAX_BUDGET_EMAILS) {
    problems.push(
      new SpecProblem(
        at,
        'alerting.email.to',
        [...receivers],
        `lists ${receivers.size} addresses; AWS Budgets emails at most ${MAX_BUDGET_EMAILS}: use a mailing list, or drop costBudget`,
      ),
    );
  }
  return problems;
}
