/**
 * Snapshot sharing: ModifySnapshotAttribute and DescribeSnapshotAttribute for `createVolumePermission` (account
 * ids, or the group `all`). EC2 refuses to make an encrypted snapshot public, and to share one encrypted with the
 * AWS managed `aws/ebs` key with another account (a customer managed key is needed). The permissions are kept on
 * the snapshot; DescribeSnapshots does not show them, as in EC2.
 */
import type {
  CreateVolumePermission, DescribeSnapshotAttributeRequest, DescribeSnapshotAttributeResult, ModifySnapshotAttributeRequest,
} from '@aws-sdk/client-ec2';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { isAwsManagedEbsKey } from './kms';
import {
  applyChanges, changesOfModifications, changesOfOperation, PermissionChanges, permissionList,
} from './permission-items';
import type { CreateVolumePermissionKind, SnapshotRecord } from './records';
import { findOwnSnapshot } from './snapshots';

const KINDS: readonly CreateVolumePermissionKind[] = ['UserId', 'Group'];

function checkAttribute(attribute: string | undefined, required: boolean): void {
  if (attribute === undefined && !required) return;
  if (attribute === undefined) throw ec2Error('MissingParameter', 'The request must contain the parameter Attribute');
  if (attribute !== 'createVolumePermission' && attribute !== 'productCodes') {
    throw ec2Error('InvalidParameterValue', `Value (${attribute}) for parameter attribute is invalid. Valid values: createVolumePermission, productCodes`);
  }
}

/** The create-volume permission changes a ModifySnapshotAttribute request asks for, checked. */
function requestedChanges(input: ModifySnapshotAttributeRequest): PermissionChanges {
  checkAttribute(input.Attribute, false);
  if (input.Attribute === 'productCodes') throw ec2Error('InvalidParameterCombination', 'The attribute productCodes cannot be modified.');
  if (input.CreateVolumePermission) return changesOfModifications(input.CreateVolumePermission, KINDS);
  if (input.OperationType === undefined && !input.UserIds?.length && !input.GroupNames?.length) {
    throw ec2Error('MissingParameter', 'The request must contain the parameter CreateVolumePermission');
  }
  return changesOfOperation(input.OperationType, [['UserId', input.UserIds], ['Group', input.GroupNames]]);
}

/** Refuses what EC2 refuses to share: encrypted snapshots publicly, and snapshots under the AWS managed key at all. */
function checkShareable(ctx: OperationContext, snapshot: SnapshotRecord, changes: PermissionChanges): void {
  if (!snapshot.encrypted) return;
  if (changes.add.some((item) => item.kind === 'Group')) {
    throw ec2Error('OperationNotPermitted', 'Encrypted snapshots cannot be shared publicly');
  }
  if (isAwsManagedEbsKey(snapshot.kmsKeyId) && changes.add.some((item) => item.value !== ctx.accountId)) {
    throw ec2Error('OperationNotPermitted', 'Encrypted snapshots with EBS default key cannot be shared');
  }
}

export function modifySnapshotAttribute(ctx: OperationContext, input: ModifySnapshotAttributeRequest): Record<string, never> {
  const snapshot = findOwnSnapshot(ctx, input.SnapshotId);
  const changes = requestedChanges(input);
  checkShareable(ctx, snapshot, changes);
  snapshot.createVolumePermissions ??= new Map();
  applyChanges(snapshot.createVolumePermissions, changes);
  return {};
}

export function describeSnapshotAttribute(ctx: OperationContext, input: DescribeSnapshotAttributeRequest): DescribeSnapshotAttributeResult {
  checkAttribute(input.Attribute, true);
  const snapshot = findOwnSnapshot(ctx, input.SnapshotId);
  if (input.Attribute === 'productCodes') return { SnapshotId: snapshot.id, ProductCodes: [] };
  return { SnapshotId: snapshot.id, CreateVolumePermissions: permissionList(snapshot.createVolumePermissions) as CreateVolumePermission[] };
}
