/**
 * Step "Start provisioning step": sends the current recipe step to the build instance with SSM Run
 * Command (AWS-RunShellScript). A reboot step is a script that exits 194 once, which makes the SSM
 * agent reboot the instance and run it again. The full output goes to CloudWatch Logs.
 *
 * Event: `BakeState` with `provision` (index < count). Returns: the state with
 * `provision.commandId`, `stepStartedAt` and the poll loop that waits for the command.
 */
import { SendCommandCommand, SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { ssm } from './shared/clients';
import * as config from './shared/config';
import { InvalidState } from './shared/errors';
import { handleStep } from './shared/handle-step';
import { LambdaContext, logger } from './shared/logger';
import { startPoll } from './shared/poll';
import { requireBuild, requireInstanceId, requireProvision } from './shared/state';
import { StepScript, stepKind, stepScript } from './shared/step-script';
import type { BakeState } from './shared/types';

/** Time SSM has to deliver the command to the agent (the run limit is the script's executionTimeout). */
export const DELIVERY_TIMEOUT_SECONDS = 600;

/** Extra time the check loop allows beyond a step's own timeout, for delivery and reporting. */
export const STEP_GRACE_SECONDS = 300;

/** SSM accepts comments of at most 100 characters. */
const MAX_COMMENT_LENGTH = 100;

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('run-step', state.build?.buildId, context, () => runStep(state));

async function runStep(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'run-step');
  const instanceId = requireInstanceId(state, 'run-step');
  const provision = requireProvision(state, 'run-step');
  const step = build.recipe.steps[provision.index];
  if (!step) throw new InvalidState(`run-step: no step ${provision.index + 1}; the recipe has ${build.recipe.steps.length}`);
  const stepNumber = provision.index + 1;
  const script = stepScript(step, build.buildId, stepNumber);
  logger.info('Sending provisioning step', { step: stepNumber, count: provision.count, kind: stepKind(step), instanceId });
  const commandId = await sendCommand(instanceId, script, `cdk-ami-bakery ${build.buildId} step ${stepNumber}`);
  logger.info('Sent provisioning step', { step: stepNumber, commandId });
  return {
    ...state,
    provision: { ...provision, commandId },
    stepStartedAt: new Date().toISOString(),
    poll: startPoll({ firstSeconds: 5, maxSeconds: 30, budgetSeconds: script.timeoutSeconds + STEP_GRACE_SECONDS }),
  };
}

/** Sends a script to the instance; returns the command id. */
async function sendCommand(instanceId: string, script: StepScript, comment: string): Promise<string> {
  const { Command } = await ssm().send(new SendCommandCommand(sendCommandInput(instanceId, script, comment)));
  if (!Command?.CommandId) throw new Error('SendCommand returned no command id');
  return Command.CommandId;
}

/** The SendCommand request for a script. */
export function sendCommandInput(instanceId: string, script: StepScript, comment: string): SendCommandCommandInput {
  const logGroup = config.outputLogGroup();
  return {
    DocumentName: 'AWS-RunShellScript',
    InstanceIds: [instanceId],
    Parameters: {
      commands: script.commands,
      ...(script.workingDirectory ? { workingDirectory: [script.workingDirectory] } : {}),
      executionTimeout: [String(script.timeoutSeconds)],
    },
    TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
    Comment: comment.slice(0, MAX_COMMENT_LENGTH),
    ...(logGroup ? { CloudWatchOutputConfig: { CloudWatchLogGroupName: logGroup, CloudWatchOutputEnabled: true } } : {}),
  };
}
