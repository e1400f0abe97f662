/**
 * When a bake of a recipe makes a new image. Scheduled bakes keep images patched; with
 * `whenSourceChanges` a bake whose base image and recipe are the same as those of the recipe's newest
 * image ends at once, successfully, with a `SKIPPED` manifest and nothing launched.
 */
export class RebuildPolicy {
  /** Every bake makes a new image. */
  public static always(): RebuildPolicy {
    return new RebuildPolicy('always');
  }

  /**
   * A bake makes a new image only when the source image resolves to another AMI than the one the recipe's
   * newest image was baked from, or when the recipe document changed since (compared by a hash the bakery
   * tags on each image).
   */
  public static whenSourceChanges(): RebuildPolicy {
    return new RebuildPolicy('whenSourceChanges');
  }

  private constructor(private readonly mode: 'always' | 'whenSourceChanges') {}

  /** @internal The value of the recipe document's `rebuild` field. */
  public _render(): string {
    return this.mode;
  }
}
