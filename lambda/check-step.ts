/**
 * Step "Check provisioning step": one check of the loop that waits for the running step's command
 * invocation to end.
 *
 * Event: `BakeState` with `provision.commandId`, `stepStartedAt` and `poll`. Returns: on Success the
 * state with the step's result recorded, `provision.index` advanced and `poll.done`; while the
 * command runs, the next poll and `provision.outputTail`, the latest lines it wrote to the log group. Throws `ProvisioningStepFailed` (with the exit code and the last 20
 * lines of output) when the command ends otherwise, `StepTimedOut` when the budget is spent.
 */
import { GetCommandInvocationCommand, GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import { ssm } from './shared/clients';
import * as config from './shared/config';
import { InvalidState, isAwsErrorNamed, ProvisioningStepFailed, StepTimedOut } from './shared/errors';
import { handleStep } from './shared/handle-step';
import { liveOutputTail } from './shared/live-output';
import { LambdaContext, logger } from './shared/logger';
import { outputPlugin } from './shared/output-streams';
import { inlineOutputTruncated, outputTail, TAIL_LINES } from './shared/output-tail';
import { secondsSince } from './shared/phases';
import { finishPoll, nextPoll, pollExpired } from './shared/poll';
import type { ProvisioningStep } from './shared/recipe-schema';
import { requireBuild, requireInstanceId, requirePoll, requireProvision } from './shared/state';
import { stepKind, stepLabel, validExitCodes } from './shared/step-script';
import type { BakeState, ProvisionProgress } from './shared/types';

/** Invocation statuses of a command that has not ended yet. */
export const RUNNING_STATUSES: readonly string[] = ['Pending', 'InProgress', 'Delayed', 'Cancelling'];

/** What the check learned: still running (no invocation yet counts), or ended with these details. */
type Invocation = Pick<GetCommandInvocationCommandOutput, 'Status' | 'StatusDetails' | 'ResponseCode' | 'StandardOutputContent' | 'StandardErrorContent'>;

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('check-step', state.build?.buildId, context, () => checkStep(state));

async function checkStep(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'check-step');
  const provision = requireProvision(state, 'check-step');
  const poll = requirePoll(state, 'check-step');
  const step = build.recipe.steps[provision.index];
  if (!step || !provision.commandId) throw new InvalidState(`check-step: no command running for step ${provision.index + 1}`);
  const invocation = await commandInvocation(provision.commandId, requireInstanceId(state, 'check-step'));
  const status = invocation.Status ?? 'Pending';
  const seconds = secondsSince(state.stepStartedAt ?? poll.startedAt);
  logger.info('Checked provisioning step', { step: provision.index + 1, commandId: provision.commandId, status, details: invocation.StatusDetails });
  if (endedWithValidExitCode(step, invocation)) {
    return { ...state, provision: recordSuccess(provision, step, invocation, seconds), poll: finishPoll(poll) };
  }
  if (!RUNNING_STATUSES.includes(status)) throw stepFailed(provision, step, invocation, seconds);
  if (pollExpired(poll)) {
    throw new StepTimedOut(
      `step ${provision.index + 1} of ${provision.count} (${stepLabel(step)}) did not finish within ${poll.budgetSeconds} s ` +
      `(status ${status}, command ${provision.commandId}); raise its timeoutSeconds if it needs longer`,
    );
  }
  const latestLines = await liveOutputTail(config.outputLogGroup(), provision.commandId, requireInstanceId(state, 'check-step'), outputPlugin(step));
  return { ...state, provision: { ...provision, ...(latestLines ? { outputTail: latestLines } : {}) }, poll: nextPoll(poll) };
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

/** Progress after a successful step: its result recorded and the next step selected. */
function recordSuccess(provision: ProvisionProgress, step: ProvisioningStep, invocation: Invocation, seconds: number): ProvisionProgress {
  const result = { step: provision.index + 1, kind: stepKind(step), status: 'Success', exitCode: invocation.ResponseCode ?? 0, seconds };
  const { outputTail: _finished, ...rest } = provision;
  return { ...rest, index: provision.index + 1, results: [...provision.results, result] };
}

/** Says which exit codes the step accepts, when they are not just the usual 0. */
function exitCodeNote(step: ProvisioningStep): string {
  const valid = validExitCodes(step);
  return valid.length === 1 && valid[0] === 0 ? '' : `, which is not one of its validExitCodes [${valid.join(', ')}]`;
}

/** The error for a step that ended without success, with its output tail and where the full output is. */
function stepFailed(provision: ProvisionProgress, step: ProvisioningStep, invocation: Invocation, seconds: number): ProvisioningStepFailed {
  const stdout = invocation.StandardOutputContent;
  const stderr = invocation.StandardErrorContent;
  const logGroup = config.outputLogGroup();
  const notes = [
    inlineOutputTruncated(stdout, stderr) ? 'SSM kept only the start of the output inline, so these lines may not be the last ones.' : '',
    logGroup ? `The full output is in CloudWatch Logs group ${logGroup} (command ${provision.commandId}).` : '',
  ].filter((note) => note.length > 0);
  return new ProvisioningStepFailed(
    `step ${provision.index + 1} of ${provision.count} (${stepLabel(step)}) ended ${invocation.Status} ` +
    `(${invocation.StatusDetails ?? invocation.Status}) with exit code ${invocation.ResponseCode ?? -1} after ${seconds} s` +
    `${exitCodeNote(step)}.\n` +
    `Last ${TAIL_LINES} lines of output:\n${outputTail(stdout, stderr) || '(no output)'}` +
    (notes.length > 0 ? `\n${notes.join('\n')}` : ''),
  );
}
