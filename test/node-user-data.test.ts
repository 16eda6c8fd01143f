import { nodeUserDataOf, POD_PIDS_LIMIT } from '../constructs/cloud/node-user-data';
import { podPidsLimitOf } from '../constructs/rules/cloud/node-pid-limit-rules';

/* The nodes' user data is what EKS and nodeadm read: a MIME multipart document with one NodeConfig part. */

test('the user data is base64 of a MIME multipart document with a NodeConfig that limits pod PIDs', () => {
  expect(Buffer.from(nodeUserDataOf(), 'base64').toString('utf8')).toBe(
    [
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="NODEADM"',
      '',
      '--NODEADM',
      'Content-Type: application/node.eks.aws',
      '',
      'apiVersion: node.eks.aws/v1alpha1',
      'kind: NodeConfig',
      'spec:',
      '  kubelet:',
      '    config:',
      `      podPidsLimit: ${POD_PIDS_LIMIT}`,
      '',
      '--NODEADM--',
      '',
    ].join('\n'),
  );
});

test('the rule reads back the limit the user data sets', () => {
  expect(podPidsLimitOf(nodeUserDataOf())).toEqual({ limit: POD_PIDS_LIMIT });
  expect(podPidsLimitOf(nodeUserDataOf(123))).toEqual({ limit: 123 });
});
