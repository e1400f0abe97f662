/**
 * Steps "Check SSM agent" and "Check test instance agent": one check of the loop that waits until the
 * build (or test) instance's SSM agent reports Online, after which provisioning (or testing) can start.
 *
 * Event: `BakeState` with `instanceId` and `poll`. Returns: the state with `poll.done` and, once
 * Online, the `provision` phase and progress; else the next poll (also while EC2 does not show the instance it
 * just launched yet). Throws `InstanceLost` when the instance stopped, is terminating or is gone,
 * `AgentNotOnline` when the budget is spent.
 */
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { ssm } from './shared/clients/ssm';
import * as config from './shared/config';
import { BAKERY_ENV } from '../src/contract';
import { AgentNotOnline, InstanceLost } from './shared/errors';
import { withinVisibilityGrace } from './shared/eventual-consistency';
import { handleStep } from './shared/handle-step';
import { describeInstance } from './shared/instances';
import { LambdaContext, logger } from './shared/logger';
import { enterPhase } from './shared/phases';
import { finishPoll, nextPoll, pollExpired } from './shared/poll';
import { requireBuild, requirePoll } from './shared/state';
import { activeStage, PROVISION_STAGE, stageInstanceId, stageSteps, TEST_STAGE } from './shared/step-stage';
import type { BakeState } from './shared/types';

/** Instance states in which the agent will never come online without someone starting the instance again. */
export const LOST_STATES: readonly string[] = ['shutting-down', 'terminated', 'stopping', 'stopped'];

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('check-agent', state.build?.buildId, context, () => checkAgent(state));

async function checkAgent(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'check-agent');
  const stage = activeStage(state);
  const instanceId = stageInstanceId(state, stage, 'check-agent');
  const poll = requirePoll(state, 'check-agent');
  const role = stage === TEST_STAGE ? 'test' : 'build';
  const instanceState = await instanceStateName(instanceId, role, poll.startedAt);
  const pingStatus = instanceState === 'running' ? await agentPingStatus(instanceId) : undefined;
  logger.info('Checked SSM agent', { instanceId, role, instanceState, pingStatus: pingStatus ?? 'not registered' });
  if (pingStatus === 'Online' && stage === TEST_STAGE) return { ...state, poll: finishPoll(poll) };
  if (pingStatus === 'Online') {
    return {
      ...state,
      phases: enterPhase(state.phases, 'provision'),
      poll: finishPoll(poll),
      provision: { index: 0, count: stageSteps(build, PROVISION_STAGE).length, results: [] },
    };
  }
  if (pollExpired(poll)) throw agentNotOnline(`${role} instance ${instanceId}`, poll.budgetSeconds, instanceState, pingStatus);
  return { ...state, poll: nextPoll(poll) };
}

/**
 * The instance's state name; throws `InstanceLost` when it will not come online. EC2 may not know an instance it
 * launched moments ago (`launchedAt`): that one counts as pending; one it still does not know later is gone.
 */
async function instanceStateName(instanceId: string, role: string, launchedAt: string): Promise<string> {
  const instance = await describeInstance(instanceId);
  if (!instance && !withinVisibilityGrace(launchedAt)) {
    throw new InstanceLost(`${role} instance ${instanceId} is gone (EC2 no longer knows it) while waiting for its SSM agent`);
  }
  const name = instance?.State?.Name ?? 'pending';
  if (LOST_STATES.includes(name)) {
    const reason = instance?.StateReason?.Message ?? instance?.StateTransitionReason;
    throw new InstanceLost(`${role} instance ${instanceId} is ${name}${reason ? ` (${reason})` : ''} while waiting for its SSM agent`);
  }
  return name;
}

/** The agent's ping status as SSM reports it, or undefined before the agent has registered. */
async function agentPingStatus(instanceId: string): Promise<string | undefined> {
  const { InstanceInformationList } = await ssm().send(new DescribeInstanceInformationCommand({
    Filters: [{ Key: 'InstanceIds', Values: [instanceId] }],
  }));
  return InstanceInformationList?.find((info) => info.InstanceId === instanceId)?.PingStatus;
}

/** The error for an agent that never came online, with what to check. */
function agentNotOnline(instance: string, budgetSeconds: number, instanceState: string, pingStatus: string | undefined): AgentNotOnline {
  const profile = config.optionalEnv(BAKERY_ENV.instanceProfileName);
  return new AgentNotOnline(
    `the SSM agent on ${instance} did not come online within ${budgetSeconds} s ` +
    `(instance ${instanceState}, SSM ping status ${pingStatus ?? 'none: not registered'}). Check that ` +
    'the subnet reaches the SSM endpoints (a public IP with an internet gateway, a NAT gateway, or VPC endpoints for ssm, ssmmessages and ec2messages), ' +
    `that the instance profile${profile ? ` ${profile}` : ''} still grants ssm:UpdateInstanceInformation and the ec2messages and ssmmessages actions, ` +
    'and that the source image runs the SSM agent.',
  );
}
