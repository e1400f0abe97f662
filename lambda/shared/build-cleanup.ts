/**
 * Removing what one build made: its instances (terminated, not waited for), its images (deregistered)
 * and their snapshots (deleted), found by the build-id tag and by the ids the caller already knows, in the
 * bakery's region and in every region the build copies to (named by the caller, or by the copy-regions tag
 * of what the build made). Safe to run any number of times: what is gone already is skipped.
 */
import { DisableImageDeregistrationProtectionCommand, Image, Instance, Tag } from '@aws-sdk/client-ec2';
import { BestEffort } from './best-effort';
import { ec2 } from './clients/ec2';
import * as config from './config';
import {
  deleteSnapshot, deregisterImageAndSnapshots, describeImage, findBuildImages, findBuildSnapshots, isDeregistrationProtected, snapshotIdsOf,
} from './images';
import { findBuildInstances, isGone, terminateInstance } from './instances';
import { ParameterClients, readParameter, restoreParameter } from './parameters';
import { TAG_KEYS, tagValue } from './tags';

/** Ids the caller knows even if tags have not reached the resources yet. */
export interface KnownResources {
  readonly instanceId?: string;
  /** When `instanceId` was launched: within the visibility grace, EC2 not knowing it means "not yet", not "gone". */
  readonly instanceLaunchedAt?: string;
  readonly imageId?: string;
  /** Further instances of the build (the test instance). */
  readonly otherInstanceIds?: readonly string[];
  /** An instance to leave running (kept for inspection). */
  readonly keepInstanceId?: string;
  /** The regions the build copies its image to (`distribution.regions`). */
  readonly copyRegions?: readonly string[];
  /**
   * The caller already put back the SSM parameters the build set: the parameter the images' ssm-parameter tag
   * names is only checked, not put back again.
   */
  readonly parametersRestored?: boolean;
}

/**
 * Removes the build's instances, images and snapshots; returns the ids it could not remove. An image that the
 * SSM parameter of its ssm-parameter tag still names (the parameter could not be put back) is kept, with its
 * snapshots, and the parameter is reported, so no parameter is left pointing at a removed image. The copy regions
 * are looked at again once the bakery's own image is gone: a copy started before that is found then, and one
 * started after it cannot start (EC2 refuses to copy a deregistered image).
 */
export async function removeBuildResources(buildId: string, known: KnownResources = {}): Promise<string[]> {
  const cleanup = new BestEffort();
  const instances = await cleanup.lookup('the build\'s instances', [], () => findBuildInstances(buildId));
  const instanceIds = instancesToTerminate(instances, known).filter((id) => id !== known.keepInstanceId);
  for (const instanceId of instanceIds) {
    await cleanup.remove(instanceId, () => terminateInstance(instanceId, instanceId === known.instanceId ? known.instanceLaunchedAt : undefined));
  }
  const found = await imagesToRemove(cleanup, buildId, known.imageId);
  const images = found.filter((image) => !isKeptUntested(image.Tags));
  const copyRegions = [...new Set([...known.copyRegions ?? [], ...[...instances, ...images].flatMap((resource) => copyRegionsOf(resource.Tags))])];
  const byRegion: RegionImages[] = [{ images }, ...await listCopies(cleanup, buildId, copyRegions)];
  const named = await settleTaggedParameters(cleanup, buildId, byRegion, known.parametersRestored === true);
  await removeImagesAndSnapshots(cleanup, buildId, images, named);
  for (const { region, images: listed } of await listCopies(cleanup, buildId, copyRegions)) {
    const earlier = byRegion.find((candidate) => candidate.region === region)?.images ?? [];
    await removeImagesAndSnapshots(cleanup, buildId, union(earlier, listed), named, region);
  }
  return cleanup.leaked;
}

/** The build's images in one region (none: the bakery's own). */
interface RegionImages {
  readonly region?: string;
  readonly images: readonly Image[];
}

/** The build's images in each copy region. */
async function listCopies(cleanup: BestEffort, buildId: string, regions: readonly string[]): Promise<RegionImages[]> {
  const listed: RegionImages[] = [];
  for (const region of regions) {
    listed.push({ region, images: await cleanup.lookup(`the build's images in ${region}`, [], () => findBuildImages(buildId, region)) });
  }
  return listed;
}

function union(first: readonly Image[], second: readonly Image[]): Image[] {
  return [...first, ...second.filter((image) => !first.some((seen) => seen.ImageId === image.ImageId))];
}

/**
 * Puts back (or, with `onlyCheck`, only reads) the SSM parameter the build's images name in their ssm-parameter
 * tag, in this account, wherever it holds one of them (the workflow's own cleanup also knows the parameters of
 * other accounts). Returns the ids of the images that must stay: those a parameter still names, and all of a
 * region's when its parameter cannot be read. Each such parameter is reported as left behind.
 */
async function settleTaggedParameters(cleanup: BestEffort, buildId: string, byRegion: readonly RegionImages[], onlyCheck: boolean):
Promise<Set<string>> {
  const buildImageIds = byRegion.flatMap(({ images }) => images.map((image) => image.ImageId!));
  const clients = new ParameterClients(buildId);
  const kept = new Set<string>();
  for (const { region, images } of byRegion) {
    const name = images.map((image) => tagValue(image.Tags, TAG_KEYS.ssmParameter)).find((value) => value);
    if (!name) continue;
    const target = { region: region ?? config.region(), imageId: images[0].ImageId! };
    const where = `parameter ${name} in ${target.region}`;
    if (!onlyCheck) await cleanup.remove(where, () => restoreParameter(clients, name, target, buildImageIds));
    const value = await cleanup.lookup<string | undefined | typeof UNREADABLE>(where, UNREADABLE, () => readParameter(clients, name, target));
    const stays = value === UNREADABLE ? images.map((image) => image.ImageId!) : buildImageIds.filter((id) => id === value);
    if (stays.length === 0) continue;
    stays.forEach((id) => kept.add(id));
    if (!cleanup.leaked.includes(where)) cleanup.leaked.push(where);
  }
  return kept;
}

/** What a parameter that cannot be read is taken to hold: anything, so every image of its region stays. */
const UNREADABLE = Symbol('unreadable');

/**
 * Deregisters the images (lifting protection first) and deletes their snapshots and any other snapshot of the build
 * in the region, except the images in `keep` and their snapshots.
 */
async function removeImagesAndSnapshots(cleanup: BestEffort, buildId: string, images: readonly Image[], keep: ReadonlySet<string>, region?: string):
Promise<void> {
  const kept = new Set(images.filter((image) => keep.has(image.ImageId!)).flatMap(snapshotIdsOf));
  for (const image of images.filter((candidate) => !keep.has(candidate.ImageId!))) {
    await cleanup.remove(image.ImageId!, async () => {
      await unprotect(image, region);
      await deregisterImageAndSnapshots(image, region);
    });
  }
  const where = region ? ` in ${region}` : '';
  const snapshots = await cleanup.lookup(`the build's snapshots${where}`, [], () => findBuildSnapshots(buildId, region));
  for (const snapshot of snapshots.filter((candidate) => !isKeptUntested(candidate.Tags) && !kept.has(candidate.SnapshotId!))) {
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
