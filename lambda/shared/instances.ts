/**
 * Small EC2 instance operations shared by several steps. Each logs the action it takes.
 */
import { CreateTagsCommand, DescribeInstancesCommand, Filter, Instance, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { ec2 } from './clients/ec2';
import { isAwsErrorNamed, NotYetVisible } from './errors';
import { VISIBILITY_GRACE_SECONDS, withinVisibilityGrace } from './eventual-consistency';
import { logger } from './logger';
import { buildIdFilter } from './tags';

/** Instance states from which an instance will not run again. */
export const GONE_STATES: readonly string[] = ['shutting-down', 'terminated'];

/**
 * One instance by id, or undefined when EC2 does not know it: right after launch (not visible yet, see
 * `eventual-consistency.ts`), or long after termination. Callers that launched it tell the two apart by its age.
 */
export async function describeInstance(instanceId: string): Promise<Instance | undefined> {
  try {
    const { Reservations } = await ec2().send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return Reservations?.flatMap((reservation) => reservation.Instances ?? []).find((instance) => instance.InstanceId === instanceId);
  } catch (error) {
    if (isAwsErrorNamed(error, 'InvalidInstanceID.NotFound')) return undefined;
    throw error;
  }
}

/** Instances matching the filters (e.g. a tag), in any state. */
export async function findInstances(filters: Filter[]): Promise<Instance[]> {
  const { Reservations } = await ec2().send(new DescribeInstancesCommand({ Filters: filters }));
  return Reservations?.flatMap((reservation) => reservation.Instances ?? []) ?? [];
}

/** Instances tagged with the build id, in any state. */
export function findBuildInstances(buildId: string): Promise<Instance[]> {
  return findInstances(buildIdFilter(buildId));
}

/** True when an instance is terminating or terminated. */
export function isGone(instance: Instance): boolean {
  return GONE_STATES.includes(instance.State?.Name ?? '');
}

/** Tags an instance (e.g. to keep it for inspection until a time). */
export async function tagInstance(instanceId: string, tags: Record<string, string>): Promise<void> {
  logger.info('Tagging instance', { instanceId, tags });
  await ec2().send(new CreateTagsCommand({ Resources: [instanceId], Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
}

/**
 * Asks EC2 to terminate an instance without waiting for it. NotFound is no proof that the instance is gone: right
 * after RunInstances EC2 may not know it yet. So for an instance launched within the visibility grace
 * (`launchedAt`), NotFound throws `NotYetVisible` and the caller's cleanup is retried by the state machine; for
 * an older one, or one whose launch time is unknown (found by its tags, so visible), NotFound counts as done.
 */
export async function terminateInstance(instanceId: string, launchedAt?: string): Promise<void> {
  logger.info('Terminating instance', { instanceId });
  try {
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
  } catch (error) {
    if (!isAwsErrorNamed(error, 'InvalidInstanceID.NotFound')) throw error;
    if (withinVisibilityGrace(launchedAt)) {
      throw new NotYetVisible(`EC2 does not know instance ${instanceId} yet, ${VISIBILITY_GRACE_SECONDS} s after its launch at most; terminating it again later`);
    }
  }
}
