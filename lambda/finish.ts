/**
 * Step "Clean up build": terminates the build instance (without waiting), checks by the build-id
 * tag that nothing else the bake made is left, and returns the manifest, which becomes the
 * execution's output. Once the image is handed over (tagged as the artifact), it applies the recipe's
 * retention to older images. An instance it cannot terminate yet ends the step with `CleanupIncomplete`,
 * which the state machine retries; an audit that cannot run is logged and does not fail the bake.
 *
 * Event: `BakeState` with an available image. Returns: `Manifest` (status SUCCEEDED).
 */
import { BestEffort } from './shared/best-effort';
import { CleanupIncomplete } from './shared/errors';
import { handleStep } from './shared/handle-step';
import { findBuildImages, findBuildSnapshots, tagAsArtifact } from './shared/images';
import { findBuildInstances, isGone, terminateInstance } from './shared/instances';
import { LambdaContext, logger } from './shared/logger';
import { succeededManifest } from './shared/manifest';
import { recordBakeOutcome } from './shared/metrics';
import { enterPhase } from './shared/phases';
import { applyRetention } from './shared/retention';
import { requireBuild, requireImageId } from './shared/state';
import type { BakeState, Manifest } from './shared/types';

export const handler = async (state: BakeState, context?: LambdaContext): Promise<Manifest> =>
  handleStep('finish', state.build?.buildId, context, () => finish(state));

async function finish(state: BakeState): Promise<Manifest> {
  const build = requireBuild(state, 'finish');
  const imageId = requireImageId(state, 'finish');
  const phases = enterPhase(state.phases, 'cleanup');
  await tagAsArtifact(imageId);
  const cleanup = new BestEffort();
  if (state.instanceId) await cleanup.remove(state.instanceId, () => terminateInstance(state.instanceId!));
  if (cleanup.leaked.length > 0) {
    throw new CleanupIncomplete(`could not terminate build instance ${state.instanceId} yet; the state machine retries this step`);
  }
  const snapshotIds = state.snapshotIds ?? [];
  const leakedResources = await leftovers(cleanup, build.buildId, imageId, snapshotIds);
  if (leakedResources.length > 0) logger.warn('Resources of this build are still there', { leakedResources });
  const artifact = { region: build.region, amiId: imageId, name: build.amiName, snapshotIds };
  const retention = build.recipe.retention ? await applyRetention(build, imageId, build.recipe.retention) : undefined;
  logger.info('Bake succeeded', { imageId, amiName: build.amiName });
  const manifest = succeededManifest(build, { ...state, phases, retention }, artifact, leakedResources);
  recordBakeOutcome(manifest, build.bakeryId);
  return manifest;
}

/**
 * Ids of everything tagged with the build id that should not outlive the bake: instances not
 * terminating, images other than the artifact, snapshots other than the artifact's. The image is made:
 * an audit that cannot run is logged, and does not fail the bake (which would remove the image).
 */
async function leftovers(cleanup: BestEffort, buildId: string, imageId: string, snapshotIds: readonly string[]): Promise<string[]> {
  const instances = await cleanup.lookup('the build\'s instances', [], () => findBuildInstances(buildId));
  const images = await cleanup.lookup('the build\'s images', [], () => findBuildImages(buildId));
  const snapshots = await cleanup.lookup('the build\'s snapshots', [], () => findBuildSnapshots(buildId));
  return [
    ...instances.filter((instance) => !isGone(instance)).map((instance) => instance.InstanceId!),
    ...images.filter((image) => image.ImageId !== imageId).map((image) => image.ImageId!),
    ...snapshots.filter((snapshot) => !snapshotIds.includes(snapshot.SnapshotId!)).map((snapshot) => snapshot.SnapshotId!),
  ];
}
