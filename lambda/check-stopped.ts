/**
 * Step "Check instance stopped": one check of the loop that waits for the build instance to stop.
 *
 * Event: `BakeState` with `instanceId` and `poll`. Returns: the state with `poll.done` once the
 * instance is stopped, else the next poll (also while EC2 does not show an instance launched moments ago). Throws
 * `InstanceLost` when the instance is terminating or gone, `InstanceStopTimeout` when the budget is spent.
 */
import { awaitedCheckHandler } from './shared/awaited-check';
import { InstanceLost, InstanceStopTimeout } from './shared/errors';
import { buildInstanceLaunchedAt, withinVisibilityGrace } from './shared/eventual-consistency';
import { GONE_STATES, describeInstance } from './shared/instances';
import { logger } from './shared/logger';
import { finishPoll, nextPoll, pollExpired } from './shared/poll';
import { requireInstanceId, requirePoll } from './shared/state';
import type { BakeState } from './shared/types';

export const handler = awaitedCheckHandler<BakeState>({
  step: 'check-stopped',
  keyOfState: (state) => `instance/${requireInstanceId(state, 'check-stopped')}`,
  keyOfEvent: (event) => `instance/${String(event.detail['instance-id'])}`,
  check: checkStopped,
});

async function checkStopped(state: BakeState): Promise<BakeState> {
  const instanceId = requireInstanceId(state, 'check-stopped');
  const poll = requirePoll(state, 'check-stopped');
  const instance = await describeInstance(instanceId);
  if (!instance && withinVisibilityGrace(buildInstanceLaunchedAt(state))) return { ...state, poll: nextPoll(poll) };
  const stateName = instance?.State?.Name ?? 'terminated';
  logger.info('Checked build instance', { instanceId, instanceState: stateName });
  // A Spot build instance is not stopped (see the stop step): running is what the image is made from.
  if (stateName === 'stopped' || (state.spot && stateName === 'running')) return { ...state, poll: finishPoll(poll) };
  if (GONE_STATES.includes(stateName) || !instance) {
    throw new InstanceLost(`build instance ${instanceId} is ${instance ? stateName : 'gone'} while it was being stopped for imaging`);
  }
  if (pollExpired(poll)) {
    throw new InstanceStopTimeout(
      `build instance ${instanceId} did not stop within ${poll.budgetSeconds} s (it is ${stateName}); ` +
      'metal and GPU instance types can take many minutes: raise timeouts.instanceStopSeconds',
    );
  }
  return { ...state, poll: nextPoll(poll) };
}
