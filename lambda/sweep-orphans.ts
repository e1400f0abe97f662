/**
 * The orphan sweeper, run on a schedule: removes instances, images and snapshots this bakery made that no
 * running bake can still own — older than the longest a bake may run — and that were never handed out.
 * Artifacts (images the final cleanup tagged `cdk-ami-bakery:artifact`) and their snapshots are never
 * touched; an instance kept for inspection (`keepOnFailure`) is left until its `keep-until` time. Images
 * and snapshots are swept in the bakery's region and in every region its registered recipes copy to.
 *
 * Event: the schedule's event (ignored). Returns what it removed; every removal is one log line with
 * `sweeperAction`, so they can be counted in CloudWatch Logs Insights.
 */
import type { Image, Instance, Tag } from '@aws-sdk/client-ec2';
import { BestEffort } from './shared/best-effort';
import { isKeptForInspection, isKeptUntested } from './shared/build-cleanup';
import * as config from './shared/config';
import { handleStep } from './shared/handle-step';
import { deleteSnapshot, deregisterImageAndSnapshots, findOwnImages, findOwnSnapshots, snapshotIdsOf } from './shared/images';
import { findInstances, isGone, terminateInstance } from './shared/instances';
import { LambdaContext, logger } from './shared/logger';
import { bakeryFilter, TAG_KEYS, tagValue } from './shared/tags';

export interface SweepReport {
  readonly terminated: string[];
  readonly deregistered: string[];
  readonly deletedSnapshots: string[];
  /** Orphans it could not remove this time (the next run tries again). */
  readonly failed: string[];
}

export const handler = async (_event?: unknown, context?: LambdaContext): Promise<SweepReport> =>
  handleStep('sweep-orphans', undefined, context, sweep);

async function sweep(): Promise<SweepReport> {
  const bakery = bakeryFilter(config.bakeryId());
  const isOld = olderThan(Date.now() - config.maxBakeSeconds() * 1000);
  const cleanup = new BestEffort();
  const report: SweepReport = { terminated: [], deregistered: [], deletedSnapshots: [], failed: cleanup.leaked };

  const instances = (await findInstances(bakery)).filter((instance) => isOrphanInstance(instance, isOld));
  for (const instance of instances) {
    await act(cleanup, 'terminate', instance.InstanceId!, instance.Tags, report.terminated, () => terminateInstance(instance.InstanceId!));
  }

  await sweepImages(cleanup, report, isOld);
  for (const region of config.copyRegions()) await sweepImages(cleanup, report, isOld, region);

  logger.info('Orphan sweep finished', {
    terminated: report.terminated.length,
    deregistered: report.deregistered.length,
    deletedSnapshots: report.deletedSnapshots.length,
    failed: report.failed.length,
  });
  return report;
}

/** Removes the orphan images and snapshots of one region (the bakery's own, or one its recipes copy to). */
async function sweepImages(cleanup: BestEffort, report: SweepReport, isOld: (time: Date | string | undefined) => boolean, region?: string) {
  const bakery = bakeryFilter(config.bakeryId());
  const images = await cleanup.lookup(`the bakery's images${region ? ` in ${region}` : ''}`, [], () => findOwnImages(bakery, region));
  for (const image of images.filter((candidate) => isOrphanImage(candidate, isOld))) {
    await act(cleanup, 'deregister', image.ImageId!, image.Tags, report.deregistered, () => deregisterImageAndSnapshots(image, region));
  }
  // Snapshots of every image still registered stay, including orphans it could not deregister this time.
  const kept = new Set(images.filter((image) => !report.deregistered.includes(image.ImageId!)).flatMap(snapshotIdsOf));
  const snapshots = await cleanup.lookup(`the bakery's snapshots${region ? ` in ${region}` : ''}`, [], () => findOwnSnapshots(bakery, region));
  for (const snapshot of snapshots.filter((candidate) => !kept.has(candidate.SnapshotId!) && isOld(candidate.StartTime))) {
    await act(cleanup, 'delete-snapshot', snapshot.SnapshotId!, snapshot.Tags, report.deletedSnapshots, () => deleteSnapshot(snapshot.SnapshotId!, region));
  }
}

/** Removes one orphan, logs it as one countable action, and records it when done. */
async function act(
  cleanup: BestEffort,
  action: string,
  resourceId: string,
  tags: Tag[] | undefined,
  done: string[],
  remove: () => Promise<unknown>,
): Promise<void> {
  const before = cleanup.leaked.length;
  await cleanup.remove(resourceId, remove);
  if (cleanup.leaked.length > before) return;
  logger.info('Removed an orphan', { sweeperAction: action, resourceId, orphanBuildId: tagValue(tags, TAG_KEYS.buildId) });
  done.push(resourceId);
}

function olderThan(cutoffMs: number): (time: Date | string | undefined) => boolean {
  return (time) => time !== undefined && new Date(time).getTime() < cutoffMs;
}

/** A live instance older than any bake, unless it is kept for inspection until later. */
function isOrphanInstance(instance: Instance, isOld: (time: Date | undefined) => boolean): boolean {
  return !isGone(instance) && isOld(instance.LaunchTime) && !isKeptForInspection(instance);
}

/** An image older than any bake that was never handed out, nor kept after a failed test. */
function isOrphanImage(image: Image, isOld: (time: string | undefined) => boolean): boolean {
  return tagValue(image.Tags, TAG_KEYS.artifact) !== 'true' && !isKeptUntested(image.Tags) && isOld(image.CreationDate);
}

