/**
 * Steps "Start provisioning step", "Start test step" and "Start failure step": sends the current step of the
 * stage (see `step-stage.ts`) to its instance with SSM Run Command: shell and reboot steps with
 * AWS-RunShellScript, document steps with their own document, staged steps with the bakery's document. A
 * reboot step is a script that exits 194 once, which makes the SSM agent reboot the instance and run it
 * again. The full output goes to CloudWatch Logs.
 *
 * The task is idempotent: a retried call (e.g. after a timeout that hid a successful SendCommand) finds
 * the invocation already sent for this build and step on the instance, by its comment, and reuses it
 * instead of running the step a second time.
 *
 * Event: `BakeState` with the stage's progress (index < count). Returns: the state with the stage's
 * `commandId`, `stepStartedAt` and the poll loop that waits for the command.
 */
import { CommandInvocation, ListCommandInvocationsCommand, SendCommandCommand, SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { ssm, ssmSingleAttempt } from './shared/clients/ssm';
import * as config from './shared/config';
import { handleStep } from './shared/handle-step';
import { neverRan } from './shared/invocation-status';
import { LambdaContext, logger } from './shared/logger';
import { awaitingEvent, startPoll } from './shared/poll';
import { requireBuild } from './shared/state';
import { StepCommand, stepCommand } from './shared/step-command';
import { stepKind } from './shared/step-script';
import { activeStage, currentStep, PROVISION_STAGE, StepStage, stageInstanceId, stageProgress, withStageProgress } from './shared/step-stage';
import type { BakeState } from './shared/types';
import { STEP_GRACE_SECONDS } from '../src/recipe/timeouts';

/** Time SSM has to deliver the command to the agent (the run limit is the script's executionTimeout). */
export const DELIVERY_TIMEOUT_SECONDS = 600;


/** SSM accepts comments of at most 100 characters. */
const MAX_COMMENT_LENGTH = 100;

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('run-step', state.build?.buildId, context, () => runStep(state));

async function runStep(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'run-step');
  const stage = activeStage(state);
  const instanceId = stageInstanceId(state, stage, 'run-step');
  const progress = stageProgress(state, build, stage, 'run-step');
  const at = currentStep(build, stage, progress, 'run-step');
  const stepNumber = progress.index + 1;
  const command = stepCommand(build, at);
  const comment = stepComment(build.buildId, stepNumber, stage);
  const earlier = await findSentInvocation(instanceId, comment, command.documentName);
  let commandId: string;
  if (earlier) {
    commandId = earlier.CommandId!;
    logger.info('Reusing the command an earlier attempt already sent for this step', { stage: stage.list, step: stepNumber, commandId, status: earlier.Status });
  } else {
    logger.info('Sending step', { stage: stage.list, step: stepNumber, count: progress.count, kind: stepKind(at.step), document: command.documentName, instanceId });
    commandId = await sendCommand(instanceId, command, comment);
    logger.info('Sent step', { stage: stage.list, step: stepNumber, commandId });
  }
  return {
    ...withStageProgress(state, stage, { ...progress, commandId }),
    stepStartedAt: new Date().toISOString(),
    // An event ends the wait; the fallback checks are for an event that never comes.
    poll: awaitingEvent(startPoll({ loop: 'step', firstSeconds: 60, maxSeconds: 300, budgetSeconds: command.timeoutSeconds + STEP_GRACE_SECONDS })),
  };
}

/**
 * The comment that names a step's command: `cdk-ami-bakery <buildId> step <n>` (`test step <n>`, `failure step <n>`),
 * at most the 100 characters SSM accepts. A long build id is cut, never the step number, so every step of a build
 * keeps a distinct comment (the instance belongs to one build, so a cut build id still names the build).
 */
export function stepComment(buildId: string, stepNumber: number, stage: StepStage = PROVISION_STAGE): string {
  const prefix = 'cdk-ami-bakery ';
  const suffix = ` ${stage.noun} ${stepNumber}`;
  const room = Math.max(0, MAX_COMMENT_LENGTH - prefix.length - suffix.length);
  return `${prefix}${buildId.slice(0, room)}${suffix}`.slice(0, MAX_COMMENT_LENGTH);
}

/**
 * The newest invocation of `documentName` on the instance whose comment is exactly `comment` (so step 1 never
 * matches step 10), leaving out those whose script never started (undeliverable, delivery timed out, ...).
 */
export async function findSentInvocation(instanceId: string, comment: string, documentName: string): Promise<CommandInvocation | undefined> {
  const matches: CommandInvocation[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ssm().send(new ListCommandInvocationsCommand({
      InstanceId: instanceId,
      Filters: [{ key: 'DocumentName', value: documentName }],
      MaxResults: 50,
      NextToken: nextToken,
    }));
    matches.push(...(page.CommandInvocations ?? []).filter((invocation) => invocation.CommandId
      && invocation.Comment?.trim() === comment
      && (invocation.DocumentName === undefined || invocation.DocumentName === documentName)
      && !neverRan(invocation)));
    nextToken = page.NextToken;
  } while (nextToken);
  return matches.sort((a, b) => requestedAt(b) - requestedAt(a))[0];
}

function requestedAt(invocation: CommandInvocation): number {
  return invocation.RequestedDateTime ? new Date(invocation.RequestedDateTime).getTime() : 0;
}

/** Sends a step's command to the instance; returns the command id. */
async function sendCommand(instanceId: string, command: StepCommand, comment: string): Promise<string> {
  const { Command } = await ssmSingleAttempt().send(new SendCommandCommand(sendCommandInput(instanceId, command, comment)));
  if (!Command?.CommandId) throw new Error('SendCommand returned no command id');
  return Command.CommandId;
}

/** The SendCommand request for a step's command. */
export function sendCommandInput(instanceId: string, command: StepCommand, comment: string): SendCommandCommandInput {
  const logGroup = config.outputLogGroup();
  return {
    DocumentName: command.documentName,
    ...(command.documentVersion ? { DocumentVersion: command.documentVersion } : {}),
    InstanceIds: [instanceId],
    Parameters: command.parameters,
    TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
    Comment: comment.slice(0, MAX_COMMENT_LENGTH),
    ...(logGroup ? { CloudWatchOutputConfig: { CloudWatchLogGroupName: logGroup, CloudWatchOutputEnabled: true } } : {}),
  };
}
