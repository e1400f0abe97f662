/**
 * Step "Clean up after failure": removes everything the failed bake created (build instances,
 * the half-made image and its snapshots, found by id and by the build-id tag) and turns the caught
 * error into the failure the Fail state reports. When Prepare failed nothing exists, so it makes
 * no AWS call. What it cannot remove is listed in the manifest's `leakedResources`.
 *
 * Event: `{ state: BakeState (with error, failedPhase), executionName }`.
 * Returns: `{ failure: { error, cause, manifest } }` (manifest status FAILED).
 */
import { removeBuildResources } from './shared/build-cleanup';
import { isPlainObject } from './shared/deep-merge';
import { handleStep } from './shared/handle-step';
import { LambdaContext, logger } from './shared/logger';
import { failedManifest, ManifestError } from './shared/manifest';
import { currentPhase } from './shared/phases';
import type { BakeFailure, BakeState, CaughtError } from './shared/types';

export interface CleanupFailureEvent {
  /** The state when the error was caught, with `error` (from the Catch) and `failedPhase`. */
  readonly state: BakeState;
  readonly executionName: string;
}

export const handler = async (event: CleanupFailureEvent, context?: LambdaContext): Promise<{ failure: BakeFailure }> =>
  handleStep('cleanup-failure', event.state?.build?.buildId ?? event.executionName, context, () => cleanupFailure(event));

async function cleanupFailure(event: CleanupFailureEvent): Promise<{ failure: BakeFailure }> {
  const state = event.state ?? { phases: [] };
  const error = failureOf(state);
  const leakedResources = state.build
    ? await removeBuildResources(state.build.buildId, { instanceId: state.instanceId, imageId: state.imageId })
    : [];
  const buildId = state.build?.buildId ?? event.executionName;
  const recipe = state.build?.recipe.name ?? recipeNameOf(state.input);
  const manifest = failedManifest(state, buildId, recipe, error, leakedResources);
  logger.error('Bake failed', { phase: error.phase, step: error.step, error: state.error?.Error, leakedResources });
  return { failure: { error: state.error?.Error ?? 'BakeFailed', cause: causeFor(buildId, recipe, error, leakedResources), manifest } };
}

/** Where and how the bake failed, from the caught error and the failed phase. */
function failureOf(state: BakeState): ManifestError {
  const phase = state.failedPhase ?? currentPhase(state.phases) ?? 'prepare';
  return {
    phase,
    step: phase === 'provision' && state.provision ? state.provision.index + 1 : null,
    message: errorMessage(state.error),
  };
}

/**
 * The message of a caught error. Lambda puts a JSON document (`{"errorType", "errorMessage", ...}`)
 * in the Cause; other sources put plain text.
 */
export function errorMessage(error: CaughtError | undefined): string {
  if (!error) return 'the bake failed without an error description';
  if (!error.Cause) return error.Error;
  try {
    const parsed: unknown = JSON.parse(error.Cause);
    if (isPlainObject(parsed) && typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Plain text: used as it is.
  }
  return error.Cause;
}

/** The recipe name the execution input mentions, for a bake that failed before Prepare resolved it. */
function recipeNameOf(input: unknown): string {
  if (!isPlainObject(input)) return '';
  if (typeof input.recipeName === 'string') return input.recipeName;
  if (isPlainObject(input.recipe) && typeof input.recipe.name === 'string') return input.recipe.name;
  return '';
}

/** The Fail state's cause: what failed, where, and what was left behind. */
function causeFor(buildId: string, recipe: string, error: ManifestError, leakedResources: string[]): string {
  const where = error.step === null ? error.phase : `${error.phase} (step ${error.step})`;
  const leaked = leakedResources.length > 0 ? `\nCould not remove: ${leakedResources.join(', ')}` : '';
  return `Bake ${buildId} of recipe "${recipe}" failed in ${where}: ${error.message}${leaked}`;
}
