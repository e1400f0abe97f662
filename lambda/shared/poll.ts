/**
 * Bounded poll loops. A handler never waits: it returns a `PollState` whose `seconds` a Wait state
 * waits before calling the check again. Each check either ends the loop (`done: true`), schedules
 * the next check with a longer wait (×1.5 unless the loop's schedule says, up to `maxSeconds`), or
 * finds the budget spent.
 */
import type { PollState } from './types';

/** How much the wait between two checks grows. */
const BACKOFF_FACTOR = 1.5;

/** The loops a bake waits in: for the SSM agent, a step, the instance to stop, the image, a copy. */
export type WaitLoop = 'agent' | 'step' | 'stop' | 'image' | 'copy';

/** How the checks of a loop are spaced. */
export interface WaitSchedule {
  /** Wait before the first check. */
  readonly firstSeconds: number;
  /** Longest wait between two checks. */
  readonly maxSeconds: number;
  /** How much the wait grows from one check to the next. @default 1.5 */
  readonly growth?: number;
  /** The wait after the first check, from which the waits grow. @default firstSeconds */
  readonly thenSeconds?: number;
  /** True when the check knows how far the work is (a copy's snapshots) and times the next check by it. @default false */
  readonly byProgress?: boolean;
}

export interface PollOptions extends WaitSchedule {
  /** The loop this poll waits in. */
  readonly loop: WaitLoop;
  /** Time from the start after which the loop gives up. */
  readonly budgetSeconds: number;
}

/** Another spacing of the checks for every loop, in place of the handlers' own; see `overrideWaitSchedules`. */
export type WaitScheduleOverride = (loop: WaitLoop, own: WaitSchedule) => WaitSchedule;

let scheduleOverride: WaitScheduleOverride | undefined;

/**
 * Spaces the checks of every loop started from now on as `override` says, until the returned function is called.
 * The simulator's benchmark uses it to run the same bakes under another waiter policy (Packer's); handlers never do.
 */
export function overrideWaitSchedules(override: WaitScheduleOverride): () => void {
  scheduleOverride = override;
  return () => {
    if (scheduleOverride === override) scheduleOverride = undefined;
  };
}

/**
 * Most checks one loop may make. Each Wait → check → Choice round adds about nine events to the
 * execution history, which Step Functions caps at 25,000 for the whole bake.
 */
export const MAX_CHECKS_PER_LOOP = 600;

/** Starts a loop now. A long budget stretches the longest wait so the loop stays within its checks. */
export function startPoll(options: PollOptions): PollState {
  const schedule = scheduleOverride?.(options.loop, options) ?? options;
  return {
    seconds: Math.max(1, Math.ceil(schedule.firstSeconds)),
    startedAt: new Date().toISOString(),
    budgetSeconds: options.budgetSeconds,
    maxSeconds: Math.max(schedule.maxSeconds, Math.ceil(options.budgetSeconds / MAX_CHECKS_PER_LOOP)),
    ...(schedule.growth !== undefined && schedule.growth !== BACKOFF_FACTOR ? { growth: schedule.growth } : {}),
    ...(schedule.thenSeconds !== undefined ? { thenSeconds: Math.max(1, Math.ceil(schedule.thenSeconds)) } : {}),
    ...(schedule.byProgress ? { byProgress: true } : {}),
    done: false,
    attempts: 0,
  };
}

/** Seconds since the loop started. */
export function pollElapsedSeconds(poll: PollState): number {
  return (Date.now() - Date.parse(poll.startedAt)) / 1000;
}

/** True when the loop's budget is spent. */
export function pollExpired(poll: PollState): boolean {
  return pollElapsedSeconds(poll) >= poll.budgetSeconds;
}

/**
 * The next check of a loop whose condition does not hold yet: the wait grows (×1.5 unless the loop's schedule says)
 * up to `maxSeconds`, and never runs past the end of the budget (so the last check happens on time).
 */
export function nextPoll(poll: PollState): PollState {
  const grown = nextSpacing(poll);
  const remaining = Math.ceil(poll.budgetSeconds - pollElapsedSeconds(poll));
  return { ...poll, seconds: Math.max(1, Math.min(grown, remaining)), attempts: poll.attempts + 1, done: false };
}

/** The shortest wait a check timed by progress chooses: near the end, it checks this often. */
const MIN_PROGRESS_SECONDS = 3;

/** The share of the estimated time left a check timed by progress waits, so it lands just before the end, not after. */
const PROGRESS_SHARE = 0.7;

/** How long the progress may stay where it is before the checks timed by it back off (snapshots can sit at 99% for minutes). */
export const PROGRESS_STALL_SECONDS = 30;

/**
 * The next check of a loop whose work reports progress (`percent` done, from 0 to 100): most of the time the work
 * needs still, estimated from how fast it went so far, at least 3 s. Without progress yet, or for a loop whose
 * schedule does not time checks by progress, the usual `nextPoll`; and once the work has stayed at one percentage for
 * `PROGRESS_STALL_SECONDS` (snapshots can sit at 99% for minutes), the usual growth from the last wait.
 */
export function nextPollByProgress(poll: PollState, percent: number | undefined): PollState {
  if (!poll.byProgress || percent === undefined || percent <= 0 || percent >= 100) return nextPoll(poll);
  const unchanged = poll.percent === percent && poll.percentSince !== undefined;
  const percentSince = unchanged ? poll.percentSince! : new Date().toISOString();
  if (unchanged && (Date.now() - Date.parse(percentSince)) / 1000 >= PROGRESS_STALL_SECONDS) return nextPoll(poll);
  return { ...estimatedByProgress(poll, percent), percent, percentSince };
}

function estimatedByProgress(poll: PollState, percent: number): PollState {
  const elapsed = pollElapsedSeconds(poll);
  const left = (elapsed * (100 - percent)) / percent;
  const seconds = Math.min(poll.maxSeconds, Math.max(MIN_PROGRESS_SECONDS, Math.ceil(left * PROGRESS_SHARE)));
  const remaining = Math.ceil(poll.budgetSeconds - elapsed);
  return { ...poll, seconds: Math.max(1, Math.min(seconds, remaining)), attempts: poll.attempts + 1, done: false };
}

/** Ends a loop: its condition holds. A finished wait keeps no fallback schedule. */
export function finishPoll(poll: PollState): PollState {
  const { schedule: _schedule, fallback: _fallback, ...rest } = poll;
  return { ...rest, done: true, attempts: poll.attempts + 1 };
}

/**
 * A wait that an event ends (`awaited-check.ts`): the loop's checks become fallbacks, made only when the event has
 * not come. Their spacing is the loop's own, written out until the budget is spent (the last one cut to land on its
 * end), plus two to spare, so the workflow can take each next timeout with `States.ArrayGetItem` (the check ends the
 * wait once the budget is spent).
 */
export function awaitingEvent(poll: PollState): PollState {
  const schedule: number[] = [];
  let spacing = poll;
  let total = 0;
  while (total < poll.budgetSeconds && schedule.length < MAX_CHECKS_PER_LOOP) {
    const seconds = Math.min(spacing.seconds, Math.ceil(poll.budgetSeconds - total));
    schedule.push(seconds);
    total += seconds;
    spacing = { ...spacing, seconds: nextSpacing(spacing), attempts: spacing.attempts + 1 };
  }
  // Out of checks before the budget is spent (a schedule that does not grow): the last one waits for the rest.
  if (total < poll.budgetSeconds) schedule.push(Math.ceil(poll.budgetSeconds - total));
  const spare = Math.max(schedule.at(-1) ?? 0, spacing.seconds);
  schedule.push(spare, spare);
  return { ...poll, schedule, fallback: { round: 0, seconds: schedule[0] } };
}

function nextSpacing(poll: PollState): number {
  if (poll.attempts === 0 && poll.thenSeconds !== undefined) return poll.thenSeconds;
  return Math.min(poll.maxSeconds, Math.ceil(poll.seconds * (poll.growth ?? BACKOFF_FACTOR)));
}
