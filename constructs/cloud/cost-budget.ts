import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { Construct } from 'constructs';

export const COST_BUDGET_ADDRESS = 'cost_budget';
export const costBudgetOf = (cluster: string): string => `${cluster}-monthly-cost`;
/** When the receivers hear of it: the month's actual cost past this share of the budget, and AWS's forecast past all of it. */
export const BUDGET_ACTUAL_PERCENT = 80;
export const BUDGET_FORECAST_PERCENT = 100;

export interface CostBudgetProps {
  readonly clusterName: string;
  readonly monthlyUsd: number;
  /** The alert receivers (the cluster spec's `alerting.email.to`). */
  readonly emails: readonly string[];
}

/**
 * The account's monthly cost against the env's budget (the cluster spec's `costBudget`), all of its
 * services: the cluster has the account to itself. AWS Budgets emails the receivers itself, so no topic
 * policy has to trust another service principal.
 */
export class CostBudget extends Construct {
  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const emails = [...new Set(props.emails)].sort();
    const notification = (notificationType: 'ACTUAL' | 'FORECASTED', threshold: number) => ({
      notificationType,
      comparisonOperator: 'GREATER_THAN',
      threshold,
      thresholdType: 'PERCENTAGE',
      subscriberEmailAddresses: emails,
    });
    new BudgetsBudget(this, 'Resource', {
      name: costBudgetOf(props.clusterName),
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      // AWS answers "1200.0" for "1200"; the provider compares the two as amounts (limit_amount's
      // DiffSuppressFunc, suppressEquivalentBudgetLimitAmount, in internal/service/budgets/budget.go), so no plan shows a change.
      limitAmount: String(props.monthlyUsd),
      limitUnit: 'USD',
      notification: [notification('ACTUAL', BUDGET_ACTUAL_PERCENT), notification('FORECASTED', BUDGET_FORECAST_PERCENT)],
    }).overrideLogicalId(COST_BUDGET_ADDRESS);
  }
}
