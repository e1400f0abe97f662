/**
 * Step "Stop build instance": stops the instance so the image is made from quiet, consistent disks. EC2 cannot
 * stop an instance of a one-time Spot request (`instance.spot`): that one keeps running, and Create image
 * reboots it instead, which gives the same consistent disks.
 *
 * Event: `BakeState` after provisioning. Returns: the state with the `stop` phase and the poll loop
 * that waits for the instance to be stopped. Throws `NotYetVisible` (retried) when EC2 does not know the instance
 * it launched moments ago yet.
 */
import { StopInstancesCommand } from '@aws-sdk/client-ec2';
import { ec2 } from './shared/clients/ec2';
import { isAwsErrorNamed, NotYetVisible } from './shared/errors';
import { buildInstanceLaunchedAt, withinVisibilityGrace } from './shared/eventual-consistency';
import { handleStep } from './shared/handle-step';
import { LambdaContext, logger } from './shared/logger';
import { enterPhase } from './shared/phases';
import { awaitingEvent, startPoll } from './shared/poll';
import { DEFAULT_TIMEOUTS } from './shared/recipe-defaults';
import { requireBuild, requireInstanceId } from './shared/state';
import type { BakeState } from './shared/types';

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('stop', state.build?.buildId, context, () => stop(state));

async function stop(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'stop');
  const instanceId = requireInstanceId(state, 'stop');
  if (state.spot) {
    logger.info('Leaving the Spot build instance running: EC2 cannot stop it, and the image is made with a reboot', { instanceId });
  } else {
    await stopInstance(instanceId, buildInstanceLaunchedAt(state));
  }
  return {
    ...state,
    phases: enterPhase(state.phases, 'stop'),
    // The instance's state-change event ends the wait; the fallback checks are for an event that never comes.
    poll: awaitingEvent(startPoll({
      loop: 'stop',
      firstSeconds: 60,
      maxSeconds: 60,
      budgetSeconds: build.recipe.timeouts?.instanceStopSeconds ?? DEFAULT_TIMEOUTS.instanceStopSeconds,
    })),
  };
}

/** Stops the instance; NotFound for an instance launched moments ago (`launchedAt`) means EC2 does not show it yet. */
async function stopInstance(instanceId: string, launchedAt: string | undefined): Promise<void> {
  logger.info('Stopping build instance', { instanceId });
  try {
    await ec2().send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  } catch (error) {
    if (isAwsErrorNamed(error, 'InvalidInstanceID.NotFound') && withinVisibilityGrace(launchedAt)) {
      throw new NotYetVisible(`EC2 does not show build instance ${instanceId} yet (launched at ${launchedAt}); stopping it again`, { cause: error });
    }
    throw error;
  }
}
