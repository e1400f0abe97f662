/**
 * Retention: which older images of a recipe a successful bake removes. Only images this bakery made for
 * this recipe, by the same kind of recipe (ad hoc or registered), and handed over (found by their tags, never
 * by name) are considered, in each region that holds
 * a new image; the new ones are never removed. It runs after the new image is handed over, and never fails the bake: what it cannot check or
 * remove is reported.
 */
import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, Image } from '@aws-sdk/client-ec2';
import { BestEffort } from './best-effort';
import { ec2 } from './clients/ec2';
import { findOwnImages, isDeregistrationProtected, retireImage } from './images';
import { logger } from './logger';
import type { RecipeDocument } from './recipe-schema';
import { bakeryFilter, sameRecipeKind, TAG_KEYS } from './tags';
import type { BuildContext } from './types';

export type RetentionRules = NonNullable<RecipeDocument['retention']>;

/** Why an image that retention would remove was left alone. */
export interface SkippedImage {
  readonly imageId: string;
  readonly reason: string;
}

/** What retention did in one run. */
export interface RetentionReport {
  readonly deregistered: string[];
  readonly deletedSnapshots: string[];
  /**
   * Snapshots of deregistered images that EC2 still counted as in use: they keep the bakery's tags, and the orphan
   * sweeper deletes them once it runs after the longest a bake may take.
   */
  readonly deferredSnapshots: string[];
  readonly skipped: SkippedImage[];
  /** Images it meant to remove but could not (they are removed by a later bake or by hand). */
  readonly failed: string[];
}

/**
 * The images the rules remove, newest first. An image stays when it is among the newest `keepLatest`
 * (the new image counts as one) or younger than `maxAgeDays`; with both rules, it must break both to go.
 */
export function imagesToRetire(images: readonly Image[], newImageId: string, rules: RetentionRules, now: number): Image[] {
  const older = images
    .filter((image) => image.ImageId !== newImageId)
    .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
  return older.filter((image, index) => {
    const beyondCount = rules.keepLatest === undefined || index + 1 >= rules.keepLatest;
    const tooOld = rules.maxAgeDays === undefined || ageDays(image, now) > rules.maxAgeDays;
    return beyondCount && tooOld;
  });
}

function ageDays(image: Image, now: number): number {
  return (now - Date.parse(image.CreationDate ?? new Date(now).toISOString())) / 86_400_000;
}

/** The newly handed-over image of one region, whose older siblings retention considers. */
export interface RegionImage {
  readonly region: string;
  readonly amiId: string;
}

/**
 * Applies the rules in every region that holds one of the new images (each region's images are counted on
 * their own), skipping protected images and (optionally) images in use.
 */
export async function applyRetention(build: BuildContext, images: readonly RegionImage[], rules: RetentionRules): Promise<RetentionReport> {
  const cleanup = new BestEffort();
  const report: RetentionReport = { deregistered: [], deletedSnapshots: [], deferredSnapshots: [], skipped: [], failed: cleanup.leaked };
  for (const image of images) await applyInRegion(cleanup, report, build, image, rules);
  logger.info('Applied retention', { ...report });
  return report;
}

async function applyInRegion(cleanup: BestEffort, report: RetentionReport, build: BuildContext, newImage: RegionImage, rules: RetentionRules) {
  const { region } = newImage;
  const recipeImages = await cleanup.lookup(`the recipe's images in ${region}`, [], () => findOwnImages([
    ...bakeryFilter(build.bakeryId),
    { Name: `tag:${TAG_KEYS.recipe}`, Values: [build.recipe.name] },
    { Name: `tag:${TAG_KEYS.artifact}`, Values: ['true'] },
  ], region));
  const sameKind = recipeImages.filter((image) => sameRecipeKind(image.Tags, build.adHoc === true));
  for (const image of imagesToRetire(sameKind, newImage.amiId, rules, Date.now())) {
    const skip = await reasonToKeep(cleanup, image, region, rules.keepIfInUse ?? true);
    if (skip) {
      report.skipped.push(skip);
      continue;
    }
    await cleanup.remove(image.ImageId!, async () => {
      const { deletedSnapshots, deferredSnapshots } = await retireImage(image, region);
      report.deregistered.push(image.ImageId!);
      report.deletedSnapshots.push(...deletedSnapshots);
      report.deferredSnapshots.push(...deferredSnapshots);
    });
  }
}

async function reasonToKeep(cleanup: BestEffort, image: Image, region: string, keepIfInUse: boolean): Promise<SkippedImage | undefined> {
  const imageId = image.ImageId!;
  if (isDeregistrationProtected(image)) return { imageId, reason: 'deregistration protection is on' };
  if (!keepIfInUse) return undefined;
  const user = await cleanup.lookup(`the users of ${imageId}`, null, () => firstUser(imageId, region));
  if (user === null) return { imageId, reason: 'could not check whether it is in use' };
  return user ? { imageId, reason: `in use by ${user} (retention.keepIfInUse)` } : undefined;
}

/** An instance or launch template that uses the image, if any. */
async function firstUser(imageId: string, region: string): Promise<string | undefined> {
  const { Reservations } = await ec2(region).send(new DescribeInstancesCommand({
    Filters: [{ Name: 'image-id', Values: [imageId] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }],
  }));
  const instance = Reservations?.flatMap((reservation) => reservation.Instances ?? [])[0];
  if (instance) return `instance ${instance.InstanceId}`;
  const { LaunchTemplateVersions } = await ec2(region).send(new DescribeLaunchTemplateVersionsCommand({
    Versions: ['$Latest', '$Default'],
    Filters: [{ Name: 'image-id', Values: [imageId] }],
  }));
  const template = LaunchTemplateVersions?.[0];
  return template ? `launch template ${template.LaunchTemplateName ?? template.LaunchTemplateId}` : undefined;
}
