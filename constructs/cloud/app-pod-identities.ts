import { Construct } from 'constructs';
import { BACKUP_JOB_NAMES, namespaceOf, serviceAccountOf } from '../model/naming';
import { appRoleAddressOf, podIdentityAddressOf } from './app-role';
import { BACKUP_JOB_ROLES, backupJobPodIdentityAddressOf, backupJobRoleAddressOf } from './backup-job-identities';
import type { EksCluster } from './eks-cluster';
import { sharedPodIdentityAssociation } from './shared-pod-identity-role';

export interface AppPodIdentitiesProps {
  readonly cluster: EksCluster;
  readonly app: string;
  /** Whether the app's storage deletes objects (storageDeletes): which of the two app roles it gets. */
  readonly deletes: boolean;
}

/**
 * One app's identities: the Pod Identity associations of its ServiceAccounts, in its namespace, each to the
 * cluster's shared role of its use (app-role.ts, backup-job-roles.ts). They are the app's part of the access:
 * its arrival adds them and its departure removes them, and the shared roles do not change.
 */
export class AppPodIdentities extends Construct {
  constructor(scope: Construct, id: string, props: AppPodIdentitiesProps) {
    super(scope, id);
    const { cluster, app } = props;
    const namespace = namespaceOf(app);
    sharedPodIdentityAssociation(this, 'App', {
      cluster,
      namespace,
      serviceAccount: serviceAccountOf(app),
      roleAddress: appRoleAddressOf(props.deletes),
      address: podIdentityAddressOf(app),
    });
    for (const kind of BACKUP_JOB_ROLES) {
      sharedPodIdentityAssociation(this, kind, {
        cluster,
        namespace,
        serviceAccount: BACKUP_JOB_NAMES[kind].serviceAccountOf(app),
        roleAddress: backupJobRoleAddressOf(kind),
        address: backupJobPodIdentityAddressOf(app, kind),
      });
    }
  }
}
