import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { KubeObject } from '../model/kube-object';
import { LABEL_PREFIX } from '../model/naming';
import type { RuleFile } from './render';

/*
 * ElastAlert2's rules, in ConfigMaps of our own that its pod mounts as one projected volume at its rules
 * folder. The chart (jertel/elastalert2 2.26.0, templates/rules.yaml) would put every rule from its values
 * into one ConfigMap, and the API server refuses a ConfigMap whose data passes 1 MiB (kubernetes
 * pkg/apis/core/validation/validation.go, ValidateConfigMap: the values' bytes summed, core.MaxSecretSize):
 * at a thousand apps the rules are some 4 MB, and the HelmRelease holding them in its values would pass
 * etcd's 1.5 MiB request limit too. ElastAlert2 2.26.0 reads the rules folder with its subfolders, skipping
 * the `..` folders of a ConfigMap volume (elastalert/loaders.py, get_names), and loads new, changed and
 * removed rule files every run_every, unless --pin_rules (elastalert/elastalert.py, handle_config_change):
 * a rule change reaches it without a restart, once the kubelet has updated the volume.
 */

/** Marks the ConfigMaps of alert rules: the alert query rule and the tests read the rules from them. */
export const ALERT_RULES_LABEL = `${LABEL_PREFIX}/alert-rules`;

/** The data a shard of the apps' rules aims at: half the API server's limit, so that an uneven split stays below it. */
export const RULE_SHARD_TARGET_BYTES = 512 * 1024;

/** One ConfigMap of rules: its name and the rule files it holds. */
export interface RuleConfigMap {
  readonly name: string;
  readonly files: readonly RuleFile[];
}

/**
 * The ConfigMaps of a cluster's rules: the platform's own in one, the apps' in as many shards as their size
 * needs, a power of two. Each app's rules stay together, in the shard its name hashes to: an app's arrival
 * or departure changes its own shard only, until the shards double, when half the apps move.
 */
export function ruleConfigMapsOf(baseName: string, rules: readonly RuleFile[]): RuleConfigMap[] {
  const ofApps = rules.filter((r) => r.app !== undefined);
  const bytes = ofApps.reduce((n, r) => n + Buffer.byteLength(r.text), 0);
  let shards = 1;
  while (bytes / shards > RULE_SHARD_TARGET_BYTES) shards *= 2;
  const shardOfApp = new Map<string, number>();
  const shardOf = (app: string) => shardOfApp.get(app) ?? shardOfApp.set(app, createHash('sha256').update(app).digest().readUInt32BE(0) % shards).get(app)!;
  const shardFiles = Array.from({ length: shards }, (): RuleFile[] => []);
  for (const rule of ofApps) shardFiles[shardOf(rule.app!)].push(rule);
  return [
    { name: `${baseName}-platform`, files: rules.filter((r) => r.app === undefined) },
    ...shardFiles.map((files, i) => ({ name: `${baseName}-apps-${i}`, files })),
  ];
}

/** A rule's key in its ConfigMap, which is also its file name in the rules folder. */
export const ruleFileNameOf = (rule: RuleFile): string => `${rule.id}.yaml`;

export interface AlertRuleConfigMapsProps {
  readonly namespace: string;
  readonly configMaps: readonly RuleConfigMap[];
  readonly labels: Readonly<Record<string, string>>;
}

/** The ConfigMaps of ruleConfigMapsOf(), labelled ALERT_RULES_LABEL. */
export class AlertRuleConfigMaps extends Construct {
  constructor(scope: Construct, id: string, props: AlertRuleConfigMapsProps) {
    super(scope, id);
    for (const configMap of props.configMaps) {
      new ApiObject(this, configMap.name, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: configMap.name, namespace: props.namespace, labels: { ...props.labels, [ALERT_RULES_LABEL]: 'true' } },
        data: Object.fromEntries(configMap.files.map((rule) => [ruleFileNameOf(rule), rule.text])),
      });
    }
  }
}

/** Every rule file among the objects, as file name and YAML: the data of the ConfigMaps labelled ALERT_RULES_LABEL. */
export function alertRuleFilesIn(objects: readonly KubeObject[]): [file: string, text: string][] {
  return objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.[ALERT_RULES_LABEL] === 'true')
    .flatMap((o) => Object.entries(((o as { data?: Record<string, string> }).data ?? {}) as Record<string, string>));
}
