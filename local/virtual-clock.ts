/**
 * The simulator's virtual clock. While a bake runs, `Date` and the timer functions are faked, so Wait
 * states, retry intervals and the simulated account's latencies all pass in virtual time: a bake that takes
 * six simulated minutes runs in about a second.
 *
 * Time only moves when nothing else can happen: the driver lets every pending promise settle, then jumps to
 * the next timer. Everything a bake runs is in-process and in-memory, so this is exact, not approximate.
 *
 * Runs started while another is in flight share its clock: the first run installs it, later ones join it
 * (one that starts later in virtual time waits for the clock to get there), the driver advances time while any
 * run is pending, and the last run to settle uninstalls the clock before its caller continues.
 */
import FakeTimers from '@sinonjs/fake-timers';

type InstalledClock = ReturnType<ReturnType<typeof FakeTimers.withGlobal>['install']>;

const realSetImmediate = setImmediate;

/** Turns of the event loop with nothing scheduled after which a run counts as stalled (waiting on something unreal). */
const STALL_LIMIT = 10_000;

/** The installed clock and the runs on it. */
interface SharedClock {
  readonly clock: InstalledClock;
  /** Runs not yet settled. */
  active: number;
  /** Set once the last run settled and the clock was uninstalled. */
  uninstalled: boolean;
  /** Rejects when the driver finds every run waiting on something no simulated timer will complete. */
  readonly stalled: Promise<never>;
}

let current: SharedClock | undefined;

/**
 * Runs `work` on the virtual clock, starting at `startMs` (or at the shared clock's time, when another run already
 * took it past that); returns its result and how much virtual time passed from this run's own start.
 */
export async function runOnVirtualClock<T>(startMs: number, work: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const shared = current ?? install(startMs);
  shared.active++;
  try {
    const running = runFrom(shared.clock, startMs, work);
    return await Promise.race([running, shared.stalled]);
  } finally {
    release(shared);
  }
}


function install(startMs: number): SharedClock {
  const clock = FakeTimers.withGlobal(globalThis).install({
    now: startMs,
    toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    shouldClearNativeTimers: false,
  });
  roundDelaysUp();
  let reject: (error: Error) => void = () => undefined;
  const stalled = new Promise<never>((_, fail) => { reject = fail; });
  stalled.catch(() => undefined);
  const shared: SharedClock = { clock, active: 0, uninstalled: false, stalled };
  current = shared;
  void drive(shared).catch((error: Error) => reject(error));
  return shared;
}

/**
 * Node runs a timer no sooner than its delay in whole milliseconds, so a fractional delay rounds up (and one below a
 * millisecond takes one); the fake timers round down, so a loop that waits a fraction of a millisecond (the SDK's
 * adaptive rate limiter does) would never move the clock. The clock's uninstall puts the real functions back.
 */
function roundDelaysUp(): void {
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const fake = globalThis[name] as (handler: unknown, delay?: number, ...args: unknown[]) => unknown;
    const rounded = (handler: unknown, delay?: number, ...args: unknown[]) => fake(handler, wholeMilliseconds(delay), ...args);
    globalThis[name] = Object.assign(rounded, fake) as unknown as typeof setTimeout & typeof setInterval;
  }
}

function wholeMilliseconds(delay: number | undefined): number | undefined {
  return typeof delay === 'number' && delay > 0 && !Number.isInteger(delay) ? Math.ceil(delay) : delay;
}

/** Waits (in virtual time) until `startMs`, then runs the work and measures it. */
async function runFrom<T>(clock: InstalledClock, startMs: number, work: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  if (startMs > clock.now) await new Promise((resolve) => setTimeout(resolve, startMs - clock.now));
  const begin = clock.now;
  const result = await work();
  return { result, elapsedMs: clock.now - begin };
}

/** Settles one run: the last one uninstalls the clock. */
function release(shared: SharedClock): void {
  shared.active--;
  if (shared.active > 0 || shared.uninstalled) return;
  shared.uninstalled = true;
  shared.clock.uninstall();
  if (current === shared) current = undefined;
}

/** Advances the clock to the next timer whenever nothing else can happen, until the last run settles. */
async function drive(shared: SharedClock): Promise<void> {
  let idleTurns = 0;
  for (;;) {
    await new Promise<void>((resolve) => realSetImmediate(resolve));
    if (shared.uninstalled) return;
    if (shared.clock.countTimers() > 0) {
      shared.clock.next();
      idleTurns = 0;
    } else if (++idleTurns > STALL_LIMIT) {
      throw new Error('simulation stalled: the bake is waiting on something that no simulated timer will complete');
    }
  }
}
