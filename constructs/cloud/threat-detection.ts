import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyDetectorFeature } from '@cdktf/provider-aws/lib/guardduty-detector-feature';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { policyDocument } from './iam-policy';

/*
 * GuardDuty's feature names and the additional configuration of Runtime Monitoring, as the API knows them:
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html (names:
 * S3_DATA_EVENTS | EKS_AUDIT_LOGS | EBS_MALWARE_PROTECTION | RDS_LOGIN_EVENTS | EKS_RUNTIME_MONITORING |
 * LAMBDA_NETWORK_LOGS | RUNTIME_MONITORING; EKS_RUNTIME_MONITORING and RUNTIME_MONITORING exclude each
 * other) and API_DetectorAdditionalConfiguration.html (EKS_ADDON_MANAGEMENT | ECS_FARGATE_AGENT_MANAGEMENT |
 * EC2_AGENT_MANAGEMENT). The provider's aws_guardduty_detector_feature passes them through unchanged.
 */

/** The features this stack turns on, and the agent management it turns off. */
export const GUARDDUTY_FEATURES = { eksAuditLogs: 'EKS_AUDIT_LOGS', s3: 'S3_DATA_EVENTS', runtime: 'RUNTIME_MONITORING' } as const;
/**
 * Runtime Monitoring with every automated agent management off: GuardDuty would otherwise install its agent
 * and create a VPC endpoint and a security group itself, outside Terraform. The agent is a pinned EKS add-on
 * instead (eks-addons.ts), and its endpoint is below.
 */
export const AGENT_MANAGEMENT = ['EKS_ADDON_MANAGEMENT', 'ECS_FARGATE_AGENT_MANAGEMENT', 'EC2_AGENT_MANAGEMENT'] as const;

/** The EKS add-on of the GuardDuty agent. */
export const GUARDDUTY_AGENT_ADDON = 'aws-guardduty-agent';

/** The endpoint the GuardDuty agent sends runtime events to (https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-prereq-deploy-security-agent.html). */
export const guardDutyDataServiceOf = (region: string): string => `com.amazonaws.${region}.guardduty-data`;

export interface ThreatDetectionProps {
  readonly clusterName: string;
  readonly region: string;
  readonly accountId: string;
  /** The VPC, its CIDR, and the private subnets the agent's pods run in. */
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly subnetIds: readonly string[];
}

/**
 * GuardDuty for the cluster's account and region: the detector with EKS audit-log monitoring, S3
 * protection and Runtime Monitoring with the agent managed by hand, and the interface endpoint the agent
 * reports through, with a security group that admits HTTPS from the VPC only. One detector per account
 * and region: this stack assumes the cluster has its account to itself, as each env's access model does.
 */
export class ThreatDetection extends Construct {
  readonly detector: GuarddutyDetector;
  readonly endpoint: VpcEndpoint;
  /**
   * Runtime Monitoring: the GuardDuty agent add-on must wait for it, as the agent does not work until it is on
   * (GuardDuty user guide, "Installing GuardDuty security agent manually on Amazon EKS resources":
   * https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-deploy-security-agent.html).
   */
  readonly runtimeMonitoring: GuarddutyDetectorFeature;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    this.detector = new GuarddutyDetector(this, 'Detector', { enable: true, findingPublishingFrequency: 'FIFTEEN_MINUTES' });
    this.detector.overrideLogicalId('guardduty');
    const feature = (name: string, address: string, additionalConfiguration?: { name: string; status: string }[]) => {
      const resource = new GuarddutyDetectorFeature(this, address, { detectorId: this.detector.id, name, status: 'ENABLED', additionalConfiguration });
      resource.overrideLogicalId(`guardduty_${address}`);
      return resource;
    };
    feature(GUARDDUTY_FEATURES.eksAuditLogs, 'eks_audit_logs');
    feature(GUARDDUTY_FEATURES.s3, 's3_protection');
    this.runtimeMonitoring = feature(
      GUARDDUTY_FEATURES.runtime,
      'runtime_monitoring',
      AGENT_MANAGEMENT.map((name) => ({ name, status: 'DISABLED' })),
    );

    const group = new SecurityGroup(this, 'EndpointSecurityGroup', {
      name: `${props.clusterName}-guardduty-data`,
      description: 'GuardDuty agent endpoint: HTTPS from the VPC only',
      vpcId: props.vpcId,
      // No egress: an endpoint's interfaces only answer.
      egress: [],
      tags: { Name: `${props.clusterName}-guardduty-data` },
    });
    group.overrideLogicalId('guardduty_endpoint_sg');
    new VpcSecurityGroupIngressRule(this, 'EndpointHttps', {
      securityGroupId: group.id,
      description: 'HTTPS from the VPC (the agent on every node)',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    }).overrideLogicalId('guardduty_endpoint_https');

    this.endpoint = new VpcEndpoint(this, 'Endpoint', {
      vpcId: props.vpcId,
      serviceName: guardDutyDataServiceOf(props.region),
      vpcEndpointType: 'Interface',
      privateDnsEnabled: true,
      subnetIds: [...props.subnetIds],
      securityGroupIds: [group.id],
      // The policy the GuardDuty guide gives for a hand-made endpoint: this account's principals only.
      policy: policyDocument([
        { Sid: 'AllowThisAccount', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
        {
          Sid: 'DenyOtherAccounts',
          Effect: 'Deny',
          Principal: '*',
          Action: '*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalAccount': props.accountId } },
        },
      ]),
      tags: { Name: `${props.clusterName}-guardduty-data` },
    });
    this.endpoint.overrideLogicalId('guardduty_endpoint');
  }
}
