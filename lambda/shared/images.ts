/**
 * Small EC2 image and snapshot operations shared by several steps. Each logs the action it takes.
 * Each works in the bakery's own region unless it is given another (where a copy lives).
 */
import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  Filter,
  Image,
  Snapshot,
} from '@aws-sdk/client-ec2';
import { ec2 } from './clients/ec2';
import { isAwsErrorNamed } from './errors';
import { logger } from './logger';
import { buildIdFilter, TAG_KEYS } from './tags';

/** The image of this account with exactly this name, if any (names are unique per account and region). */
export async function findOwnImageByName(name: string, region?: string): Promise<Image | undefined> {
  const { Images } = await ec2(region).send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }));
  return Images?.find((image) => image.Name === name);
}

/** One image by id, or undefined when EC2 does not know it (yet, or any more). */
export async function describeImage(imageId: string, region?: string): Promise<Image | undefined> {
  try {
    const { Images } = await ec2(region).send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    return Images?.find((image) => image.ImageId === imageId);
  } catch (error) {
    if (isAwsErrorNamed(error, 'InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable')) return undefined;
    throw error;
  }
}

/** This account's images matching the filters (e.g. a tag). */
export async function findOwnImages(filters: Filter[], region?: string): Promise<Image[]> {
  const { Images } = await ec2(region).send(new DescribeImagesCommand({ Owners: ['self'], Filters: filters }));
  return Images ?? [];
}

/** This account's snapshots matching the filters (e.g. a tag). */
export async function findOwnSnapshots(filters: Filter[], region?: string): Promise<Snapshot[]> {
  const { Snapshots } = await ec2(region).send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: filters }));
  return Snapshots ?? [];
}

/** This account's images tagged with the build id. */
export function findBuildImages(buildId: string, region?: string): Promise<Image[]> {
  return findOwnImages(buildIdFilter(buildId), region);
}

/** This account's snapshots tagged with the build id. */
export function findBuildSnapshots(buildId: string, region?: string): Promise<Snapshot[]> {
  return findOwnSnapshots(buildIdFilter(buildId), region);
}

/** Marks an image as handed out by a successful bake, so the orphan sweeper leaves it alone. */
export async function tagAsArtifact(imageId: string, region?: string): Promise<void> {
  logger.info('Tagging the image as the bake\'s artifact', { imageId, region });
  await ec2(region).send(new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: TAG_KEYS.artifact, Value: 'true' }] }));
}

/** Tags an image and its snapshots with the outcome of its tests. */
export async function markTested(imageId: string, snapshotIds: readonly string[], tested: 'true' | 'false'): Promise<void> {
  await ec2().send(new CreateTagsCommand({ Resources: [imageId, ...snapshotIds], Tags: [{ Key: TAG_KEYS.tested, Value: tested }] }));
}

/**
 * True while deregistration protection holds: `enabled-…`, and also `disabled after <time>` during the
 * cooldown that follows disabling it.
 */
export function isDeregistrationProtected(image: Image): boolean {
  return !!image.DeregistrationProtection && image.DeregistrationProtection !== 'disabled';
}

/** The EBS snapshots behind an image's block devices. */
export function snapshotIdsOf(image: Image): string[] {
  return (image.BlockDeviceMappings ?? []).flatMap((mapping) => (mapping.Ebs?.SnapshotId ? [mapping.Ebs.SnapshotId] : []));
}

/** Deregisters an image (already gone counts as done). */
export async function deregisterImage(imageId: string, region?: string): Promise<void> {
  logger.info('Deregistering image', { imageId, region });
  try {
    await ec2(region).send(new DeregisterImageCommand({ ImageId: imageId }));
  } catch (error) {
    if (!isAwsErrorNamed(error, 'InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable')) throw error;
  }
}

/**
 * Waits before each new attempt to delete a snapshot EC2 still counts as in use: right after DeregisterImage it
 * keeps the image's snapshots for a moment. What is still in use after these is left to the orphan sweeper.
 */
export const SNAPSHOT_IN_USE_WAITS_MS = [1_000, 2_000, 4_000];

/** Deletes a snapshot (already gone counts as done), waiting out the moment EC2 keeps it after its image is deregistered. */
export async function deleteSnapshot(snapshotId: string, region?: string): Promise<void> {
  logger.info('Deleting snapshot', { snapshotId, region });
  for (let attempt = 0; ; attempt++) {
    try {
      await ec2(region).send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
      return;
    } catch (error) {
      if (isAwsErrorNamed(error, 'InvalidSnapshot.NotFound')) return;
      if (!isAwsErrorNamed(error, 'InvalidSnapshot.InUse') || attempt >= SNAPSHOT_IN_USE_WAITS_MS.length) throw error;
      logger.info('The snapshot is still in use; waiting before deleting it again', { snapshotId, region, attempt: attempt + 1 });
      await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_IN_USE_WAITS_MS[attempt]));
    }
  }
}

/** What retiring an image did with its snapshots. */
export interface RetiredImage {
  readonly deletedSnapshots: string[];
  /** Snapshots EC2 still counted as in use after the waits: left, with the bakery's tags, for the orphan sweeper. */
  readonly deferredSnapshots: string[];
}

/**
 * Deregisters an older image the bakery made (retention, `ami.forceDeregister`) and deletes its snapshots. EC2 may
 * keep them in use for minutes after the image is gone: one still in use after the waits does not fail the step.
 * It keeps the bakery's tags and no image uses it any more, so the orphan sweeper deletes it later. It is
 * returned as deferred, so the step can report it.
 */
export async function retireImage(image: Image, region?: string): Promise<RetiredImage> {
  const retired: RetiredImage = { deletedSnapshots: [], deferredSnapshots: [] };
  await deregisterImage(image.ImageId!, region);
  for (const snapshotId of snapshotIdsOf(image)) {
    try {
      await deleteSnapshot(snapshotId, region);
      retired.deletedSnapshots.push(snapshotId);
    } catch (error) {
      if (!isAwsErrorNamed(error, 'InvalidSnapshot.InUse')) throw error;
      logger.warn('The snapshot is still in use after its image was deregistered; the orphan sweeper deletes it later',
        { snapshotId, imageId: image.ImageId, region });
      retired.deferredSnapshots.push(snapshotId);
    }
  }
  return retired;
}

/**
 * Deregisters an image and then deletes its snapshots, which EC2 keeps (and bills) after the image
 * is gone. Returns the snapshot ids it deleted.
 */
export async function deregisterImageAndSnapshots(image: Image, region?: string): Promise<string[]> {
  const snapshotIds = snapshotIdsOf(image);
  await deregisterImage(image.ImageId!, region);
  for (const snapshotId of snapshotIds) await deleteSnapshot(snapshotId, region);
  return snapshotIds;
}
