/** Two runs on one state file take turns: a lock file names the run that holds it. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withStateFileLock } from '../../local/account-state';

describe('withStateFileLock', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'bakery-lock-')), 'dev.bakery-state.json');

  test('a lock left by a process that is gone is taken over, and the lock is removed after the work', async () => {
    const state = file();
    writeFileSync(`${state}.lock`, '2147483646');

    await expect(withStateFileLock(state, async () => 'baked')).resolves.toBe('baked');
    expect(existsSync(`${state}.lock`)).toBe(false);
  });

  test('a lock held by a live run makes the next one wait, and give up naming the file and the process', async () => {
    const state = file();
    writeFileSync(`${state}.lock`, String(process.pid));

    await expect(withStateFileLock(state, async () => 'baked', 300)).rejects.toThrow(
      `simulated account state ${state} is in use by process ${process.pid} (lock file ${state}.lock)`);
    expect(existsSync(`${state}.lock`)).toBe(true);
  });
});
