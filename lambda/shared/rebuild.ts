/**
 * `rebuild: "whenSourceChanges"`: a bake that would make the same image as the recipe's newest one ends
 * early. The newest image is the newest handed-over image of this bakery and recipe (found by tags); it is
 * the same when it was baked from the same source AMI and from the same recipe document, compared by the
 * hash the bakery tags on every image.
 */
import { createHash } from 'node:crypto';
import type { Image } from '@aws-sdk/client-ec2';
import { findOwnImages, snapshotIdsOf } from './images';
import { logger } from './logger';
import type { RecipeDocument } from './recipe-schema';
import { bakeryFilter, TAG_KEYS, tagValue } from './tags';
import type { Artifact } from './types';

/** Why a bake was not needed, and the image that is still current. */
export interface SkipReason {
  readonly reason: string;
  readonly artifact: Artifact;
}

/**
 * A hash of what the recipe bakes: the whole document except `rebuild` and `$schema`, with object keys in a
 * fixed order, so reformatting or reordering the document changes nothing.
 */
export function recipeHash(recipe: RecipeDocument): string {
  const { rebuild: _rebuild, $schema: _schema, ...baked } = recipe;
  return createHash('sha256').update(canonicalJson(baked)).digest('hex').slice(0, 32);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The reason to skip this bake, or undefined when it must bake (always, for `rebuild: "always"`). */
export async function reasonToSkip(recipe: RecipeDocument, bakeryId: string, sourceAmiId: string, region: string): Promise<SkipReason | undefined> {
  if (recipe.rebuild !== 'whenSourceChanges') return undefined;
  const newest = await newestImage(recipe.name, bakeryId);
  if (!newest) return undefined;
  const sameSource = tagValue(newest.Tags, TAG_KEYS.sourceAmi) === sourceAmiId;
  const sameRecipe = tagValue(newest.Tags, TAG_KEYS.recipeHash) === recipeHash(recipe);
  logger.info('Compared with the recipe\'s newest image', { imageId: newest.ImageId, sameSource, sameRecipe });
  if (!sameSource || !sameRecipe) return undefined;
  return {
    reason: `the newest image of recipe "${recipe.name}", ${newest.ImageId}, was baked from the same source image (${sourceAmiId}) `
      + 'and the same recipe (rebuild: whenSourceChanges)',
    artifact: { region, amiId: newest.ImageId!, name: newest.Name ?? '', snapshotIds: snapshotIdsOf(newest) },
  };
}

async function newestImage(recipeName: string, bakeryId: string): Promise<Image | undefined> {
  const images = await findOwnImages([
    ...bakeryFilter(bakeryId),
    { Name: `tag:${TAG_KEYS.recipe}`, Values: [recipeName] },
    { Name: `tag:${TAG_KEYS.artifact}`, Values: ['true'] },
  ]);
  return images
    .filter((image) => image.State === 'available')
    .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
}
