/**
 * The orphan sweeper, run on a schedule: removes instances, images and snapshots this bakery made that no
 * running bake can still own — older than the longest a bake may run — and that were never handed out.
 * Artifacts (images the final cleanup tagged `cdk-ami-bakery:artifact`) and their snapshots are never
 * touched; an instance kept for inspection (`keepOnFailure`) is left until its `keep-until` time. An image an SSM
 * parameter still names (a failed bake's cleanup could not put it back) has its parameter put back first. Images
 * and snapshots are swept in the bakery's region and in every region its registered recipes, and ad-hoc ones within their bounds, copy to.
 * Tags can be copied onto anything: a resource is removed only when its build id names an execution of the
 * bakery's state machine that ran when the resource was made; any other is left alone and reported.
 *
 * Event: the schedule's event (ignored). Returns what it removed; every removal is one log line with
 * `sweeperAction`, so they can be counted in CloudWatch Logs Insights.
 */
import type { Image, Instance, Tag } from '@aws-sdk/client-ec2';
import { BakeExecutions } from './shared/bake-executions';
import { BestEffort } from './shared/best-effort';
import { isKeptForInspection, isKeptUntested } from './shared/build-cleanup';
import * as config from './shared/config';
import { handleStep } from './shared/handle-step';
import { deleteSnapshot, deregisterImageAndSnapshots, findOwnImages, findOwnSnapshots, snapshotIdsOf } from './shared/images';
import { findInstances, isGone, terminateInstance } from './shared/instances';
import { LambdaContext, logger } from './shared/logger';
import { ParameterClients, restoreParameter } from './shared/parameters';
import { bakeryFilter, TAG_KEYS, tagValue } from './shared/tags';

export interface SweepReport {
  readonly terminated: string[];
  readonly deregistered: string[];
  readonly deletedSnapshots: string[];
  /** Orphans it could not remove this time (the next run tries again). */
  readonly failed: string[];
  /** Resources with the bakery's tags that no bake of it made (tags copied onto them): never removed. */
  readonly ignored: string[];
}

/** One sweep: what it removes with, what it reports to, and who made what. */
interface Sweep {
  readonly cleanup: BestEffort;
  readonly report: SweepReport;
  readonly executions: BakeExecutions;
  readonly isOld: (time: Date | string | undefined) => boolean;
}

export const handler = async (_event?: unknown, context?: LambdaContext): Promise<SweepReport> =>
  handleStep('sweep-orphans', undefined, context, sweep);

async function sweep(): Promise<SweepReport> {
  const bakery = bakeryFilter(config.bakeryId());
  const cleanup = new BestEffort();
  const report: SweepReport = { terminated: [], deregistered: [], deletedSnapshots: [], failed: cleanup.leaked, ignored: [] };
  const run: Sweep = { cleanup, report, executions: new BakeExecutions(), isOld: olderThan(Date.now() - config.maxBakeSeconds() * 1000) };

  const instances = (await findInstances(bakery)).filter((instance) => isOrphanInstance(instance, run.isOld));
  for (const instance of instances) {
    const found = { id: instance.InstanceId!, tags: instance.Tags, createdAt: instance.LaunchTime };
    await act(run, 'terminate', found, report.terminated, () => terminateInstance(instance.InstanceId!));
  }

  await sweepImages(run);
  for (const region of config.copyRegions()) await sweepImages(run, region);

  logger.info('Orphan sweep finished', {
    terminated: report.terminated.length,
    deregistered: report.deregistered.length,
    deletedSnapshots: report.deletedSnapshots.length,
    failed: report.failed.length,
    ignored: report.ignored.length,
  });
  return report;
}

/** Removes the orphan images and snapshots of one region (the bakery's own, or one its recipes copy to). */
async function sweepImages(run: Sweep, region?: string) {
  const { cleanup, report, isOld } = run;
  const bakery = bakeryFilter(config.bakeryId());
  const images = await cleanup.lookup(`the bakery's images${region ? ` in ${region}` : ''}`, [], () => findOwnImages(bakery, region));
  for (const image of images.filter((candidate) => isOrphanImage(candidate, isOld))) {
    const found = { id: image.ImageId!, tags: image.Tags, createdAt: image.CreationDate };
    await act(run, 'deregister', found, report.deregistered, () => removeOrphanImage(image, region));
  }
  // Snapshots of every image still registered stay, including orphans it could not deregister this time.
  const kept = new Set(images.filter((image) => !report.deregistered.includes(image.ImageId!)).flatMap(snapshotIdsOf));
  const snapshots = await cleanup.lookup(`the bakery's snapshots${region ? ` in ${region}` : ''}`, [], () => findOwnSnapshots(bakery, region));
  for (const snapshot of snapshots.filter((candidate) => !kept.has(candidate.SnapshotId!) && isOld(candidate.StartTime))) {
    const found = { id: snapshot.SnapshotId!, tags: snapshot.Tags, createdAt: snapshot.StartTime };
    await act(run, 'delete-snapshot', found, report.deletedSnapshots, () => deleteSnapshot(snapshot.SnapshotId!, region));
  }
}

/**
 * Deregisters an orphan image and deletes its snapshots. A failed bake whose cleanup could not put back the SSM
 * parameter of the image's ssm-parameter tag kept the image, since the parameter still names it: the parameter is
 * put back first (the newest earlier image that still exists, or deleted), and if that fails the image stays.
 */
async function removeOrphanImage(image: Image, region: string | undefined): Promise<void> {
  const name = tagValue(image.Tags, TAG_KEYS.ssmParameter);
  if (name) {
    const clients = new ParameterClients(tagValue(image.Tags, TAG_KEYS.buildId) ?? 'orphan-sweep');
    await restoreParameter(clients, name, { region: region ?? config.region(), imageId: image.ImageId! }, [image.ImageId!]);
  }
  await deregisterImageAndSnapshots(image, region);
}

/** A resource the sweep found with the bakery's tags. */
interface Found {
  readonly id: string;
  readonly tags: Tag[] | undefined;
  readonly createdAt: Date | string | undefined;
}

/**
 * Removes one orphan that a bake of this bakery made, logs it as one countable action, and records it when done.
 * One no bake made is left alone, reported and logged; when that cannot be told (Step Functions refuses), it waits.
 */
async function act(run: Sweep, action: string, found: Found, done: string[], remove: () => Promise<unknown>): Promise<void> {
  const { cleanup, report, executions } = run;
  const buildId = tagValue(found.tags, TAG_KEYS.buildId);
  const made = await cleanup.lookup(`the bake that made ${found.id}`, undefined, () => executions.made(buildId, found.createdAt));
  if (made === undefined) {
    report.failed.push(found.id);
    return;
  }
  if (!made) {
    logger.warn('Left alone: it carries the bakery\'s tags, but no bake of this bakery made it', { resourceId: found.id, claimedBuildId: buildId });
    report.ignored.push(found.id);
    return;
  }
  const before = cleanup.leaked.length;
  await cleanup.remove(found.id, remove);
  if (cleanup.leaked.length > before) return;
  logger.info('Removed an orphan', { sweeperAction: action, resourceId: found.id, orphanBuildId: buildId });
  done.push(found.id);
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

