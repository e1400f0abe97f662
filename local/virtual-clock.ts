/**
 * The simulator's virtual clock. While a bake runs, `Date` and the timer functions are faked, so Wait
 * states, retry intervals and the simulated account's latencies all pass in virtual time: a bake that takes
 * six simulated minutes runs in about a second.
 *
 * Time only moves when nothing else can happen: the driver lets every pending promise settle, then jumps to
 * the next timer. Everything a bake runs is in-process and in-memory, so this is exact, not approximate.
 */
import FakeTimers from '@sinonjs/fake-timers';

const realSetImmediate = setImmediate;

/** Turns of the event loop with nothing scheduled after which a run counts as stalled (waiting on something unreal). */
const STALL_LIMIT = 10_000;

/** Runs `work` with faked time starting at `startMs`; returns its result and how much virtual time passed. */
export async function runOnVirtualClock<T>(startMs: number, work: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const clock = FakeTimers.withGlobal(globalThis).install({
    now: startMs,
    toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    shouldClearNativeTimers: false,
  });
  let settled = false;
  const running = work().finally(() => { settled = true; });
  running.catch(() => undefined);
  try {
    let idleTurns = 0;
    while (!settled) {
      await new Promise<void>((resolve) => realSetImmediate(resolve));
      if (settled) break;
      if (clock.countTimers() > 0) {
        clock.next();
        idleTurns = 0;
      } else if (++idleTurns > STALL_LIMIT) {
        throw new Error('simulation stalled: the bake is waiting on something that no simulated timer will complete');
      }
    }
    const result = await running;
    return { result, elapsedMs: clock.now - startMs };
  } finally {
    clock.uninstall();
  }
}
