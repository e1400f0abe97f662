/**
 * Keeps a simulated account between runs in a JSON file, so a second bake sees what the first one left
 * (its AMIs, snapshots, parameters, launch templates) and makes ids that do not collide with it.
 *
 *     const account = openAccount('dev.bakery-state.json', { faults }).account;
 *     await simulateBake({ input, account });
 *     saveAccount(account, 'dev.bakery-state.json');
 *     inventory(account); // { images, snapshots, instances, parameters }
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { SimulatedAccount } from './model';
import type { LoadedAccountOptions, SimulatedAccountOptions, SimulatedAccountState } from './model';

export { inventory } from './model';
export type { Inventory, InventoryImage, InventoryInstance, InventoryParameter, InventorySnapshot } from './model';

/** Writes the account to `file` (whole or not at all: a temporary file is renamed over it). */
export function saveAccount(account: SimulatedAccount, file: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(account.toState())}\n`);
  renameSync(temporary, file);
}

/** The account saved in `file`; faults and timings come from `options`. Throws when the file cannot be read. */
export function loadAccount(file: string, options: LoadedAccountOptions = {}): SimulatedAccount {
  let state: SimulatedAccountState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as SimulatedAccountState;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`cannot read simulated account state ${file}: ${reason}`);
  }
  try {
    return SimulatedAccount.fromState(state, options);
  } catch (error) {
    throw new Error(`cannot load simulated account state ${file}: ${(error as Error).message}`);
  }
}

/** How often a run waiting for another run's lock on a state file looks again, and how long it waits in all. */
const LOCK_POLL_MS = 100;
const LOCK_WAIT_MS = 10 * 60_000;

/**
 * Runs `work` (open the account, bake, save it) holding an exclusive lock on the state file (`<file>.lock`, holding
 * the process id), so two runs on one file take turns instead of one saving over the other's bake. A lock whose
 * process is gone is taken over.
 */
export async function withStateFileLock<T>(file: string, work: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const lock = `${file}.lock`;
  const giveUpAt = Date.now() + waitMs;
  while (!tryLock(lock)) {
    const holder = lockHolder(lock);
    if (holder !== undefined && !isAlive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > giveUpAt) {
      throw new Error(`simulated account state ${file} is in use by process ${holder ?? '(unknown)'} (lock file ${lock}); ` +
        'wait for that run to end, or remove the lock file if no run is using it');
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

function tryLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function lockHolder(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The account saved in `file` when there is one, else a new account made with `options`. */
export function openAccount(file: string, options: SimulatedAccountOptions = {}): { account: SimulatedAccount; loaded: boolean } {
  if (!existsSync(file)) return { account: new SimulatedAccount(options), loaded: false };
  const { seed: _seed, accountId: _accountId, region: _region, ...rest } = options;
  return { account: loadAccount(file, rest), loaded: true };
}
