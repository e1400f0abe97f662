/**
 * The tags the bakery puts on everything a bake creates (instance, volumes, image, snapshots), so
 * that cleanup, the audit in the last step and the orphan sweeper can find them even after an abort.
 */
import type { Filter, Tag } from '@aws-sdk/client-ec2';
import { BAKERY_TAG, BAKERY_TAG_PREFIX } from '../../src/workflow/steps';

/** The bakery's own tag keys. */
export const TAG_KEYS = {
  /** Id of the `AmiBakery` construct that ran the bake. */
  bakery: BAKERY_TAG,
  /** The build id (the Step Functions execution name). */
  buildId: `${BAKERY_TAG_PREFIX}build-id`,
  /** The recipe name. */
  recipe: `${BAKERY_TAG_PREFIX}recipe`,
  /** The source AMI id (images and snapshots only). */
  sourceAmi: `${BAKERY_TAG_PREFIX}source-ami`,
  /** A hash of the recipe document the image was baked from (images and snapshots only; `rebuild: "whenSourceChanges"`). */
  recipeHash: `${BAKERY_TAG_PREFIX}recipe-hash`,
  /**
   * The SSM parameter the bake points at its images (`distribution.ssmParameter`, when it fits in a tag), so
   * cleanup after a stop or a timeout can put the parameter back.
   */
  ssmParameter: `${BAKERY_TAG_PREFIX}ssm-parameter`,
  /** Set by the final cleanup on the image a bake handed over; the orphan sweeper never touches those. */
  artifact: `${BAKERY_TAG_PREFIX}artifact`,
  /** The regions the image is copied to (space-separated), so cleanup after an abort knows where to look. */
  copyRegions: `${BAKERY_TAG_PREFIX}copy-regions`,
  /** `true` on an image whose tests passed (and its snapshots and copies), `false` on one a failed test left (`keepUntestedImage`). */
  tested: `${BAKERY_TAG_PREFIX}tested`,
  /** ISO time until which an instance kept for inspection (`keepOnFailure`) is left alone. */
  keepUntil: `${BAKERY_TAG_PREFIX}keep-until`,
  /** `true` on everything an ad-hoc recipe (an inline document) made; retention and forceDeregister keep the two kinds apart. */
  adHoc: `${BAKERY_TAG_PREFIX}ad-hoc`,
} as const;

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
