/**
 * The waits EC2's and SSM's EventBridge events end (see `lambda/shared/awaited-check.ts`): which check each event
 * wakes, the events' patterns, and where in the staging bucket waiting tasks register their tokens (the functions
 * find it in `BAKERY_ENV.waitRegistry`). No imports: the handlers share it.
 */

/** Key prefix of the wait registry in the staging bucket; its objects expire after a day, should a bake leave one. */
export const WAIT_REGISTRY_PREFIX = 'waits/';

/** Invocation statuses that end a command (the check learns which from GetCommandInvocation). */
const ENDED_COMMAND_STATUSES = ['Success', 'Failed', 'TimedOut', 'Cancelled'];

/** The event pattern that wakes each awaited check: only the changes that can end its wait. */
export const WAKING_EVENTS = {
  'check-step': {
    'source': ['aws.ssm'],
    'detail-type': ['EC2 Command Invocation Status-change Notification'],
    'detail': { status: ENDED_COMMAND_STATUSES },
  },
  // Only the stop: every instance a bake ends is terminated, and waking the check for each would cost an invocation
  // for nothing. An instance lost while it stops is found at the next fallback check.
  'check-stopped': {
    'source': ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    'detail': { state: ['stopped'] },
  },
  'check-image': {
    'source': ['aws.ec2'],
    'detail-type': ['EC2 AMI State Change'],
    'detail': { State: ['available', 'failed', 'deregistered'] },
  },
} as const;

/** The checks that events wake. */
export type AwaitedStep = keyof typeof WAKING_EVENTS;
