/**
 * `distribution.sharing`: launch permissions on an image for accounts, organizations and OUs (or everyone,
 * with `public` and `allowPublic`), and `createVolumePermission` on its snapshots for the same accounts, so
 * they can also copy it. Organizations and OUs get launch permissions only: EC2 shares snapshots with accounts.
 */
import { LaunchPermission, ModifyImageAttributeCommand, ModifySnapshotAttributeCommand } from '@aws-sdk/client-ec2';
import { ec2 } from './clients/ec2';
import { logger } from './logger';
import type { RecipeDocument } from './recipe-schema';
import type { Artifact } from './types';

export type SharingRules = NonNullable<NonNullable<RecipeDocument['distribution']>['sharing']>;

/** The launch permissions the rules grant. */
export function launchPermissions(rules: SharingRules): LaunchPermission[] {
  return [
    ...(rules.accounts ?? []).map((UserId) => ({ UserId })),
    ...(rules.organizationArns ?? []).map((OrganizationArn) => ({ OrganizationArn })),
    ...(rules.organizationalUnitArns ?? []).map((OrganizationalUnitArn) => ({ OrganizationalUnitArn })),
    ...(rules.public && rules.allowPublic ? [{ Group: 'all' as const }] : []),
  ];
}

/** Shares one image (the original or a copy) and its snapshots as the rules say. */
export async function shareImage(artifact: Artifact, rules: SharingRules): Promise<void> {
  const permissions = launchPermissions(rules);
  if (permissions.length === 0) return;
  const client = ec2(artifact.region);
  logger.info('Sharing the image', { imageId: artifact.amiId, region: artifact.region, launchPermissions: permissions });
  await client.send(new ModifyImageAttributeCommand({ ImageId: artifact.amiId, LaunchPermission: { Add: permissions } }));
  const accounts = rules.accounts ?? [];
  if (accounts.length === 0) return;
  for (const snapshotId of artifact.snapshotIds) {
    await client.send(new ModifySnapshotAttributeCommand({
      SnapshotId: snapshotId,
      Attribute: 'createVolumePermission',
      CreateVolumePermission: { Add: accounts.map((UserId) => ({ UserId })) },
    }));
  }
}
