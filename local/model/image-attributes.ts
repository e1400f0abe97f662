/**
 * AMI attributes: ModifyImageAttribute (description, IMDS support and launch permissions, each kept with its
 * kind: account id, `all`, organization ARN or OU ARN) and DescribeImageAttribute. As in EC2, launch permissions
 * change only on available images, an image with encrypted snapshots cannot be made public, and one whose
 * snapshots use the AWS managed key (`aws/ebs`) cannot be shared at all.
 */
import type {
  DescribeImageAttributeRequest, ImageAttribute, ImageAttributeName, LaunchPermission, ModifyImageAttributeRequest,
} from '@aws-sdk/client-ec2';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { deregistrationProtectionAt, describeImages, findImage, findOwnImage, imageStateAt } from './images';
import { isAwsManagedEbsKey } from './kms';
import {
  applyChanges, changesOfModifications, changesOfOperation, PermissionChanges, permissionList,
} from './permission-items';
import type { ImageRecord, LaunchPermissionKind } from './records';

const LAUNCH_PERMISSION_KINDS: readonly LaunchPermissionKind[] = ['UserId', 'Group', 'OrganizationArn', 'OrganizationalUnitArn'];

/** The launch permission changes a ModifyImageAttribute request asks for, checked; undefined when it asks for none. */
function launchPermissionChanges(input: ModifyImageAttributeRequest): PermissionChanges | undefined {
  if (input.LaunchPermission) return changesOfModifications(input.LaunchPermission, LAUNCH_PERMISSION_KINDS);
  const lists = [
    ['UserId', input.UserIds],
    ['Group', input.UserGroups],
    ['OrganizationArn', input.OrganizationArns],
    ['OrganizationalUnitArn', input.OrganizationalUnitArns],
  ] as const;
  if (input.OperationType !== undefined || lists.some(([, values]) => values?.length)) {
    if (input.Attribute !== undefined && input.Attribute !== 'launchPermission') {
      throw ec2Error('InvalidParameterCombination', `The attribute ${input.Attribute} cannot be modified with OperationType and a list of permissions.`);
    }
    return changesOfOperation(input.OperationType, lists);
  }
  if (input.Attribute === 'launchPermission') throw ec2Error('MissingParameter', 'The request must contain the parameter LaunchPermission');
  return undefined;
}

/** True when one of the image's snapshots is encrypted with the AWS managed key (`aws/ebs`). */
function usesAwsManagedKey(ctx: OperationContext, image: ImageRecord): boolean {
  return image.mappings.some((m) => m.encrypted && isAwsManagedEbsKey(ctx.region.snapshots.get(m.snapshotId)?.kmsKeyId));
}

/**
 * Refuses launch permission changes EC2 refuses: on an image that is not available, making an encrypted one
 * public, or sharing one whose snapshots use the AWS managed key with other accounts, organizations or OUs.
 */
function checkLaunchPermissionChanges(ctx: OperationContext, image: ImageRecord, changes: PermissionChanges): void {
  const state = imageStateAt(image, ctx.now);
  if (state !== 'available') {
    throw ec2Error('InvalidAMIID.Unavailable', `The AMI ID '${image.id}' is currently ${state} and may not be used for this operation`);
  }
  if (changes.add.some((item) => item.kind === 'Group') && image.mappings.some((m) => m.encrypted)) {
    throw ec2Error('UnsupportedOperation', 'Encrypted snapshots can’t be shared publicly. Specify another snapshot.');
  }
  if (changes.add.some((item) => item.kind !== 'Group' && item.value !== ctx.accountId) && usesAwsManagedKey(ctx, image)) {
    throw ec2Error('InvalidParameter', 'Snapshots encrypted with the AWS Managed CMK can\'t be shared. Specify another snapshot.');
  }
}

export function modifyImageAttribute(ctx: OperationContext, input: ModifyImageAttributeRequest): Record<string, never> {
  const image = findOwnImage(ctx, input.ImageId);
  if (input.ImdsSupport && input.ImdsSupport.Value !== 'v2.0') {
    throw ec2Error('InvalidParameterValue', `Value (${input.ImdsSupport.Value}) for parameter ImdsSupport is invalid. Valid value: v2.0`);
  }
  const changes = launchPermissionChanges(input);
  if (changes) checkLaunchPermissionChanges(ctx, image, changes);
  if (input.ImdsSupport) image.imdsSupport = 'v2.0';
  if (input.Description?.Value !== undefined) image.description = input.Description.Value;
  if (changes) applyChanges(image.launchPermissions, changes);
  return {};
}

/** The image's launch permissions as EC2 lists them: one `UserId`, `Group`, `OrganizationArn` or `OrganizationalUnitArn` each. */
export function launchPermissionsOf(image: ImageRecord): LaunchPermission[] {
  return permissionList(image.launchPermissions) as LaunchPermission[];
}

type AttributeReader = (ctx: OperationContext, image: ImageRecord) => Omit<ImageAttribute, 'ImageId'>;

const ATTRIBUTES: Record<ImageAttributeName, AttributeReader> = {
  description: (_, image) => ({ Description: image.description ? { Value: image.description } : {} }),
  kernel: () => ({ KernelId: {} }),
  ramdisk: () => ({ RamdiskId: {} }),
  launchPermission: (_, image) => ({ LaunchPermissions: launchPermissionsOf(image) }),
  productCodes: () => ({ ProductCodes: [] }),
  blockDeviceMapping: (ctx, image) => ({ BlockDeviceMappings: describeImages(ctx, { ImageIds: [image.id] }).Images?.[0]?.BlockDeviceMappings ?? [] }),
  sriovNetSupport: () => ({ SriovNetSupport: { Value: 'simple' } }),
  bootMode: () => ({ BootMode: {} }),
  tpmSupport: () => ({ TpmSupport: {} }),
  uefiData: () => ({ UefiData: {} }),
  lastLaunchedTime: () => ({ LastLaunchedTime: {} }),
  imdsSupport: (_, image) => ({ ImdsSupport: image.imdsSupport ? { Value: image.imdsSupport } : {} }),
  deregistrationProtection: (ctx, image) => ({ DeregistrationProtection: { Value: deregistrationProtectionAt(image, ctx.now) } }),
};

export function describeImageAttribute(ctx: OperationContext, input: DescribeImageAttributeRequest): ImageAttribute {
  const attribute = input.Attribute;
  if (!attribute) throw ec2Error('MissingParameter', 'The request must contain the parameter Attribute');
  const read = (ATTRIBUTES as Record<string, AttributeReader | undefined>)[attribute];
  if (!read) {
    throw ec2Error('InvalidParameterValue', `Value (${attribute}) for parameter attribute is invalid. Valid values: ${Object.keys(ATTRIBUTES).join(', ')}`);
  }
  const image = findImage(ctx, input.ImageId);
  if (attribute === 'launchPermission' && image.ownerId !== ctx.accountId) {
    throw ec2Error('AuthFailure', `Not authorized for image:${image.id}`);
  }
  return { ImageId: image.id, ...read(ctx, image) };
}
