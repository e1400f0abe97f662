/**
 * Keeps a simulated account between runs in a JSON file, so a second bake sees what the first one left
 * (its AMIs, snapshots, parameters, launch templates) and makes ids that do not collide with it.
 *
 *     const account = openAccount('dev.bakery-state.json', { faults }).account;
 *     await simulateBake({ input, account });
 *     saveAccount(account, 'dev.bakery-state.json');
 *     inventory(account); // { images, snapshots, instances, parameters }
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/** The account saved in `file` when there is one, else a new account made with `options`. */
export function openAccount(file: string, options: SimulatedAccountOptions = {}): { account: SimulatedAccount; loaded: boolean } {
  if (!existsSync(file)) return { account: new SimulatedAccount(options), loaded: false };
  const { seed: _seed, accountId: _accountId, region: _region, ...rest } = options;
  return { account: loadAccount(file, rest), loaded: true };
}
