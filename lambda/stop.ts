/**
 * Step "Stop build instance": stops the instance so the image is made from quiet, consistent disks.
 *
 * Event: `BakeState` after provisioning. Returns: the state with the `stop` phase and the poll loop
 * that waits for the instance to be stopped.
 */
import { StopInstancesCommand } from '@aws-sdk/client-ec2';
import { ec2 } from './shared/clients';
import { handleStep } from './shared/handle-step';
import { LambdaContext, logger } from './shared/logger';
import { enterPhase } from './shared/phases';
import { startPoll } from './shared/poll';
import { DEFAULT_TIMEOUTS } from './shared/recipe-defaults';
import { requireBuild, requireInstanceId } from './shared/state';
import type { BakeState } from './shared/types';

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('stop', state.build?.buildId, context, () => stop(state));

async function stop(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'stop');
  const instanceId = requireInstanceId(state, 'stop');
  logger.info('Stopping build instance', { instanceId });
  await ec2().send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  return {
    ...state,
    phases: enterPhase(state.phases, 'stop'),
    poll: startPoll({
      firstSeconds: 15,
      maxSeconds: 30,
      budgetSeconds: build.recipe.timeouts?.instanceStopSeconds ?? DEFAULT_TIMEOUTS.instanceStopSeconds,
    }),
  };
}
