import { APPS } from './fixtures/specs/apps';
import { CLUSTERS } from './fixtures/specs/clusters';
import type { ClusterSpec } from '../constructs/model/cluster-spec';
import { clusterAppsOf } from '../constructs/model/resolve';
import { checkCostBudget } from '../constructs/validation/cost-budget-validation';
import { costBudgetProblems } from '../constructs/rules/cloud/cost-budget-rules';
import { cloudProblems, type TerraformJson } from '../constructs/rules/cloud/cloud-rules';
import type { Json } from '../constructs/cloud/terraform-json';
import { estimateCost, renderCost } from '../constructs/reports/cost-estimate';
import { cloudCountsOf } from '../constructs/reports/cost-inputs';
import { fixtureCloudAppsOf as appsOf, fixtureCloudOf as cloudOf } from './support';

const prod = CLUSTERS.find((c) => c.env === 'prod')!;
const staging = CLUSTERS.find((c) => c.env === 'staging')!;
const PRD = 'cluster "acme-prod"';
const withBudget = (monthlyUsd: unknown): ClusterSpec => ({ ...prod, costBudget: { monthlyUsd: monthlyUsd as number } });

describe('the cost budget in the cluster spec', () => {
  test('the fixture clusters pass, one with a budget and one without', () => {
    expect(prod.costBudget).toBeDefined();
    expect(staging.costBudget).toBeUndefined();
    expect(CLUSTERS.flatMap(checkCostBudget)).toEqual([]);
    expect(checkCostBudget(withBudget(0.29))).toEqual([]);
  });

  test.each([0, -100, 1_000_001, 12.345, Number.NaN, '1200'])('refuses %p as monthlyUsd', (value) => {
    expect(checkCostBudget(withBudget(value)).map(String)).toEqual([
      `${PRD}: field "costBudget.monthlyUsd" = ${JSON.stringify(value) ?? String(value)}: must be an amount in USD above 0 and at most 1000000, in whole cents`,
    ]);
  });

  test.each([1200, null])('refuses %p in place of { monthlyUsd }', (value) => {
    expect(checkCostBudget({ ...prod, costBudget: value as never }).map(String)).toEqual([
      `${PRD}: field "costBudget" = ${JSON.stringify(value)}: must be { monthlyUsd: <amount in USD> }`,
    ]);
  });

  test('refuses more receivers than AWS Budgets emails', () => {
    const to = Array.from({ length: 11 }, (_, i) => `ops${i}@example.com`);
    const cluster = { ...prod, alerting: { ...prod.alerting!, email: { ...prod.alerting!.email, to } } };
    expect(checkCostBudget(cluster).map(String)).toEqual([
      `${PRD}: field "alerting.email.to" = ${JSON.stringify(to)}: lists 11 addresses; AWS Budgets emails at most 10: use a mailing list, or drop costBudget`,
    ]);
    expect(checkCostBudget({ ...cluster, costBudget: undefined })).toEqual([]);
  });
});

describe('the cost budget in the Terraform', () => {
  const budgetOf = (json: TerraformJson) => Object.values(json.resource?.aws_budgets_budget ?? {});

  test("a monthly cost budget of the spec's amount emails every receiver at 80 % actual and 100 % forecast", () => {
    const json = cloudOf(prod);
    expect(budgetOf(json)).toHaveLength(1);
    const budget = budgetOf(json)[0];
    expect(budget).toMatchObject({ name: 'acme-prod-monthly-cost', budget_type: 'COST', time_unit: 'MONTHLY', limit_amount: '1200', limit_unit: 'USD' });
    expect(budget.notification).toEqual([
      {
        notification_type: 'ACTUAL',
        comparison_operator: 'GREATER_THAN',
        threshold: 80,
        threshold_type: 'PERCENTAGE',
        subscriber_email_addresses: ['ops@example.com'],
      },
      {
        notification_type: 'FORECASTED',
        comparison_operator: 'GREATER_THAN',
        threshold: 100,
        threshold_type: 'PERCENTAGE',
        subscriber_email_addresses: ['ops@example.com'],
      },
    ]);
    expect(cloudProblems(json, prod, appsOf(prod))).toEqual([]);
  });

  test('a cluster without costBudget has no budget', () => {
    expect(budgetOf(cloudOf(staging))).toEqual([]);
  });

  const broken = (edit: (budget: Json) => void): TerraformJson => {
    const json = cloudOf(prod);
    edit(json.resource.aws_budgets_budget.cost_budget);
    return json;
  };
  test.each<readonly [string, () => TerraformJson, ClusterSpec, string]>([
    [
      'no budget',
      () => {
        const json = cloudOf(prod);
        delete json.resource.aws_budgets_budget;
        return json;
      },
      prod,
      'there are 0, not 1',
    ],
    ['another amount', () => broken((b) => (b.limit_amount = '2000')), prod, 'limits 2000 USD, the spec says 1200 USD'],
    ['a yearly budget', () => broken((b) => (b.time_unit = 'ANNUALLY')), prod, 'is a ANNUALLY COST budget, not a MONTHLY COST one'],
    [
      'no forecast alert',
      () => broken((b) => (b.notification = b.notification.slice(0, 1))),
      prod,
      'does not tell anyone when the forecasted cost passes 100 %',
    ],
    [
      'a receiver left out',
      () => broken((b) => (b.notification[0].subscriber_email_addresses = [])),
      prod,
      'does not email ops@example.com when the actual cost passes 80 %',
    ],
    [
      'a budget the spec does not ask for',
      () => cloudOf(prod),
      { ...prod, costBudget: undefined },
      'is in the Terraform, but the cluster spec sets no costBudget',
    ],
  ])('the rule catches %s', (_name, json, cluster, problem) => {
    expect(costBudgetProblems(json(), cluster)).toEqual([expect.stringContaining(problem)]);
  });
});

describe('npm run cost against the budget', () => {
  const estimate = estimateCost(prod, clusterAppsOf(prod, APPS), cloudCountsOf(cloudOf(prod), []));
  const atMax = estimate.total + (prod.nodePool.max - estimate.nodes) * estimate.perExtraNode;

  test('says what share of the budget the estimate is, at the minimum and at the max', () => {
    const text = renderCost(estimate, 'prod', 2 * atMax);
    expect(text).toContain(
      `the estimate is ${Math.round((100 * estimate.total) / (2 * atMax))} % of it at ${estimate.nodes} nodes and 50 % at ${prod.nodePool.max}.`,
    );
    expect(text).not.toContain('Over budget');
  });

  test('says when the estimate is over it, at the minimum or near the max', () => {
    expect(renderCost(estimate, 'prod', estimate.total / 2)).toContain('**Over budget already at rest.**');
    expect(renderCost(estimate, 'prod', (estimate.total + atMax) / 2)).toContain('Over budget once the autoscaler nears the max.');
  });

  test('says nothing of a budget the spec does not set', () => {
    expect(renderCost(estimate, 'prod')).not.toContain('Budget');
  });
});
