/**
 * The tags the bakery puts on everything a bake creates (instance, volumes, image, snapshots), so
 * that cleanup, the audit in the last step and the orphan sweeper can find them even after an abort.
 * Their keys are part of the contract (`src/contract/tags.ts`).
 */
import type { Filter, Tag } from '@aws-sdk/client-ec2';
import { TAG_KEYS } from '../../src/contract';

export { TAG_KEYS };

export interface BakeIdentity {
  readonly bakeryId: string;
  readonly buildId: string;
  readonly recipe: string;
}

/** The tags naming a build. */
export function buildTags(identity: BakeIdentity): Record<string, string> {
  return {
    [TAG_KEYS.bakery]: identity.bakeryId,
    [TAG_KEYS.buildId]: identity.buildId,
    [TAG_KEYS.recipe]: identity.recipe,
  };
}

/** A tag map as the `{ Key, Value }` list EC2 takes. */
export function toTagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** The value of one tag in an EC2 tag list. */
export function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value;
}

/** The Describe* filter matching everything one bakery made. */
export function bakeryFilter(bakeryId: string): Filter[] {
  return [{ Name: `tag:${TAG_KEYS.bakery}`, Values: [bakeryId] }];
}

/** The Describe* filter matching resources tagged with a build id. */
export function buildIdFilter(buildId: string): Filter[] {
  return [{ Name: `tag:${TAG_KEYS.buildId}`, Values: [buildId] }];
}

/**
 * True when an image was made by the same kind of recipe as this bake (ad hoc or registered): retention and
 * `forceDeregister` never touch the other kind's images, even under the same recipe name.
 */
export function sameRecipeKind(tags: readonly Tag[] | undefined, adHoc: boolean): boolean {
  return (tagValue(tags, TAG_KEYS.adHoc) === 'true') === adHoc;
}

/** The bake `ami.forceDeregister` would replace an image for: a recipe of a bakery, ad hoc or registered. */
export interface RecipeOwner {
  readonly bakeryId: string;
  readonly recipe: { readonly name: string };
  readonly adHoc?: boolean;
}

/** True when this bakery made the image for this recipe, by the same kind of recipe: only such an image may `forceDeregister` replace. */
export function madeForRecipe(tags: readonly Tag[] | undefined, owner: RecipeOwner): boolean {
  return tagValue(tags, TAG_KEYS.bakery) === owner.bakeryId && tagValue(tags, TAG_KEYS.recipe) === owner.recipe.name
    && sameRecipeKind(tags, owner.adHoc === true);
}
