import type { CloudCluster } from '../../model/cloud-input';
import { BUDGET_ACTUAL_PERCENT, BUDGET_FORECAST_PERCENT, costBudgetOf } from '../../cloud/cost-budget';
import { asList, resourcesOf, type Json, type TerraformJson } from '../../cloud/terraform-json';

/**
 * With `costBudget` in the spec, one monthly cost budget of that amount in USD emails every alert receiver
 * when the actual cost passes 80 % and the forecast 100 %; without it, no budget.
 */
export function costBudgetProblems(json: TerraformJson, cluster: Pick<CloudCluster, 'name' | 'alerting' | 'costBudget'>): string[] {
  const name = costBudgetOf(cluster.name);
  const budgets = resourcesOf(json, 'aws_budgets_budget').filter(([, b]) => b.name === name);
  const spec = cluster.costBudget;
  if (!spec) return budgets.length > 0 ? [`cost budget ${name}: is in the Terraform, but the cluster spec sets no costBudget`] : [];
  if (budgets.length !== 1)
    return [`cost budget ${name}: there are ${budgets.length}, not 1: no one would hear when the env costs more than ${spec.monthlyUsd} USD a month`];
  const problems: string[] = [];
  const say = (problem: string) => problems.push(`cost budget ${name}: ${problem}`);
  const [, budget] = budgets[0];
  if (budget.budget_type !== 'COST' || budget.time_unit !== 'MONTHLY') say(`is a ${budget.time_unit} ${budget.budget_type} budget, not a MONTHLY COST one`);
  if (Number(budget.limit_amount) !== spec.monthlyUsd || budget.limit_unit !== 'USD')
    say(`limits ${budget.limit_amount} ${budget.limit_unit}, the spec says ${spec.monthlyUsd} USD`);
  const notifications = asList(budget.notification) as Json[];
  const receivers = [...new Set(cluster.alerting?.email.to ?? [])];
  for (const [type, percent] of [
    ['ACTUAL', BUDGET_ACTUAL_PERCENT],
    ['FORECASTED', BUDGET_FORECAST_PERCENT],
  ] as const) {
    const found = notifications.find(
      (n) => n.notification_type === type && n.comparison_operator === 'GREATER_THAN' && n.threshold === percent && n.threshold_type === 'PERCENTAGE',
    );
    if (!found) {
      say(`does not tell anyone when the ${type.toLowerCase()} cost passes ${percent} %`);
      continue;
    }
    const told = new Set(asList(found.subscriber_email_addresses));
    for (const email of receivers) if (!told.has(email)) say(`does not email ${email} when the ${type.toLowerCase()} cost passes ${percent} %`);
  }
  return problems;
}
