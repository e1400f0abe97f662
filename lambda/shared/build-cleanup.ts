/**
 * Removing what one build made: its instances (terminated, not waited for), its images (deregistered)
 * and their snapshots (deleted), found by the build-id tag and by the ids the caller already knows.
 * Safe to run any number of times: what is gone already is skipped.
 */
import { DisableImageDeregistrationProtectionCommand, Image, Instance } from '@aws-sdk/client-ec2';
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
}

/** Removes the build's instances, images and snapshots; returns the ids it could not remove. */
export async function removeBuildResources(buildId: string, known: KnownResources = {}): Promise<string[]> {
  const cleanup = new BestEffort();
  const instanceIds = (await instancesToTerminate(cleanup, buildId, known)).filter((id) => id !== known.keepInstanceId);
  for (const instanceId of instanceIds) {
    await cleanup.remove(instanceId, () => terminateInstance(instanceId));
  }
  for (const image of await imagesToRemove(cleanup, buildId, known)) {
    await cleanup.remove(image.ImageId!, async () => {
      await unprotect(image);
      await deregisterImageAndSnapshots(image);
    });
  }
  for (const snapshot of await cleanup.lookup('the build\'s snapshots', [], () => findBuildSnapshots(buildId))) {
    await cleanup.remove(snapshot.SnapshotId!, () => deleteSnapshot(snapshot.SnapshotId!));
  }
  return cleanup.leaked;
}

/** A failed build's image may already be protected (`ami.deregistrationProtection`): lift that first. */
async function unprotect(image: Image): Promise<void> {
  if (!isDeregistrationProtected(image)) return;
  await ec2().send(new DisableImageDeregistrationProtectionCommand({ ImageId: image.ImageId! }));
}

/** The known build instance and every instance tagged with the build id that is not already terminating. */
async function instancesToTerminate(cleanup: BestEffort, buildId: string, known: KnownResources): Promise<string[]> {
  const tagged = await cleanup.lookup('the build\'s instances', [], () => findBuildInstances(buildId));
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
async function imagesToRemove(cleanup: BestEffort, buildId: string, known: KnownResources): Promise<Image[]> {
  const tagged = await cleanup.lookup('the build\'s images', [], () => findBuildImages(buildId));
  const imageId = known.imageId;
  if (!imageId || tagged.some((image) => image.ImageId === imageId)) return tagged;
  const found = await cleanup.lookup(`image ${imageId}`, undefined, () => describeImage(imageId));
  return found ? [...tagged, found] : tagged;
}
