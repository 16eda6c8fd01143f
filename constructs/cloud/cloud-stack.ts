import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { cloudSettingsOf, clusterFileOf } from '../model/cluster-spec';
import { extraHostZoneIdsOf } from '../model/dns-zones';
import { accessLogBucketOf, clusterBucketPrefixOf, flowLogBucketOf, LABEL_PREFIX, offsiteBackupBucketOf, trailBucketOf } from '../model/naming';
import { BACKUP_LOCK, BACKUP_LOCK_POD_IDENTITY_ADDRESS, BACKUP_LOCK_ROLE_ADDRESS, backupLockRoleOf } from '../model/backup-lock';
import { backupLockStatements } from './backup-lock-policy';
import { PodIdentityRole } from './pod-identity-role';
import type { CloudApp, CloudCluster } from '../model/cloud-input';
import { AccessEntries } from './access-entries';
import { AccessLogBucket } from './access-logs';
import { ADD_ON_IDENTITIES, type AwsAddOn } from './add-on-identities';
import {
  certManagerStatements,
  clusterAutoscalerStatements,
  envSecretsArnOf,
  externalDnsStatements,
  externalSecretsStatements,
  nodeGroupsArnOf,
} from './add-on-policies';
import { AddOnRole } from './add-on-role';
import { AppBucket } from './app-bucket';
import type { AppCloudPart, BuiltAppPart } from './app-cloud-part';
import { AppRole, storageDeletes } from './app-role';
import { AccountGuardrails } from './account-guardrails';
import { AuditTrail } from './audit-trail';
import { BackupJobRoles } from './backup-job-roles';
import { AppPodIdentities } from './app-pod-identities';
import { BackupVault } from './backup-vault';
import { CloudAlerts } from './cloud-alerts';
import { CostBudget } from './cost-budget';
import { DnsZone, hostedZoneArnOf } from './dns-zone';
import { EksAddons } from './eks-addons';
import { EksCluster } from './eks-cluster';
import { EncryptionKey } from './encryption-key';
import { FlowLogs } from './flow-logs';
import { GeesefsUser } from './geesefs-user';
import type { PolicyStatement } from './iam-policy';
import { Network } from './network';
import { NodeGroup } from './node-group';
import { useStateBackend } from './state-backend';
import { GUARDDUTY_AGENT_ADDON, ThreatDetection } from './threat-detection';
import { OffsiteThreatDetection } from './offsite-threat-detection';

/** The alias of the second AWS provider, the one of the offsite region. */
export const OFFSITE_PROVIDER_ALIAS = 'offsite';

export interface CloudStackProps {
  readonly cluster: CloudCluster;
  /** The apps the cluster runs, overrides applied. Retired apps come from the cluster's `appData`. */
  readonly apps: readonly CloudApp[];
  /**
   * Parts of apps kept from an earlier run, by app (app-cloud-part.ts): those apps' constructs are not built,
   * and stackJsonOf is given their share of the JSON. @default none: every app is built
   */
  readonly keptParts?: ReadonlyMap<string, AppCloudPart>;
}

/**
 * Everything AWS holds for one cluster: the account's guardrails (S3 Block Public Access, EBS encryption by
 * default, GuardDuty), network, EKS and its nodes, an access entry per person of the access model, the DNS
 * zone, a role per platform add-on that calls AWS, a bucket per app, the apps' roles shared by use (the app's,
 * the backup jobs') with each app's Pod Identity associations to them, an IAM user per app that mounts its
 * bucket with GeeseFS, the backup vault, and
 * the audit logs (VPC flow logs, a CloudTrail trail). Built from the cluster spec alone, so staging and prod
 * differ only where their specs do. Each cluster is assumed to have its AWS account to itself.
 */
export class CloudStack extends TerraformStack {
  /**
   * cdktf's logical id, held one byte per character. cdktf makes it by joining the construct ids, and V8
   * gives some of those joins two bytes per character, ASCII as they are; every key and reference of the
   * JSON carries them, so JSON.stringify made the whole text two bytes per character. At 1,000 apps this
   * takes 45–70 MiB off the peak of a synth that builds the Terraform again, and halves its cache entry.
   */
  public allocateLogicalId(tfElement: Parameters<TerraformStack['allocateLogicalId']>[0]): string {
    return Buffer.from(super.allocateLogicalId(tfElement), 'utf8').toString('utf8');
  }

  /** The parts of the apps built here, by app: what keptPartsOf() keeps of them once the JSON exists. */
  readonly builtParts = new Map<string, BuiltAppPart>();

  constructor(scope: Construct, id: string, props: CloudStackProps) {
    super(scope, id);
    const { cluster } = props;
    const settings = cloudSettingsOf(cluster);
    const defaultTags = [
      {
        tags: {
          [`${LABEL_PREFIX}/cluster`]: cluster.name,
          [`${LABEL_PREFIX}/env`]: cluster.env,
          [`${LABEL_PREFIX}/managed-by`]: 'webapp-platform',
        },
      },
    ];
    new AwsProvider(this, 'aws', { region: cluster.region, defaultTags });
    const offsite = new AwsProvider(this, 'aws-offsite', { alias: OFFSITE_PROVIDER_ALIAS, region: cluster.offsiteRegion, defaultTags });
    useStateBackend(this, cluster.name, settings.terraformState);

    const account = new DataAwsCallerIdentity(this, 'Account');
    const accountId = account.accountId;
    new AccountGuardrails(this, 'AccountGuardrails');

    const network = new Network(this, 'Network', { clusterName: cluster.name, region: cluster.region, ...settings.network });
    const privateSubnetIds = network.privateSubnets.map((s) => s.id);
    const eks = new EksCluster(this, 'Cluster', {
      name: cluster.name,
      kubernetesVersion: cluster.kubernetesVersion,
      subnetIds: network.controlPlaneSubnets.map((s) => s.id),
      adminCidrs: settings.adminCidrs,
      accountId,
      region: cluster.region,
    });
    // Who may use the Kubernetes API: each person of the access model, in their RBAC groups only.
    new AccessEntries(this, 'AccessEntries', { cluster: eks, access: cluster.access });
    const threats = new ThreatDetection(this, 'ThreatDetection', {
      clusterName: cluster.name,
      region: cluster.region,
      accountId,
      vpcId: network.vpc.id,
      vpcCidr: settings.network.vpcCidr,
      subnetIds: privateSubnetIds,
    });
    const networking = new EksAddons(this, 'AddonsBeforeNodes', { cluster: eks, phase: 'beforeNodes' });
    const nodeSubnets = settings.network.zones.map((zone, i) => ({ zone, subnetId: privateSubnetIds[i] }));
    const nodes = new NodeGroup(this, 'Nodes', { cluster: eks, pool: cluster.nodePool, subnets: nodeSubnets, dependsOn: networking.addons });
    // The GuardDuty agent reports through its endpoint, which must exist first, and runs only once Runtime
    // Monitoring is on (threat-detection.ts).
    new EksAddons(this, 'AddonsAfterNodes', {
      cluster: eks,
      phase: 'afterNodes',
      dependsOn: [...nodes.groups, threats.endpoint],
      addonDependsOn: { [GUARDDUTY_AGENT_ADDON]: [threats.runtimeMonitoring] },
    });

    const logs = {
      near: new AccessLogBucket(this, 'AccessLogs', { clusterName: cluster.name, site: 'near', retentionDays: settings.data.accessLogDays, account }).bucket,
      offsite: new AccessLogBucket(this, 'OffsiteAccessLogs', {
        clusterName: cluster.name,
        site: 'offsite',
        retentionDays: settings.data.accessLogDays,
        account,
        provider: offsite,
      }).bucket,
    };
    const vault = new BackupVault(this, 'BackupVault', {
      clusterName: cluster.name,
      region: cluster.region,
      offsiteRegion: cluster.offsiteRegion,
      offsiteProvider: offsite,
      accessLogs: logs,
      settings: settings.backupVault,
      accountId,
      adminRoleArns: cluster.access.platformAdmins.map((person) => cluster.access.people[person].iamRoleArn),
    });
    new CloudAlerts(this, 'CloudAlerts', { clusterName: cluster.name, accountId, emails: cluster.alerting?.email.to ?? [], nearBackups: vault.near });
    new OffsiteThreatDetection(this, 'OffsiteThreatDetection', {
      clusterName: cluster.name,
      region: cluster.region,
      offsiteRegion: cluster.offsiteRegion,
      accountId,
      offsiteProvider: offsite,
    });
    if (cluster.costBudget)
      new CostBudget(this, 'CostBudget', { clusterName: cluster.name, monthlyUsd: cluster.costBudget.monthlyUsd, emails: cluster.alerting?.email.to ?? [] });

    const dataKey = new EncryptionKey(this, 'AppDataKey', {
      alias: `${cluster.name}-app-data`,
      description: `App data buckets of ${cluster.name}`,
      address: 'app_data_key',
      accountId,
    });
    // Each app's bucket, roles and user: built, or kept from an earlier run (app-cloud-part.ts).
    const kept = props.keptParts ?? new Map<string, AppCloudPart>();
    const partOf = (app: string): BuiltAppPart =>
      this.builtParts.get(app) ?? this.builtParts.set(app, { constructs: [], dataKeyUses: [], backupKeyUses: [] }).get(app)!;
    const buckets = new Map<string, AppBucket>();
    for (const [app, state] of Object.entries(cluster.appData).sort(([a], [b]) => a.localeCompare(b))) {
      if (kept.has(app)) continue;
      const bucket = new AppBucket(this, `AppData-${app}`, {
        clusterName: cluster.name,
        app,
        state,
        kmsKeyArn: dataKey.arn,
        accessLogs: logs.near,
        noncurrentVersionDays: settings.data.noncurrentVersionDays,
      });
      buckets.set(app, bucket);
      partOf(app).constructs.push(bucket);
    }
    for (const app of [...props.apps].sort((a, b) => a.name.localeCompare(b.name))) {
      const keptPart = kept.get(app.name);
      if (keptPart) {
        for (const use of keptPart.dataKeyUses) dataKey.allow(use);
        for (const use of keptPart.backupKeyUses) vault.nearKey.allow(use);
        continue;
      }
      const bucket = buckets.get(app.name);
      if (!bucket) throw new Error(`CloudStack: app "${app.name}" runs in ${cluster.name} but has no appData entry`);
      const part = partOf(app.name);
      const named = dataKey.usesNamedBy(() =>
        vault.nearKey.usesNamedBy(() => {
          // Its associations to the shared roles of its uses (below): the app's identities, in its namespace.
          part.constructs.push(
            new AppPodIdentities(this, `AppPodIdentities-${app.name}`, { cluster: eks, app: app.name, deletes: storageDeletes(app.storage) }),
          );
          // k8s-csi-s3 cannot use Pod Identity: a GeeseFS app's volume mounts with the static key of a user.
          if (app.storage?.driver === 'geesefs') {
            part.constructs.push(
              new GeesefsUser(this, `GeesefsUser-${app.name}`, {
                clusterName: cluster.name,
                env: cluster.env,
                app: app.name,
                region: cluster.region,
                bucket: bucket.bucket,
                dataKey,
              }),
            );
          }
        }),
      );
      Object.assign(part, { dataKeyUses: named.uses, backupKeyUses: named.made.uses });
    }

    // The roles of the apps, one per use, shared by every app's association to it: a number of roles that does
    // not grow with the apps. The backup jobs back up every app's bucket, with storage or without.
    for (const deletes of [false, true]) {
      if (props.apps.some((app) => storageDeletes(app.storage) === deletes))
        new AppRole(this, deletes ? 'AppRoleDeleting' : 'AppRole', { cluster: eks, region: cluster.region, dataKey, deletes });
    }
    if (props.apps.length > 0)
      new BackupJobRoles(this, 'BackupJobRoles', { cluster: eks, region: cluster.region, dataKey, backup: { bucket: vault.near, key: vault.nearKey } });

    // The audit logs: the VPC's flows, and a trail of the account's management events and of every object
    // read and write in the app and backup buckets. The platform admins may read them.
    const auditKey = new EncryptionKey(this, 'AuditLogsKey', {
      alias: `${cluster.name}-audit-logs`,
      description: `Flow logs and CloudTrail logs of ${cluster.name}`,
      address: 'audit_logs_key',
      accountId,
    });
    for (const person of [...cluster.access.platformAdmins].sort()) {
      auditKey.allowThroughS3('PlatformAdminsReadAuditLogsThroughS3', cluster.access.people[person].iamRoleArn, ['kms:Decrypt'], cluster.region);
    }
    const auditLogs = { region: cluster.region, accountId, key: auditKey, accessLogs: logs.near, retentionDays: settings.data.accessLogDays };
    new FlowLogs(this, 'FlowLogs', { ...auditLogs, clusterName: cluster.name, vpcId: network.vpc.id });
    // Every bucket of the cluster but the log buckets and the state bucket: the same buckets as one value per
    // app bucket named, in a constant number of values (audit-trail.ts).
    const prefix = clusterBucketPrefixOf(cluster.name);
    new AuditTrail(this, 'AuditTrail', {
      ...auditLogs,
      clusterName: cluster.name,
      dataEvents: {
        bucketPrefix: prefix,
        exceptBuckets: [
          trailBucketOf(cluster.name),
          flowLogBucketOf(cluster.name),
          accessLogBucketOf(cluster.name, 'near'),
          accessLogBucketOf(cluster.name, 'offsite'),
          settings.terraformState.bucket,
        ].filter((bucket) => bucket.startsWith(prefix)),
      },
    });

    const zone = new DnsZone(this, 'DnsZone', {
      clusterName: cluster.name,
      domain: cluster.domain,
      specZoneId: cluster.dnsZoneId,
      specFile: clusterFileOf(cluster.env),
    });
    // The zones external-dns's --zone-id-filter names too (model/dns-zones.ts), the env's own by its dnsZoneId.
    const zoneArns = [zone.resource.arn, ...extraHostZoneIdsOf(cluster).map(hostedZoneArnOf)];
    const statementsOf: Record<AwsAddOn, () => PolicyStatement[]> = {
      'external-dns': () => externalDnsStatements(zoneArns),
      'external-secrets': () => externalSecretsStatements(envSecretsArnOf(cluster.region, accountId, cluster.env)),
      'cluster-autoscaler': () => clusterAutoscalerStatements(cluster.name, nodeGroupsArnOf(cluster.region, accountId, cluster.name)),
      'cert-manager': () => certManagerStatements(zone.resource.arn, cluster.domain),
    };
    for (const identity of ADD_ON_IDENTITIES) {
      if (cluster.disabledAddOns?.includes(identity.addOn)) continue;
      new AddOnRole(this, `AddOnRole-${identity.addOn}`, { cluster: eks, identity, statements: statementsOf[identity.addOn]() });
    }
    // The weekly renewal of the offsite locks (docs/restore.md): list the offsite bucket, extend its objects' retention.
    new PodIdentityRole(this, 'BackupLockRenewalRole', {
      cluster: eks,
      roleName: backupLockRoleOf(cluster.name),
      description: `Renews the Object Lock of the current offsite backups of ${cluster.name}`,
      namespace: BACKUP_LOCK.namespace,
      serviceAccount: BACKUP_LOCK.serviceAccount,
      policyName: 'renew-offsite-locks',
      statements: backupLockStatements({
        offsiteBucketArn: `arn:aws:s3:::${offsiteBackupBucketOf(cluster.name)}`,
        objectLockMode: settings.backupVault.objectLockMode,
        objectLockDays: settings.backupVault.objectLockDays,
      }),
      roleAddress: BACKUP_LOCK_ROLE_ADDRESS,
      associationAddress: BACKUP_LOCK_POD_IDENTITY_ADDRESS,
    });
  }
}
