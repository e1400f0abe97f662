/**
 * Checks that Step Functions holds with a task token (`.waitForTaskToken`), so a wait ends when EC2 or SSM says
 * the change happened instead of at the next poll.
 *
 * The "Await …" task invokes the check with the state and a token. The check registers the token under the key
 * of what it waits for (a command invocation, an instance, an image) in the wait registry, then checks once: when
 * the wait is over it sends the new state with `SendTaskSuccess` itself. Otherwise it returns, and the task waits.
 * An EventBridge rule invokes the same function with EC2's or SSM's event; it finds the registered token by the
 * event's key, checks again from the registered state, and sends the outcome. Registering before checking means an
 * event that comes while the first check runs still finds the token. The waking events all say the change happened,
 * but EC2's and SSM's APIs may show it a few seconds later: a check that does not see it yet looks again after 1, 2
 * and 4 s before leaving the wait to its fallback.
 *
 * The task's timeout (`poll.fallback.seconds`, growing along `poll.schedule`) is the fallback: when no event came
 * (EventBridge delivers best effort), the workflow calls the check again. A check that fails sends the error with
 * `SendTaskFailure`, so Retry and Catch see its name as for any other task. A check whose state moved on to
 * something else to wait for (a step sent again gets a new command) ends the task too, not done, and the workflow
 * awaits the new key.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { s3 } from './clients/s3';
import { sfn } from './clients/sfn';
import { requiredEnv } from './config';
import { describeError, isAwsErrorNamed, toTransient } from './errors';
import { handleStep } from './handle-step';
import { LambdaContext, logger } from './logger';
import type { PollState } from './types';
import type { StepName } from '../../src/contract';
import { BAKERY_ENV } from '../../src/contract';

/** What the "Await …" task sends. */
export interface AwaitRequest<S> {
  readonly state: S;
  readonly taskToken: string;
}

/** An EventBridge event from EC2 or SSM, as a rule delivers it. */
export interface WaitEvent {
  readonly 'source': string;
  readonly 'detail-type': string;
  readonly 'detail': Record<string, unknown>;
}

/** What a check waits for, and how it checks. */
export interface AwaitedCheck<S extends { readonly poll?: PollState; readonly build?: { readonly buildId: string } }> {
  readonly step: StepName;
  /** The key of what the state waits for. */
  keyOfState(state: S): string;
  /** The key of what the event is about; undefined when the event says nothing the check waits for. */
  keyOfEvent(event: WaitEvent): string | undefined;
  /** One check: `poll.done` once the wait is over, else the state to go on waiting with. */
  check(state: S, options: CheckOptions): Promise<S>;
}

export interface CheckOptions {
  /**
   * True when the check runs for a task that waits with a token: a state that is not done is thrown away (the task
   * goes on waiting), so the check need not fill it in (a step's live output, for instance).
   */
  readonly awaited: boolean;
}

interface Registration<S> {
  readonly taskToken: string;
  readonly state: S;
}

/** Waits before looking again when an event says the change happened and the check does not see it yet. */
export const EVENT_RECHECK_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000];

/** Answers of SendTask* for a token whose task already ended (it timed out, or another check sent it). */
const ENDED_TASK_ERRORS = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'];

/** An awaited check's handler: the new state for a plain check, nothing for the "Await …" task or an event. */
export interface AwaitedCheckHandler<S> {
  (state: S, context?: LambdaContext): Promise<S>;
  (input: AwaitRequest<S> | WaitEvent, context?: LambdaContext): Promise<void>;
}

/** The handler of an awaited check: for the "Await …" task, an EventBridge event, or (without a token) one plain check. */
export function awaitedCheckHandler<S extends { readonly poll?: PollState; readonly build?: { readonly buildId: string } }>(
  spec: AwaitedCheck<S>,
): AwaitedCheckHandler<S> {
  return (async (input: S | AwaitRequest<S> | WaitEvent, context?: LambdaContext): Promise<S | void> => {
    if (isWaitEvent(input)) return handleStep(spec.step, undefined, context, () => resumeOnEvent(spec, input));
    if (isAwaitRequest<S>(input)) return handleStep(spec.step, input.state.build?.buildId, context, () => awaitWithToken(spec, input));
    return handleStep(spec.step, input.build?.buildId, context, () => spec.check(input, { awaited: false }));
  }) as AwaitedCheckHandler<S>;
}

function isWaitEvent(input: unknown): input is WaitEvent {
  return typeof input === 'object' && input !== null && 'detail-type' in input;
}

function isAwaitRequest<S>(input: unknown): input is AwaitRequest<S> {
  return typeof input === 'object' && input !== null && typeof (input as { taskToken?: unknown }).taskToken === 'string';
}

async function awaitWithToken<S extends { readonly poll?: PollState; readonly build?: { readonly buildId: string } }>(
  spec: AwaitedCheck<S>, request: AwaitRequest<S>,
): Promise<void> {
  const key = spec.keyOfState(request.state);
  await register(key, { taskToken: request.taskToken, state: request.state });
  await checkAndSend(spec, key, request);
}

async function resumeOnEvent<S extends { readonly poll?: PollState; readonly build?: { readonly buildId: string } }>(
  spec: AwaitedCheck<S>, event: WaitEvent,
): Promise<void> {
  const key = spec.keyOfEvent(event);
  const registration = key ? await registered<S>(key) : undefined;
  if (!key || !registration) {
    logger.info('No bake waits for this event', { detailType: event['detail-type'], key });
    return;
  }
  if (registration.state.build) logger.appendPersistentKeys({ buildId: registration.state.build.buildId });
  const request = { taskToken: registration.taskToken, state: registration.state };
  for (const delay of [0, ...EVENT_RECHECK_DELAYS_MS]) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (await checkAndSend(spec, key, request)) return;
  }
  logger.warn('The event says the wait is over, but the check does not see it yet; the fallback check will', { key });
}

/**
 * Checks once and, when the task should end, sends its outcome and forgets the registration. True when the task
 * ended (this check's outcome or an earlier one), false while the wait goes on.
 */
async function checkAndSend<S extends { readonly poll?: PollState; readonly build?: { readonly buildId: string } }>(
  spec: AwaitedCheck<S>, key: string, { state, taskToken }: AwaitRequest<S>,
): Promise<boolean> {
  let outcome: SendTaskSuccessCommand | SendTaskFailureCommand;
  try {
    const result = await spec.check(state, { awaited: true });
    if (!result.poll?.done && spec.keyOfState(result) === key) return false;
    outcome = new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(result) });
  } catch (error) {
    const thrown = toTransient(error);
    logger.error(`${spec.step} failed: ${describeError(thrown)}`);
    outcome = new SendTaskFailureCommand({ taskToken, ...failureOf(thrown) });
  }
  // A token whose task already ended may have been replaced by the next fallback check's: that registration stays.
  if (await sendOutcome(outcome)) await unregister(key);
  return true;
}

/** Sends the task's outcome; false when its task had already ended. */
async function sendOutcome(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<boolean> {
  try {
    await sfn().send(command as SendTaskSuccessCommand);
    return true;
  } catch (error) {
    if (!isAwsErrorNamed(error, ...ENDED_TASK_ERRORS)) throw error;
    logger.info('The wait had already ended', { error: (error as Error).name });
    return false;
  }
}

/** SendTaskFailure's error and cause, within its limits (256 and 32,768 characters). */
function failureOf(error: unknown): { error: string; cause: string } {
  const err = error instanceof Error ? error : new Error(String(error));
  return { error: err.name.slice(0, 256), cause: err.message.slice(0, 32_768) };
}

/** The registry's bucket and key prefix, from `s3://<bucket>/<prefix>`. */
function registry(): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(requiredEnv(BAKERY_ENV.waitRegistry));
  if (!match) throw new Error(`${BAKERY_ENV.waitRegistry} must be s3://<bucket>/<prefix>`);
  return { bucket: match[1], prefix: match[2] };
}

async function register<S>(key: string, registration: Registration<S>): Promise<void> {
  const { bucket, prefix } = registry();
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${key}.json`, Body: JSON.stringify(registration), ContentType: 'application/json' }));
}

async function registered<S>(key: string): Promise<Registration<S> | undefined> {
  const { bucket, prefix } = registry();
  try {
    const object = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}.json` }));
    return JSON.parse(await object.Body!.transformToString()) as Registration<S>;
  } catch (error) {
    // Without s3:ListBucket, S3 answers a key that is not there with AccessDenied rather than NoSuchKey.
    if (isAwsErrorNamed(error, 'NoSuchKey', 'AccessDenied')) return undefined;
    throw error;
  }
}

/** Forgets a registration once its task has its outcome; best effort: one left behind expires with the bucket's lifecycle rule. */
async function unregister(key: string): Promise<void> {
  const { bucket, prefix } = registry();
  try {
    await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: `${prefix}${key}.json` }));
  } catch (error) {
    logger.warn('Could not remove the wait\'s registration; it expires within a day', { key, error: describeError(error) });
  }
}
