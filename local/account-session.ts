/**
 * Runs work against a simulated account: the handlers' SDK clients (in every region, and those acting
 * through a role in another account) answered by the account, on the virtual clock from `startMs`.
 */
import type { SimulatedAccount } from './model';
import { attachSimulator } from './sdk-bridge';
import { runOnVirtualClock } from './virtual-clock';
import { onEveryClient } from '../lambda/shared/clients';

export async function onSimulatedAccount<T>(
  account: SimulatedAccount,
  startMs: number,
  work: () => Promise<T>,
): Promise<{ result: T; elapsedMs: number }> {
  const detach: (() => void)[] = [];
  const stopHooking = onEveryClient((client, scope) => {
    const accountId = scope.roleArn ? accountOfRole(scope.roleArn) : undefined;
    // A client acting through a role of an earlier run's world: this run never uses it (each AssumeRole makes new clients).
    if (accountId && accountId !== account.accountId && !account.peers().some((peer) => peer.accountId === accountId)) return;
    detach.push(attachSimulator(client, account, accountId ? { accountId } : {}));
  });
  try {
    return await runOnVirtualClock(startMs, work);
  } finally {
    stopHooking();
    detach.forEach((undo) => undo());
  }
}

/** The account id in a role ARN (`arn:aws:iam::<account>:role/<name>`). */
function accountOfRole(roleArn: string): string {
  return roleArn.split(':')[4] ?? '';
}
