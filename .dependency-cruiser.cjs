// The layers of constructs/, bottom up; nothing imports upward (README, "Layout").
//   model     specs, names, shared types, tables
//   blocks    hardened container, admission policy, HTTPS route and login policy, store secret
//   concerns  app, platform, cloud, logging, alerts, access, gitops
//   checks    validation, schemas, rules, network (the reachability model)
//   synth     synth and reports
//   entry     scripts/ and main.ts; apps/ and clusters/ are input and see only model/
const concerns = ['app', 'platform', 'cloud', 'logging', 'alerts', 'access', 'gitops'];
const folder = (names) => `^constructs/(${names.join('|')})/`;
const checks = ['validation', 'schemas', 'rules', 'network'];
const above = {
  model: ['blocks', ...concerns, ...checks, 'synth', 'reports'],
  blocks: [...concerns, ...checks, 'synth', 'reports'],
  concerns: [...checks, 'synth', 'reports'],
  checks: ['synth', 'reports'],
};
const entry = '^(scripts/|main\\.ts$|apps/|clusters/)';
// The few edges between sibling concerns, each with its reason.
const siblingEdges = {
  platform: ['logging', 'alerts', 'access'], // the ECK and ElastAlert2 add-ons, and the cluster-wide RBAC guards
  alerts: ['logging'], // alert rules query the log streams and read Elasticsearch through its CA
  app: ['access'], // an app's RoleBindings bind the access layer's ClusterRoles
  cloud: ['platform'], // an add-on's AWS identity is bound to its service account
  gitops: ['access'], // Flux's own grants are RBAC rules, checked by the access evaluator
  logging: [],
  access: [],
};
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycle between files.', from: {}, to: { circular: true } },
    { name: 'model-is-the-bottom', severity: 'error', from: { path: '^constructs/model/' }, to: { path: [folder(above.model), entry] } },
    { name: 'blocks-below-concerns', severity: 'error', from: { path: '^constructs/blocks/' }, to: { path: [folder(above.blocks), entry] } },
    { name: 'concerns-below-checks', severity: 'error', from: { path: folder(concerns) }, to: { path: [folder(above.concerns), entry] } },
    { name: 'checks-below-synth', severity: 'error', from: { path: folder(checks) }, to: { path: [folder(above.checks), entry] } },
    { name: 'reports-below-synth', severity: 'error', from: { path: '^constructs/reports/' }, to: { path: ['^constructs/synth/', entry] } },
    { name: 'synth-below-entry', severity: 'error', from: { path: '^constructs/synth/' }, to: { path: entry } },
    {
      name: 'input-sees-only-model',
      severity: 'error',
      comment: 'apps/ and clusters/ are what users edit: they see the spec types only.',
      from: { path: '^(apps|clusters)/' },
      to: { path: '^constructs/(?!model/)' },
    },
    ...Object.entries(siblingEdges).map(([from, allowed]) => ({
      name: `concern-${from}-siblings`,
      severity: 'error',
      comment: `${from}/ may import only ${allowed.length ? allowed.join(', ') : 'no other concern'} among the concerns.`,
      from: { path: `^constructs/${from}/` },
      to: { path: folder(concerns.filter((c) => c !== from && !allowed.includes(c))) },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.gen|cdktf\\.out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
