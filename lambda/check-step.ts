/**
 * Steps "Check provisioning step", "Check test step" and "Check failure step": one check of the loop that
 * waits for the running step's command invocation to end, in the stage the state is in (`step-stage.ts`).
 *
 * Event: `BakeState` with the stage's `commandId`, `stepStartedAt` and `poll`. Returns: on Success the
 * state with the step's result recorded, the stage's `index` advanced and `poll.done`; while the
 * command runs, the next poll and (for a plain check, not one awaited with a token) `outputTail`, the latest
 * lines it wrote to the log group. Throws
 * `ProvisioningStepFailed` (`ImageTestFailed` for a test, with the exit code and the last 20 lines of output)
 * when the command ends otherwise, `StepTimedOut` when the budget is spent. An `onFailure` step that fails or
 * runs out of time is recorded, and the next one runs.
 */
import { GetCommandInvocationCommand, GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import { awaitedCheckHandler, CheckOptions } from './shared/awaited-check';
import { ssm } from './shared/clients/ssm';
import * as config from './shared/config';
import { BakeryError, ImageTestFailed, InvalidState, isAwsErrorNamed, ProvisioningStepFailed, StepTimedOut } from './shared/errors';
import { neverRan, statusDetailsOf, statusExplanation } from './shared/invocation-status';
import { liveOutputTail } from './shared/live-output';
import { logger } from './shared/logger';
import { outputPlugin } from './shared/output-streams';
import { inlineOutputTruncated, outputTail, TAIL_LINES } from './shared/output-tail';
import { secondsSince } from './shared/phases';
import { finishPoll, nextPoll, pollExpired } from './shared/poll';
import type { ProvisioningStep } from './shared/recipe-schema';
import { requireBuild, requirePoll } from './shared/state';
import { stepKind, stepLabel, validExitCodes } from './shared/step-script';
import { activeStage, currentStep, StepStage, stageInstanceId, stageProgress, stepOfCount, TEST_STAGE, withStageProgress } from './shared/step-stage';
import type { BakeState, PollState, ProvisionProgress, StepResult } from './shared/types';

/** Invocation statuses of a command that has not ended yet. */
export const RUNNING_STATUSES: readonly string[] = ['Pending', 'InProgress', 'Delayed', 'Cancelling'];

/** Most times one step is sent while SSM keeps ending it without running it (Undeliverable, DeliveryTimedOut, ...). */
export const MAX_SENDS = 3;

/** What the check learned: still running (no invocation yet counts), or ended with these details. */
type Invocation = Pick<GetCommandInvocationCommandOutput, 'Status' | 'StatusDetails' | 'ResponseCode' | 'StandardOutputContent' | 'StandardErrorContent'>;

export const handler = awaitedCheckHandler<BakeState>({
  step: 'check-step',
  keyOfState: (state) => {
    const stage = activeStage(state);
    const progress = stageProgress(state, requireBuild(state, 'check-step'), stage, 'check-step');
    return commandKey(progress.commandId, stageInstanceId(state, stage, 'check-step'));
  },
  keyOfEvent: (event) => commandKey(event.detail['command-id'], event.detail['instance-id']),
  check: checkStep,
});

/** The wait registry's key of one command invocation. */
function commandKey(commandId: unknown, instanceId: unknown): string {
  return `command/${String(commandId)}/${String(instanceId)}`;
}

async function checkStep(state: BakeState, options: CheckOptions): Promise<BakeState> {
  const build = requireBuild(state, 'check-step');
  const stage = activeStage(state);
  const progress = stageProgress(state, build, stage, 'check-step');
  const poll = requirePoll(state, 'check-step');
  const { step } = currentStep(build, stage, progress, 'check-step');
  if (!progress.commandId) throw new InvalidState(`check-step: no command running for ${stage.noun} ${progress.index + 1}`);
  const instanceId = stageInstanceId(state, stage, 'check-step');
  const invocation = await commandInvocation(progress.commandId, instanceId);
  const status = invocation.Status ?? 'Pending';
  const seconds = secondsSince(state.stepStartedAt ?? poll.startedAt);
  logger.info('Checked step', { stage: stage.list, step: progress.index + 1, commandId: progress.commandId, status, details: invocation.StatusDetails });
  const ended = (result: StepResult) => ({ ...withStageProgress(state, stage, recordResult(progress, result)), poll: finishPoll(poll) });
  if (endedWithValidExitCode(step, invocation)) return ended(resultOf(progress, step, 'Success', invocation.ResponseCode ?? 0, seconds));
  if (!RUNNING_STATUSES.includes(status)) {
    if (neverRan(invocation) && (progress.sends ?? 1) < MAX_SENDS) return sendAgain(state, stage, progress, poll, invocation);
    if (stage.bestEffort) return ended(resultOf(progress, step, status, invocation.ResponseCode ?? -1, seconds));
    throw await stepFailed(stage, progress, step, invocation, seconds, { instanceId, plugin: outputPlugin(step, build.platform) });
  }
  if (pollExpired(poll)) {
    if (stage.bestEffort) return ended(resultOf(progress, step, 'TimedOut', -1, seconds));
    throw new StepTimedOut(
      `${stepOfCount(stage, progress)} (${stepLabel(step)}) did not finish within ${poll.budgetSeconds} s ` +
      `(status ${status}, command ${progress.commandId}); raise its timeoutSeconds if it needs longer`,
    );
  }
  // An awaited check's running state is thrown away: only a plain check reads the output it would carry.
  const plugin = outputPlugin(step, build.platform);
  const latestLines = options.awaited ? undefined : await liveOutputTail(config.outputLogGroup(), progress.commandId, instanceId, plugin);
  return { ...withStageProgress(state, stage, { ...progress, ...(latestLines ? { outputTail: latestLines } : {}) }), poll: nextPoll(poll) };
}

/** The command's invocation on the instance; right after SendCommand SSM may not know it yet (Pending). */
async function commandInvocation(commandId: string, instanceId: string): Promise<Invocation> {
  try {
    return await ssm().send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
  } catch (error) {
    if (isAwsErrorNamed(error, 'InvocationDoesNotExist')) return { Status: 'Pending' };
    throw error;
  }
}

/**
 * True when the command ran to its end with an exit code the step accepts (`validExitCodes`, default [0]):
 * SSM says Success for 0 and Failed for any other code, and either may be what the step expects.
 */
function endedWithValidExitCode(step: ProvisioningStep, invocation: Invocation): boolean {
  if (invocation.Status !== 'Success' && invocation.Status !== 'Failed') return false;
  return validExitCodes(step).includes(invocation.ResponseCode ?? (invocation.Status === 'Success' ? 0 : -1));
}

function resultOf(progress: ProvisionProgress, step: ProvisioningStep, status: string, exitCode: number, seconds: number): StepResult {
  return { step: progress.index + 1, kind: stepKind(step), status, exitCode, seconds };
}

/**
 * The state that sends the step again: SSM ended its command without running the script, so another send still runs
 * it only once. The loop's Choice finds the step not done and starts it again (`run-step`).
 */
function sendAgain(state: BakeState, stage: StepStage, progress: ProvisionProgress, poll: PollState, invocation: Invocation): BakeState {
  const sends = (progress.sends ?? 1) + 1;
  logger.warn('SSM ended the step without running it; sending it again', {
    stage: stage.list, step: progress.index + 1, commandId: progress.commandId, details: statusDetailsOf(invocation), send: sends,
  });
  const { commandId: _neverRan, outputTail: _noOutput, ...rest } = progress;
  return { ...withStageProgress(state, stage, { ...rest, sends }), poll: finishPoll(poll) };
}

/** Progress after a step ended: its result recorded and the next step selected. */
function recordResult(progress: ProvisionProgress, result: StepResult): ProvisionProgress {
  const { outputTail: _finished, sends: _sent, ...rest } = progress;
  return { ...rest, index: progress.index + 1, results: [...progress.results, result] };
}

/** Says which exit codes the step accepts, when they are not just the usual 0. */
function exitCodeNote(step: ProvisioningStep): string {
  const valid = validExitCodes(step);
  return valid.length === 1 && valid[0] === 0 ? '' : `, which is not one of its validExitCodes [${valid.join(', ')}]`;
}

/** What the invocation's ending means, after a colon, when SSM's word for it needs explaining; and how often it was sent. */
function explained(invocation: Invocation, sends: number): string {
  const explanation = statusExplanation(invocation);
  const resent = sends > 1 && neverRan(invocation) ? `; SSM ended all ${sends} sends of it without running it` : '';
  return explanation ? `: ${explanation}${resent}` : resent;
}

/** Where the command's full output is streamed: its instance, and the plugin that names its streams. */
interface OutputSource {
  readonly instanceId: string;
  readonly plugin: string | undefined;
}

/**
 * The error for a step that ended without success, with the last lines of its output and where the full output
 * is. SSM keeps only the start of long output inline: then the last lines are read from the command-output log group.
 */
async function stepFailed(
  stage: StepStage, provision: ProvisionProgress, step: ProvisioningStep, invocation: Invocation, seconds: number, source: OutputSource,
): Promise<BakeryError> {
  const stdout = invocation.StandardOutputContent;
  const stderr = invocation.StandardErrorContent;
  const logGroup = config.outputLogGroup();
  const truncated = inlineOutputTruncated(stdout, stderr);
  const logged = truncated ? await liveOutputTail(logGroup, provision.commandId!, source.instanceId, source.plugin, TAIL_LINES) : undefined;
  const tail = logged?.length ? logged.join('\n') : outputTail(stdout, stderr);
  const notes = [
    truncated && !logged?.length ? 'SSM kept only the start of the output inline, so these lines may not be the last ones.' : '',
    logged?.length ? 'SSM kept only the start of the output inline; these lines are the last the command wrote to CloudWatch Logs.' : '',
    logGroup ? `The full output is in CloudWatch Logs group ${logGroup} (command ${provision.commandId}).` : '',
  ].filter((note) => note.length > 0);
  const Failure = stage === TEST_STAGE ? ImageTestFailed : ProvisioningStepFailed;
  return new Failure(
    `${stepOfCount(stage, provision)} (${stepLabel(step)}) ended ${invocation.Status} ` +
    `(${invocation.StatusDetails ?? invocation.Status}) with exit code ${invocation.ResponseCode ?? -1} after ${seconds} s` +
    `${exitCodeNote(step)}${explained(invocation, provision.sends ?? 1)}.\n` +
    `Last ${TAIL_LINES} lines of output:\n${tail || '(no output)'}` +
    (notes.length > 0 ? `\n${notes.join('\n')}` : ''),
  );
}
