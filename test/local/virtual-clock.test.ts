import { runOnVirtualClock } from '../../local/virtual-clock';

const START = Date.parse('2030-01-01T00:00:00Z');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a timer waits in virtual time, and the clock is the real one again afterwards', async () => {
  const { result, elapsedMs } = await runOnVirtualClock(START, async () => {
    await sleep(6 * 60_000);
    return Date.now();
  });
  expect(result).toBe(START + 6 * 60_000);
  expect(elapsedMs).toBe(6 * 60_000);
  expect(Date.now()).not.toBe(START + 6 * 60_000);
});

test('fractional delays round up to whole milliseconds, as Node does, so a loop of tiny waits moves the clock', async () => {
  const { elapsedMs } = await runOnVirtualClock(START, async () => {
    const until = Date.now() + 5;
    while (Date.now() < until) await sleep(0.0001);
  });
  expect(elapsedMs).toBe(5);
  const { result } = await runOnVirtualClock(START, async () => {
    const before = Date.now();
    await sleep(1_999.2);
    return Date.now() - before;
  });
  expect(result).toBe(2_000);
});

test('runs started together share one clock', async () => {
  const [first, second] = await Promise.all([
    runOnVirtualClock(START, () => sleep(1_000).then(() => Date.now())),
    runOnVirtualClock(START, () => sleep(3_000).then(() => Date.now())),
  ]);
  expect(first.result).toBe(START + 1_000);
  expect(second.result).toBe(START + 3_000);
});
