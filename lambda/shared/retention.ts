/**
 * Retention: which older images of a recipe a successful bake removes. Only images this bakery made for
 * this recipe (found by its tags, never by name) are considered; the newest one is never removed.
 */
import type { Image } from '@aws-sdk/client-ec2';
import type { RecipeDocument } from './recipe-schema';

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
