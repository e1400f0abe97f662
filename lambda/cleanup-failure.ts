/**
 * Step "Clean up after failure": removes everything the failed bake created (build instances,
 * the half-made image and its snapshots, found by id and by the build-id tag) and turns the caught
 * error into the failure the Fail state reports. When Prepare failed nothing exists, so it makes
 * no AWS call. What it cannot remove is listed in the manifest's `leakedResources`.
 *
 * Event: `{ state: BakeState (with error, failedPhase), executionName }`.
 * Returns: `{ failure: { error, cause, manifest } }` (manifest status FAILED).
 */
import type { Image } from '@aws-sdk/client-ec2';
import { BestEffort } from './shared/best-effort';
import { isPlainObject } from './shared/deep-merge';
import { handleStep } from './shared/handle-step';
import { deleteSnapshot, deregisterImageAndSnapshots, describeImage, findBuildImages, findBuildSnapshots } from './shared/images';
import { findBuildInstances, isGone, terminateInstance } from './shared/instances';
import { LambdaContext, logger } from './shared/logger';
import { failedManifest, ManifestError } from './shared/manifest';
import { currentPhase } from './shared/phases';
import type { BakeFailure, BakeState, BuildContext, CaughtError } from './shared/types';

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
  const leakedResources = state.build ? await removeBuildResources(state, state.build) : [];
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

/** Removes the build's instances, images and snapshots; returns what could not be removed. */
async function removeBuildResources(state: BakeState, build: BuildContext): Promise<string[]> {
  const cleanup = new BestEffort();
  for (const instanceId of await instancesToTerminate(cleanup, state, build.buildId)) {
    await cleanup.remove(instanceId, () => terminateInstance(instanceId));
  }
  for (const image of await imagesToRemove(cleanup, state, build.buildId)) {
    await cleanup.remove(image.ImageId!, () => deregisterImageAndSnapshots(image));
  }
  for (const snapshot of await cleanup.lookup('the build\'s snapshots', [], () => findBuildSnapshots(build.buildId))) {
    await cleanup.remove(snapshot.SnapshotId!, () => deleteSnapshot(snapshot.SnapshotId!));
  }
  return cleanup.leaked;
}

/** The known build instance and every instance tagged with the build id that is not already terminating. */
async function instancesToTerminate(cleanup: BestEffort, state: BakeState, buildId: string): Promise<string[]> {
  const tagged = await cleanup.lookup('the build\'s instances', [], () => findBuildInstances(buildId));
  const alive = tagged.filter((instance) => !isGone(instance)).map((instance) => instance.InstanceId!);
  return [...new Set([...(state.instanceId ? [state.instanceId] : []), ...alive])];
}

/** Images tagged with the build id, plus the known image id if tags have not reached it yet. */
async function imagesToRemove(cleanup: BestEffort, state: BakeState, buildId: string): Promise<Image[]> {
  const tagged = await cleanup.lookup('the build\'s images', [], () => findBuildImages(buildId));
  if (!state.imageId || tagged.some((image) => image.ImageId === state.imageId)) return tagged;
  const known = await cleanup.lookup(`image ${state.imageId}`, undefined, () => describeImage(state.imageId!));
  return known ? [...tagged, known] : tagged;
}
