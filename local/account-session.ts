/**
 * Runs work against a simulated account: the handlers' SDK clients answered by the account, on the
 * virtual clock from `startMs`.
 */
import type { SimulatedAccount } from './model';
import { attachSimulator } from './sdk-bridge';
import { runOnVirtualClock } from './virtual-clock';
import { clients } from '../lambda/shared/clients';

export async function onSimulatedAccount<T>(
  account: SimulatedAccount,
  startMs: number,
  work: () => Promise<T>,
): Promise<{ result: T; elapsedMs: number }> {
  const detach = [attachSimulator(clients.ec2, account), attachSimulator(clients.ssm, account)];
  try {
    return await runOnVirtualClock(startMs, work);
  } finally {
    detach.forEach((undo) => undo());
  }
}
