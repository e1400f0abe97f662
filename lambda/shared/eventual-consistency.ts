/**
 * Eventual consistency: right after RunInstances, CreateImage, CopyImage or SendCommand, EC2 and SSM may answer
 * NotFound for the id they just returned. Within a grace period after its create call, NotFound for something the
 * bake made means "not visible yet, look again"; long after, it means the thing is gone.
 */
import { secondsSince } from './phases';
import type { BakeState } from './types';

/** How long after its create call a NotFound still means "not visible yet". */
export const VISIBILITY_GRACE_SECONDS = 300;

/** True while a NotFound for something created at `createdAt` (ISO time) only means it is not visible yet. */
export function withinVisibilityGrace(createdAt: string | undefined): boolean {
  return createdAt !== undefined && secondsSince(createdAt) < VISIBILITY_GRACE_SECONDS;
}

/** When the build instance was launched (the start of the `launch` phase), if the state knows. */
export function buildInstanceLaunchedAt(state: BakeState): string | undefined {
  return state.phases.find((phase) => phase.name === 'launch')?.startedAt;
}

/** When the test instance was launched (the start of the `test` phase), if the state knows. */
export function testInstanceLaunchedAt(state: BakeState): string | undefined {
  return state.phases.find((phase) => phase.name === 'test')?.startedAt;
}
