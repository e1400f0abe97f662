/**
 * Removing what one build made: its instances (terminated, not waited for), its images (deregistered)
 * and their snapshots (deleted), found by the build-id tag and by the ids the caller already knows, in the
 * bakery's region and in every region the build copies to (named by the caller, or by the copy-regions tag
 * of what the build made). Safe to run any number of times: what is gone already is skipped.
 */
import { DisableImageDeregistrationProtectionCommand, Image, Instance, Tag } from '@aws-sdk/client-ec2';
import { BestEffort } from './best-effort';
import { ec2 } from './clients';
import * as config from './config';
import { deleteSnapshot, deregisterImageAndSnapshots, describeImage, findBuildImages, findBuildSnapshots, isDeregistrationProtected } from './images';
import { findBuildInstances, isGone, terminateInstance } from './instances';
import { ParameterClients, restoreParameter } from './parameters';
import { TAG_KEYS, tagValue } from './tags';

/** Ids the caller knows even if tags have not reached the resources yet. */
export interface KnownResources {
  readonly instanceId?: string;
  readonly imageId?: string;
  /** Further instances of the build (the test instance). */
  readonly otherInstanceIds?: readonly string[];
  /** An instance to leave running (kept for inspection). */
  readonly keepInstanceId?: string;
  /** The regions the build copies its image to (`distribution.regions`). */
  readonly copyRegions?: readonly string[];
  /** The caller already put back the SSM parameters the build set (so the ssm-parameter tag is not needed). */
  readonly parametersRestored?: boolean;
}

/** Removes the build's instances, images and snapshots; returns the ids it could not remove. */
export async function removeBuildResources(buildId: string, known: KnownResources = {}): Promise<string[]> {
  const cleanup = new BestEffort();
  const instances = await cleanup.lookup('the build\'s instances', [], () => findBuildInstances(buildId));
  const instanceIds = instancesToTerminate(instances, known).filter((id) => id !== known.keepInstanceId);
  for (const instanceId of instanceIds) {
    await cleanup.remove(instanceId, () => terminateInstance(instanceId));
  }
  const found = await imagesToRemove(cleanup, buildId, known.imageId);
  const images = found.filter((image) => !isKeptUntested(image.Tags));
  const byRegion: RegionImages[] = [{ images }];
  const copyRegions = new Set([...known.copyRegions ?? [], ...[...instances, ...images].flatMap((resource) => copyRegionsOf(resource.Tags))]);
  for (const region of copyRegions) {
    byRegion.push({ region, images: await cleanup.lookup(`the build's images in ${region}`, [], () => findBuildImages(buildId, region)) });
  }
  if (!known.parametersRestored) await restoreTaggedParameters(cleanup, buildId, byRegion);
  for (const { region, images: regionImages } of byRegion) {
    await removeImagesAndSnapshots(cleanup, buildId, regionImages, region);
  }
  return cleanup.leaked;
}

/** The build's images in one region (none: the bakery's own). */
interface RegionImages {
  readonly region?: string;
  readonly images: readonly Image[];
}

/**
 * Puts back the SSM parameter the build's images name in their ssm-parameter tag, in this account, wherever it
 * holds one of them (the workflow's own cleanup also knows the parameters of other accounts).
 */
async function restoreTaggedParameters(cleanup: BestEffort, buildId: string, byRegion: readonly RegionImages[]): Promise<void> {
  const buildImageIds = byRegion.flatMap(({ images }) => images.map((image) => image.ImageId!));
  const clients = new ParameterClients(buildId);
  for (const { region, images } of byRegion) {
    const name = images.map((image) => tagValue(image.Tags, TAG_KEYS.ssmParameter)).find((value) => value);
    if (!name) continue;
    const target = { region: region ?? config.region(), imageId: images[0].ImageId! };
    await cleanup.remove(`parameter ${name} in ${target.region}`, () => restoreParameter(clients, name, target, buildImageIds));
  }
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
  const snapshots = await cleanup.lookup(`the build's snapshots${where}`, [], () => findBuildSnapshots(buildId, region));
  for (const snapshot of snapshots.filter((candidate) => !isKeptUntested(candidate.Tags))) {
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
  const knownIds = [...(known.instanceId ? [known.instanceId] : []), ...known.otherInstanceIds ?? []];
  return [...new Set([...knownIds, ...alive])].filter((id) => !kept.includes(id));
}

/**
 * An image a failed test left on purpose (`keepUntestedImage`), or one of its snapshots: tagged `tested=false`.
 * No cleanup removes them, and, without the artifact tag, rebuild and retention never take them for a release.
 */
export function isKeptUntested(tags: readonly Tag[] | undefined): boolean {
  return tagValue(tags, TAG_KEYS.tested) === 'false';
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
