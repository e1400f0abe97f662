/**
 * Step "Start provisioning step": sends the current recipe step to the build instance with SSM Run
 * Command (AWS-RunShellScript). A reboot step is a script that exits 194 once, which makes the SSM
 * agent reboot the instance and run it again. The full output goes to CloudWatch Logs.
 *
 * The task is idempotent: a retried call (e.g. after a timeout that hid a successful SendCommand) finds
 * the invocation already sent for this build and step on the instance, by its comment, and reuses it
 * instead of running the step a second time.
 *
 * Event: `BakeState` with `provision` (index < count). Returns: the state with
 * `provision.commandId`, `stepStartedAt` and the poll loop that waits for the command.
 */
import { CommandInvocation, ListCommandInvocationsCommand, SendCommandCommand, SendCommandCommandInput } from '@aws-sdk/client-ssm';
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

/** The document every step runs with. */
const DOCUMENT_NAME = 'AWS-RunShellScript';

/** Invocation status details meaning the script never started, so sending it again still runs it only once. */
const NEVER_RAN = ['Delivery Timed Out', 'Undeliverable'];

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
  const comment = stepComment(build.buildId, stepNumber);
  const earlier = await findSentInvocation(instanceId, comment);
  let commandId: string;
  if (earlier) {
    commandId = earlier.CommandId!;
    logger.info('Reusing the command an earlier attempt already sent for this step', { step: stepNumber, commandId, status: earlier.Status });
  } else {
    logger.info('Sending provisioning step', { step: stepNumber, count: provision.count, kind: stepKind(step), instanceId });
    commandId = await sendCommand(instanceId, script, comment);
    logger.info('Sent provisioning step', { step: stepNumber, commandId });
  }
  return {
    ...state,
    provision: { ...provision, commandId },
    stepStartedAt: new Date().toISOString(),
    poll: startPoll({ firstSeconds: 5, maxSeconds: 30, budgetSeconds: script.timeoutSeconds + STEP_GRACE_SECONDS }),
  };
}

/**
 * The comment that names a step's command: `cdk-ami-bakery <buildId> step <n>`, at most the 100 characters
 * SSM accepts. A long build id is cut, never the step number, so every step of a build keeps a distinct
 * comment (the instance belongs to one build, so a cut build id still names the build).
 */
export function stepComment(buildId: string, stepNumber: number): string {
  const prefix = 'cdk-ami-bakery ';
  const suffix = ` step ${stepNumber}`;
  const room = Math.max(0, MAX_COMMENT_LENGTH - prefix.length - suffix.length);
  return `${prefix}${buildId.slice(0, room)}${suffix}`.slice(0, MAX_COMMENT_LENGTH);
}

/**
 * The newest AWS-RunShellScript invocation on the instance whose comment is exactly `comment` (so step 1
 * never matches step 10), leaving out those whose script never started (undeliverable, delivery timed out).
 */
export async function findSentInvocation(instanceId: string, comment: string): Promise<CommandInvocation | undefined> {
  const matches: CommandInvocation[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ssm().send(new ListCommandInvocationsCommand({
      InstanceId: instanceId,
      Filters: [{ key: 'DocumentName', value: DOCUMENT_NAME }],
      MaxResults: 50,
      NextToken: nextToken,
    }));
    matches.push(...(page.CommandInvocations ?? []).filter((invocation) => invocation.CommandId
      && invocation.Comment?.trim() === comment
      && (invocation.DocumentName === undefined || invocation.DocumentName === DOCUMENT_NAME)
      && !NEVER_RAN.includes(invocation.StatusDetails ?? '')
      && !NEVER_RAN.includes(invocation.Status ?? '')));
    nextToken = page.NextToken;
  } while (nextToken);
  return matches.sort((a, b) => requestedAt(b) - requestedAt(a))[0];
}

function requestedAt(invocation: CommandInvocation): number {
  return invocation.RequestedDateTime ? new Date(invocation.RequestedDateTime).getTime() : 0;
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
    DocumentName: DOCUMENT_NAME,
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
