/**
 * The manifest every bake ends with (like Packer's manifest post-processor): what was built, from
 * what, how long each phase took, each step's outcome, and anything the bake could not clean up.
 */
import { isPlainObject } from './deep-merge';
import { phaseSeconds } from './phases';
import type { SkipReason } from './rebuild';
import type { Artifact, BakeState, BuildContext, Manifest, PhaseName } from './types';

/** What a failed bake's manifest says about the failure. */
export interface ManifestError {
  readonly phase: PhaseName;
  readonly step: number | null;
  readonly message: string;
}

/** The parts of a manifest that come straight from the state. */
function fromState(state: BakeState, fallbackBuildId: string, fallbackRecipe: string) {
  return {
    bakeryId: state.build?.bakeryId,
    buildId: state.build?.buildId ?? fallbackBuildId,
    recipe: state.build?.recipe.name ?? fallbackRecipe,
    sourceAmiId: state.build?.sourceAmiId ?? null,
    phases: phaseSeconds(state.phases),
    steps: state.provision?.results ?? [],
    tests: state.tests?.results ?? [],
    ...(state.onFailure ? { onFailure: state.onFailure.results } : {}),
  };
}

/** The manifest of a bake that produced an image. */
export function succeededManifest(build: BuildContext, state: BakeState, artifacts: Artifact[], leakedResources: string[]): Manifest {
  return {
    status: 'SUCCEEDED',
    ...fromState({ ...state, build }, build.buildId, build.recipe.name),
    artifacts,
    leakedResources,
    ...(state.parameters ? { parameters: state.parameters } : {}),
    ...(state.retention ? { retention: state.retention } : {}),
    ...(state.replacedImage ? { replacedImage: state.replacedImage } : {}),
  };
}

/** The manifest of a bake that was not needed: the recipe's newest image is still current. */
export function skippedManifest(build: BuildContext, state: BakeState, skip: SkipReason): Manifest {
  return {
    status: 'SKIPPED',
    ...fromState({ ...state, build }, build.buildId, build.recipe.name),
    artifacts: [skip.artifact],
    leakedResources: [],
    skippedBecause: skip.reason,
  };
}

/**
 * The manifest of a failed bake; its half-made image was removed, so it has no artifacts. The build
 * id and recipe name are used when Prepare failed before it could set `state.build`.
 */
export function failedManifest(state: BakeState, buildId: string, recipe: string, error: ManifestError, leakedResources: string[]): Manifest {
  return {
    status: 'FAILED',
    ...fromState(state, buildId, recipe),
    artifacts: [],
    leakedResources,
    error,
  };
}

/** The recipe name the execution input mentions, for a bake that failed before Prepare resolved it. */
export function recipeNameOf(input: unknown): string {
  if (!isPlainObject(input)) return '';
  if (typeof input.recipeName === 'string') return input.recipeName;
  if (isPlainObject(input.recipe) && typeof input.recipe.name === 'string') return input.recipe.name;
  return '';
}
