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
  const grown = Math.min(poll.maxSeconds, Math.ceil(poll.seconds * (poll.growth ?? BACKOFF_FACTOR)));
  const remaining = Math.ceil(poll.budgetSeconds - pollElapsedSeconds(poll));
  return { ...poll, seconds: Math.max(1, Math.min(grown, remaining)), attempts: poll.attempts + 1, done: false };
}

/** Ends a loop: its condition holds. */
export function finishPoll(poll: PollState): PollState {
  return { ...poll, done: true, attempts: poll.attempts + 1 };
}
