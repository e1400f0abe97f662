/**
 * Removing what one build made: its instances (terminated, not waited for), its images (deregistered)
 * and their snapshots (deleted), found by the build-id tag and by the ids the caller already knows, in the
 * bakery's region and in every region the build copies to (named by the caller, or by the copy-regions tag
 * of what the build made). Safe to run any number of times: what is gone already is skipped.
 */
import { DisableImageDeregistrationProtectionCommand, Image, Instance, Tag } from '@aws-sdk/client-ec2';
import { BestEffort } from './best-effort';
import { ec2 } from './clients';
import { deleteSnapshot, deregisterImageAndSnapshots, describeImage, findBuildImages, findBuildSnapshots, isDeregistrationProtected } from './images';
import { findBuildInstances, isGone, terminateInstance } from './instances';
import { TAG_KEYS, tagValue } from './tags';

/** Ids the caller knows even if tags have not reached the resources yet. */
export interface KnownResources {
  readonly instanceId?: string;
  readonly imageId?: string;
  /** An instance to leave running (kept for inspection). */
  readonly keepInstanceId?: string;
  /** The regions the build copies its image to (`distribution.regions`). */
  readonly copyRegions?: readonly string[];
}

/** Removes the build's instances, images and snapshots; returns the ids it could not remove. */
export async function removeBuildResources(buildId: string, known: KnownResources = {}): Promise<string[]> {
  const cleanup = new BestEffort();
  const instances = await cleanup.lookup('the build\'s instances', [], () => findBuildInstances(buildId));
  const instanceIds = instancesToTerminate(instances, known).filter((id) => id !== known.keepInstanceId);
  for (const instanceId of instanceIds) {
    await cleanup.remove(instanceId, () => terminateInstance(instanceId));
  }
  const images = await imagesToRemove(cleanup, buildId, known.imageId);
  await removeImagesAndSnapshots(cleanup, buildId, images);
  const copyRegions = new Set([...known.copyRegions ?? [], ...[...instances, ...images].flatMap((resource) => copyRegionsOf(resource.Tags))]);
  for (const region of copyRegions) {
    const copies = await cleanup.lookup(`the build's images in ${region}`, [], () => findBuildImages(buildId, region));
    await removeImagesAndSnapshots(cleanup, buildId, copies, region);
  }
  return cleanup.leaked;
}

/** Deregisters the images (lifting protection first) and deletes their snapshots and any other snapshot of the build in the region. */
async function removeImagesAndSnapshots(cleanup: BestEffort, buildId: string, images: readonly Image[], region?: string): Promise<void> {
  for (const image of images) {
    await cleanup.remove(image.ImageId!, async () => {
      await unprotect(image, region);
      await deregisterImageAndSnapshots(image, region);
    });
  }
  const where = region ? ` in ${region}` : '';
  for (const snapshot of await cleanup.lookup(`the build's snapshots${where}`, [], () => findBuildSnapshots(buildId, region))) {
    await cleanup.remove(snapshot.SnapshotId!, () => deleteSnapshot(snapshot.SnapshotId!, region));
  }
}

/** The regions a resource's copy-regions tag names. */
function copyRegionsOf(tags: readonly Tag[] | undefined): string[] {
  return (tagValue(tags, TAG_KEYS.copyRegions) ?? '').split(' ').filter((region) => region.length > 0);
}

/** A failed build's image may already be protected (`ami.deregistrationProtection`): lift that first. */
async function unprotect(image: Image, region?: string): Promise<void> {
  if (!isDeregistrationProtected(image)) return;
  await ec2(region).send(new DisableImageDeregistrationProtectionCommand({ ImageId: image.ImageId! }));
}

/** The known build instance and every instance tagged with the build id that is not already terminating. */
function instancesToTerminate(tagged: readonly Instance[], known: KnownResources): string[] {
  const kept = tagged.filter(isKeptForInspection).map((instance) => instance.InstanceId!);
  const alive = tagged.filter((instance) => !isGone(instance)).map((instance) => instance.InstanceId!);
  return [...new Set([...(known.instanceId ? [known.instanceId] : []), ...alive])].filter((id) => !kept.includes(id));
}

/** An instance a failed bake left for a person to inspect (`keepOnFailure`), until its `keep-until` time. */
export function isKeptForInspection(instance: Instance): boolean {
  const until = tagValue(instance.Tags, TAG_KEYS.keepUntil);
  return !!until && Date.parse(until) > Date.now();
}

/** Images tagged with the build id, plus the known image id if tags have not reached it yet. */
async function imagesToRemove(cleanup: BestEffort, buildId: string, imageId: string | undefined): Promise<Image[]> {
  const tagged = await cleanup.lookup('the build\'s images', [], () => findBuildImages(buildId));
  if (!imageId || tagged.some((image) => image.ImageId === imageId)) return tagged;
  const found = await cleanup.lookup(`image ${imageId}`, undefined, () => describeImage(imageId));
  return found ? [...tagged, found] : tagged;
}
