/**
 * Step "Clean up after failure": puts back SSM parameters the bake had changed, removes everything the
 * failed bake created (build instances, the half-made image, its copies in other regions and all their
 * snapshots, found by id and by the build-id tag) and turns the caught
 * error into the failure the Fail state reports. When Prepare failed nothing exists, so it makes
 * no AWS call. What it cannot remove yet ends the step with `CleanupIncomplete`, which is retried.
 *
 * Once its retries are spent, "Report cleanup failure" calls it again with `cleanupError`: then it removes nothing,
 * lists what is left (instances, images, snapshots, SSM parameters) and fails the bake with `CleanupFailed`, keeping
 * the original failure's phase, step and message.
 *
 * Event: `{ state: BakeState (with error, failedPhase), executionName, cleanupError? }`.
 * Returns: `{ failure: { error, cause, manifest } }` (manifest status FAILED).
 */
import { BestEffort } from './shared/best-effort';
import { removeBuildResources } from './shared/build-cleanup';
import * as config from './shared/config';
import { isPlainObject } from './shared/deep-merge';
import { CleanupIncomplete, describeError, toTransient, TransientAwsError } from './shared/errors';
import { buildInstanceLaunchedAt } from './shared/eventual-consistency';
import { handleStep } from './shared/handle-step';
import { findBuildImages, findBuildSnapshots, markTested } from './shared/images';
import { describeInstance, findBuildInstances, isGone, tagInstance } from './shared/instances';
import { LambdaContext, logger } from './shared/logger';
import { failedManifest, ManifestError, recipeNameOf } from './shared/manifest';
import { storeManifest } from './shared/manifest-store';
import { recordBakeOutcome } from './shared/metrics';
import { namesImageLeftOrGone, ParameterClients, parameterTargets, repairDanglingParameter, restoreParameter } from './shared/parameters';
import { currentPhase } from './shared/phases';
import { DEFAULT_KEEP_ON_FAILURE_HOURS } from './shared/recipe-defaults';
import { TAG_KEYS } from './shared/tags';
import type { BakeFailure, BakeState, BuildContext, CaughtError, PhaseName } from './shared/types';

export interface CleanupFailureEvent {
  /** The state when the error was caught, with `error` (from the Catch) and `failedPhase`. */
  readonly state: BakeState;
  readonly executionName: string;
  /** The error the cleanup itself ended with, once its retries were spent: report the failure and what is left. */
  readonly cleanupError?: CaughtError;
}

export const handler = async (event: CleanupFailureEvent, context?: LambdaContext): Promise<{ failure: BakeFailure }> =>
  handleStep('cleanup-failure', event.state?.build?.buildId ?? event.executionName, context,
    () => (event.cleanupError ? reportCleanupFailure(event, event.cleanupError) : cleanupFailure(event)));

/** The bake failed and so did its cleanup: the manifest and cause keep the original failure, add the cleanup's error and list what is left. */
async function reportCleanupFailure(event: CleanupFailureEvent, cleanupError: CaughtError): Promise<{ failure: BakeFailure }> {
  const state = event.state ?? { phases: [] };
  const original = failureOf(state);
  const buildId = state.build?.buildId ?? event.executionName;
  const recipe = state.build?.recipe.name ?? recipeNameOf(state.input);
  const left = state.build ? await whatIsLeft(state.build, state) : { ids: [], unlisted: [] };
  const cleanupMessage = `${cleanupError.Error}: ${errorMessage(cleanupError)}`;
  const error = { ...original, message: `${original.message}\nCleaning up after the failure failed too: ${cleanupMessage}` };
  const manifest = { ...failedManifest(state, buildId, recipe, error, left.ids), bakeryId: state.build?.bakeryId ?? config.bakeryId() };
  logger.error('Bake failed, and cleaning up after it failed too', { phase: original.phase, step: original.step, cleanupError: cleanupError.Error, left });
  const manifestLocation = await storeManifest(manifest);
  recordBakeOutcome(manifest, manifest.bakeryId);
  return {
    failure: {
      error: 'CleanupFailed',
      cause: `${causeFor(buildId, recipe, original)}\nCleaning up after it failed too: ${cleanupMessage}\n${leftNote(buildId, left)}`,
      manifest: manifestLocation ? { ...manifest, manifestLocation } : manifest,
    },
  };
}

/** What a build left: ids found by its build-id tag in every region it used, its published parameters, and the lookups that failed. */
interface Leftovers {
  readonly ids: string[];
  readonly unlisted: string[];
}

async function whatIsLeft(build: BuildContext, state: BakeState): Promise<Leftovers> {
  const left: Leftovers = { ids: [], unlisted: [] };
  const look = async (what: string, find: () => Promise<string[]>) => {
    try {
      left.ids.push(...await find());
    } catch (error) {
      logger.warn(`Could not list ${what}`, { error: describeError(error) });
      left.unlisted.push(what);
    }
  };
  await look('instances', async () => (await findBuildInstances(build.buildId)).filter((instance) => !isGone(instance)).map((instance) => instance.InstanceId!));
  for (const region of [build.region, ...(build.copyTargets ?? []).map((target) => target.region)]) {
    const where = region === build.region ? undefined : region;
    await look(`images in ${region}`, async () => (await findBuildImages(build.buildId, where)).map((image) => image.ImageId!));
    await look(`snapshots in ${region}`, async () => (await findBuildSnapshots(build.buildId, where)).map((snapshot) => snapshot.SnapshotId!));
  }
  await listParametersLeft(build, state, left, look);
  return left;
}

/** Lists what one lookup finds left, or notes that the lookup failed. */
type Look = (what: string, find: () => Promise<string[]>) => Promise<void>;

/**
 * The recipe's SSM parameters that still name an image the build left, or one that no longer exists, checked in
 * this account; in other accounts, where this one cannot tell whether an image is gone, every parameter the bake
 * had written.
 */
async function listParametersLeft(build: BuildContext, state: BakeState, left: Leftovers, look: Look): Promise<void> {
  const name = build.recipe.distribution?.ssmParameter;
  if (!name) return;
  const clients = new ParameterClients(build.buildId);
  for (const region of [build.region, ...(build.copyTargets ?? []).map((target) => target.region)]) {
    const where = `parameter ${name} in ${region}`;
    await look(where, async () => (await namesImageLeftOrGone(clients, name, region, left.ids) ? [where] : []));
  }
  const elsewhere = (state.parameters ?? []).filter((parameter) => parameter.roleArn);
  left.ids.push(...elsewhere.map((parameter) => `parameter ${parameter.name} in ${parameter.region} of account ${parameter.accountId}`));
}

function leftNote(buildId: string, left: Leftovers): string {
  const listed = left.ids.length > 0 ? `Left behind: ${left.ids.join(', ')}.` : 'Nothing of the build was found left behind.';
  const unlisted = left.unlisted.length > 0 ? ` Could not list ${left.unlisted.join(', ')}.` : '';
  return `${listed}${unlisted} Remove what is tagged ${TAG_KEYS.buildId}=${buildId} (the orphan sweeper does, later).`;
}

async function cleanupFailure(event: CleanupFailureEvent): Promise<{ failure: BakeFailure }> {
  const state = event.state ?? { phases: [] };
  const error = failureOf(state);
  // A failed test is inspected on the test instance; any other failure on the build instance.
  const inspect = state.failedPhase === 'test' ? state.tests?.instanceId : state.instanceId;
  const kept = state.build ? await keepForInspection(state.build, inspect) : undefined;
  const untested = state.build ? await keepUntestedImage(state.build, state) : undefined;
  if (state.build) await removeEverything(state.build, state, kept?.instanceId, untested);
  const buildId = state.build?.buildId ?? event.executionName;
  const recipe = state.build?.recipe.name ?? recipeNameOf(state.input);
  const manifest = {
    ...failedManifest(state, buildId, recipe, error, []),
    bakeryId: state.build?.bakeryId ?? config.bakeryId(),
    ...(kept ? { keptForInspection: [kept.instanceId] } : {}),
    ...(untested ? { keptUntestedImage: untested } : {}),
  };
  logger.error('Bake failed', { phase: error.phase, step: error.step, error: state.error?.Error, kept });
  const manifestLocation = await storeManifest(manifest);
  recordBakeOutcome(manifest, manifest.bakeryId);
  return {
    failure: {
      error: state.error?.Error ?? 'BakeFailed',
      cause: causeFor(buildId, recipe, error) + keptNote(kept) + untestedNote(untested),
      manifest: manifestLocation ? { ...manifest, manifestLocation } : manifest,
    },
  };
}

interface KeptInstance {
  readonly instanceId: string;
  readonly until: string;
}

/**
 * With the recipe's `keepOnFailure`, the build instance stays for a person to inspect, tagged with the time
 * after which the orphan sweeper terminates it. Everything else of the build is still removed.
 */
async function keepForInspection(build: BuildContext, instanceId: string | undefined): Promise<KeptInstance | undefined> {
  if (!build.recipe.keepOnFailure || !instanceId) return undefined;
  const instance = await describeInstance(instanceId);
  if (!instance || isGone(instance)) return undefined;
  const hours = build.recipe.keepOnFailureHours ?? DEFAULT_KEEP_ON_FAILURE_HOURS;
  const until = new Date(Date.now() + hours * 3_600_000).toISOString();
  try {
    await tagInstance(instanceId, { [TAG_KEYS.keepUntil]: until });
    return { instanceId, until };
  } catch (error) {
    const thrown = toTransient(error);
    if (thrown instanceof TransientAwsError) throw thrown;
    logger.warn('Could not mark the build instance as kept; it is removed with the rest', { instanceId, error: describeError(error) });
    return undefined;
  }
}

function keptNote(kept: KeptInstance | undefined): string {
  if (!kept) return '';
  return `\nThe build instance ${kept.instanceId} is kept for inspection until ${kept.until} (keepOnFailure): ` +
    `aws ssm start-session --target ${kept.instanceId}. The orphan sweeper terminates it after that.`;
}

/**
 * With the recipe's `keepUntestedImage`, the image whose test failed stays: tagged `cdk-ami-bakery:tested=false`
 * with its snapshots, which every cleanup and the orphan sweeper leave alone. Its id, or undefined when it is removed.
 */
async function keepUntestedImage(build: BuildContext, state: BakeState): Promise<string | undefined> {
  if (!build.recipe.keepUntestedImage || state.failedPhase !== 'test' || !state.imageId) return undefined;
  try {
    await markTested(state.imageId, state.snapshotIds ?? [], 'false');
    return state.imageId;
  } catch (error) {
    const thrown = toTransient(error);
    if (thrown instanceof TransientAwsError) throw thrown;
    logger.warn('Could not mark the untested image as kept; it is removed with the rest', { imageId: state.imageId, error: describeError(error) });
    return undefined;
  }
}

function untestedNote(imageId: string | undefined): string {
  return imageId ? `\nThe untested image ${imageId} is kept, tagged cdk-ami-bakery:tested=false (keepUntestedImage); deregister it when you are done with it.` : '';
}

/**
 * Puts back the SSM parameters the bake had already pointed at its images, then removes the build's resources
 * in every region; what cannot be done yet ends the step with `CleanupIncomplete`, which the state machine
 * retries. Should the retries run out, "Report cleanup failure" fails the execution with `CleanupFailed`, and the
 * status-change rule's cleanup takes over.
 */
async function removeEverything(build: BuildContext, state: BakeState, keepInstanceId?: string, keepImageId?: string): Promise<void> {
  const unrestored = await restoreParameters(build, state);
  const leaked = await removeBuildResources(build.buildId, {
    instanceId: state.instanceId,
    instanceLaunchedAt: buildInstanceLaunchedAt(state),
    otherInstanceIds: state.tests?.instanceId ? [state.tests.instanceId] : [],
    imageId: keepImageId ? undefined : state.imageId,
    keepInstanceId,
    copyRegions: (build.copyTargets ?? []).map((target) => target.region),
    parametersRestored: true,
  });
  const left = [...unrestored, ...leaked];
  if (left.length > 0) throw new CleanupIncomplete(`could not remove ${left.join(', ')} of build ${build.buildId} yet`);
}

/**
 * Where `distribution.ssmParameter` already names one of the build's images, or (`ami.forceDeregister`) an image the
 * bake replaced, the value it had before; returns what it could not restore.
 */
async function restoreParameters(build: BuildContext, state: BakeState): Promise<string[]> {
  const name = build.recipe.distribution?.ssmParameter;
  if (!name) return [];
  const clients = new ParameterClients(build.buildId);
  const cleanup = new BestEffort();
  // Only Distribute writes parameters, after every copy is made (`state.copies` set): a bake that failed earlier wrote none.
  const mayHaveWritten = state.copies !== undefined && (state.failedPhase === 'distribute' || state.failedPhase === 'cleanup');
  if (state.imageId && mayHaveWritten) {
    const artifacts = [{ region: build.region, amiId: state.imageId, name: build.amiName, snapshotIds: [] }, ...state.copies ?? []];
    const buildImageIds = artifacts.map((artifact) => artifact.amiId);
    for (const target of parameterTargets(build, artifacts)) {
      const where = `parameter ${name} in ${target.region}${target.roleArn ? ` (${target.roleArn})` : ''}`;
      await cleanup.remove(where, () => restoreParameter(clients, name, target, buildImageIds));
    }
  }
  const mayHaveReplaced = build.recipe.ami?.forceDeregister === true && state.phases.some((phase) => phase.name === 'create-image');
  if (mayHaveReplaced) await repairReplacedImageParameters(build, name, clients, cleanup);
  return cleanup.leaked;
}

/**
 * With `ami.forceDeregister` the bake may have deregistered the recipe's older image of the same name, here or in a
 * copy region, before it failed: a parameter of this account that still names it is put back or deleted.
 */
async function repairReplacedImageParameters(build: BuildContext, name: string, clients: ParameterClients, cleanup: BestEffort): Promise<void> {
  for (const region of [build.region, ...(build.copyTargets ?? []).map((target) => target.region)]) {
    await cleanup.remove(`parameter ${name} in ${region}`, () => repairDanglingParameter(clients, name, region));
  }
}

/** Where and how the bake failed, from the caught error and the failed phase. */
function failureOf(state: BakeState): ManifestError {
  const phase = state.failedPhase ?? currentPhase(state.phases) ?? 'prepare';
  return {
    phase,
    step: stepNumberOf(phase, state),
    message: errorMessage(state.error),
  };
}

/** The step (counted from 1) a failed provisioning step or test was. */
function stepNumberOf(phase: PhaseName, state: BakeState): number | null {
  if (phase === 'provision' && state.provision) return state.provision.index + 1;
  if (phase === 'test' && state.tests) return state.tests.index + 1;
  return null;
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

/** The Fail state's cause: what failed and where. */
function causeFor(buildId: string, recipe: string, error: ManifestError): string {
  const where = error.step === null ? error.phase : `${error.phase} (${error.phase === 'test' ? 'test step' : 'step'} ${error.step})`;
  return `Bake ${buildId} of recipe "${recipe}" failed in ${where}: ${error.message}`;
}
