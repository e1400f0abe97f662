/**
 * How SSM ends a command invocation other than by its script's exit code, as the `step:<n>:<ending>` fault rules
 * ask, with the Status / StatusDetails pairs GetCommandInvocation reports
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitor-commands.html):
 *
 * - `delivery-timeout`: the agent never picked the command up: `TimedOut` / `DeliveryTimedOut` when the delivery
 *   timeout (SendCommand's `TimeoutSeconds`) has passed;
 * - `undeliverable`: `Failed` / `Undeliverable`, at the delivery attempt;
 * - `invalid-platform`: `Failed` / `InvalidPlatform`, at the delivery attempt;
 * - `access-denied`: `Failed` / `AccessDenied`, at the delivery attempt;
 * - `cancelled`: the script had started and was cancelled: `Cancelled` / `Cancelled`;
 * - `terminated`: the script had started and SSM stopped it: `Cancelled` / `Terminated`;
 * - `delayed`: SSM could not reach the agent at first: `Delayed` / `Delayed` for a while, then it runs normally.
 *
 * Endings that never ran the script leave no runs and no output; the cancelled ones end a run without an exit code.
 */
import type { CommandEnding } from '../faults';
import type { OperationContext } from './context';
import type { InvocationRecord } from './records';
import type { Range } from './timings';

/** The ending a rule asks for, with the rule's text. */
export interface CommandEndingRule {
  readonly ending: CommandEnding;
  readonly text: string;
}

/** How long SSM reports `Delayed` before it reaches the agent. */
const DELAYED_MS: Range = [60_000, 180_000];

/** How long a cancelled or terminated script ran before SSM stopped it. */
const STOPPED_AFTER_MS: Range = [5_000, 15_000];

/** The Status and StatusDetails of the endings that happen at the delivery attempt, before the script runs. */
const AT_DELIVERY: Partial<Record<CommandEnding, { status: InvocationRecord['status']; details: string }>> = {
  'undeliverable': { status: 'Failed', details: 'Undeliverable' },
  'invalid-platform': { status: 'Failed', details: 'InvalidPlatform' },
  'access-denied': { status: 'Failed', details: 'AccessDenied' },
};

/** The Status and StatusDetails of the endings that stop a script that has started. */
const WHILE_RUNNING: Partial<Record<CommandEnding, { status: InvocationRecord['status']; details: string }>> = {
  cancelled: { status: 'Cancelled', details: 'Cancelled' },
  terminated: { status: 'Cancelled', details: 'Terminated' },
};

/** The part of an invocation record an ending decides. */
export type EndingOutcome = Pick<InvocationRecord, 'startAt' | 'endAt' | 'runs' | 'output' | 'status' | 'statusDetails' | 'responseCode'>;

/**
 * The invocation as SSM ends it when the agent would start it at `startAt`, or undefined for the endings that
 * let the script run (`delayed`, and `delivery-timeout`, which the delivery planning handles).
 */
export function endedBySsm(ctx: OperationContext, rule: CommandEndingRule, startAt: number): EndingOutcome | undefined {
  const atDelivery = AT_DELIVERY[rule.ending];
  if (atDelivery) {
    return { startAt, endAt: startAt, runs: [], output: [], status: atDelivery.status, statusDetails: atDelivery.details, responseCode: -1 };
  }
  const whileRunning = WHILE_RUNNING[rule.ending];
  if (!whileRunning) return undefined;
  const endAt = startAt + ctx.pick(STOPPED_AFTER_MS);
  return {
    startAt,
    endAt,
    runs: [{ start: startAt, end: endAt, exitCode: -1 }],
    output: [],
    status: whileRunning.status,
    statusDetails: whileRunning.details,
    responseCode: -1,
  };
}

/** When a `delayed` command stops being Delayed, and when the agent then starts it. */
export function delayedDelivery(ctx: OperationContext): { readonly until: number; readonly startAt: number } {
  const until = ctx.now + ctx.pick(DELAYED_MS);
  return { until, startAt: until + ctx.pick(ctx.timings.invocationStartMs) };
}
