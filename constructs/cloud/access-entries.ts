import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { Construct } from 'constructs';
import { groupsOf, type AccessSpec } from '../model/access-spec';
import type { EksCluster } from './eks-cluster';

/** The Terraform address of one person's access entry: derived from their id, so it stays put when others come and go. */
export const accessEntryAddressOf = (person: string): string => `access_entry_${person}`;

export interface AccessEntriesProps {
  /** The cluster the entries open. */
  readonly cluster: EksCluster;
  /** The cluster spec's access model: who assumes which IAM role, and which groups that puts them in. */
  readonly access: AccessSpec;
}

/**
 * One EKS access entry per person of the access model: their IAM role, as a STANDARD entry, in exactly the
 * Kubernetes groups groupsOf gives them. No entry has an access policy association (such as
 * AmazonEKSClusterAdminPolicy): every right comes from the RBAC in the committed YAML, which binds these
 * groups, so dist/<env>/access.md is the whole truth of who can do what.
 */
export class AccessEntries extends Construct {
  readonly entries: readonly EksAccessEntry[];

  constructor(scope: Construct, id: string, props: AccessEntriesProps) {
    super(scope, id);
    this.entries = Object.keys(props.access.people)
      .sort()
      .map((person) => {
        const entry = new EksAccessEntry(this, person, {
          clusterName: props.cluster.nameRef,
          principalArn: props.access.people[person].iamRoleArn,
          type: 'STANDARD',
          kubernetesGroups: groupsOf(props.access, person),
        });
        entry.overrideLogicalId(accessEntryAddressOf(person));
        return entry;
      });
  }
}
