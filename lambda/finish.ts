/**
 * Step "Clean up build": terminates the build instance (without waiting), checks by the build-id
 * tag that nothing else the bake made is left, and returns the manifest (one artifact per region), which
 * becomes the execution's output and, with a manifest bucket, an S3 object. Once the images are handed
 * over (tagged as artifacts), it applies the recipe's retention to older images in every region. An instance it cannot terminate yet ends the step with `CleanupIncomplete`,
 * which the state machine retries; an audit that cannot run is logged and does not fail the bake.
 *
 * Event: `BakeState` with an available image. Returns: `Manifest` (status SUCCEEDED).
 */
import { BestEffort } from './shared/best-effort';
import { CleanupIncomplete } from './shared/errors';
import { buildInstanceLaunchedAt } from './shared/eventual-consistency';
import { handleStep } from './shared/handle-step';
import { findBuildImages, findBuildSnapshots, tagAsArtifact } from './shared/images';
import { findBuildInstances, isGone, terminateInstance } from './shared/instances';
import { LambdaContext, logger } from './shared/logger';
import { succeededManifest } from './shared/manifest';
import { storeManifest } from './shared/manifest-store';
import { recordBakeOutcome } from './shared/metrics';
import { enterPhase } from './shared/phases';
import { applyRetention } from './shared/retention';
import { artifactsOf, requireBuild, requireImageId } from './shared/state';
import type { Artifact, BakeState, Manifest } from './shared/types';

export const handler = async (state: BakeState, context?: LambdaContext): Promise<Manifest> =>
  handleStep('finish', state.build?.buildId, context, () => finish(state));

async function finish(state: BakeState): Promise<Manifest> {
  const build = requireBuild(state, 'finish');
  const imageId = requireImageId(state, 'finish');
  const artifacts = artifactsOf(state, 'finish');
  const phases = enterPhase(state.phases, 'cleanup');
  for (const artifact of artifacts) await tagAsArtifact(artifact.amiId, artifact.region);
  const cleanup = new BestEffort();
  if (state.instanceId) await cleanup.remove(state.instanceId, () => terminateInstance(state.instanceId!, buildInstanceLaunchedAt(state)));
  if (cleanup.leaked.length > 0) {
    throw new CleanupIncomplete(`could not terminate build instance ${state.instanceId} yet; the state machine retries this step`);
  }
  const leakedResources = await leftovers(cleanup, build.buildId, artifacts);
  if (leakedResources.length > 0) logger.warn('Resources of this build are still there', { leakedResources });
  const retention = build.recipe.retention ? await applyRetention(build, artifacts, build.recipe.retention) : undefined;
  logger.info('Bake succeeded', { imageId, amiName: build.amiName, regions: artifacts.map((artifact) => artifact.region) });
  const manifest = succeededManifest(build, { ...state, phases, retention }, artifacts, leakedResources);
  const manifestLocation = await storeManifest(manifest);
  recordBakeOutcome(manifest, build.bakeryId);
  return manifestLocation ? { ...manifest, manifestLocation } : manifest;
}

/**
 * Ids of everything tagged with the build id that should not outlive the bake: instances not
 * terminating, and, in each region, images and snapshots other than the artifacts'. The images are made:
 * an audit that cannot run is logged, and does not fail the bake (which would remove the images).
 */
async function leftovers(cleanup: BestEffort, buildId: string, artifacts: readonly Artifact[]): Promise<string[]> {
  const instances = await cleanup.lookup('the build\'s instances', [], () => findBuildInstances(buildId));
  const leaked = instances.filter((instance) => !isGone(instance)).map((instance) => instance.InstanceId!);
  for (const artifact of artifacts) {
    const images = await cleanup.lookup(`the build's images in ${artifact.region}`, [], () => findBuildImages(buildId, artifact.region));
    const snapshots = await cleanup.lookup(`the build's snapshots in ${artifact.region}`, [], () => findBuildSnapshots(buildId, artifact.region));
    leaked.push(
      ...images.filter((image) => image.ImageId !== artifact.amiId).map((image) => image.ImageId!),
      ...snapshots.filter((snapshot) => !artifact.snapshotIds.includes(snapshot.SnapshotId!)).map((snapshot) => snapshot.SnapshotId!),
    );
  }
  return leaked;
}
