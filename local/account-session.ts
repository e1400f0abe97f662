/**
 * Runs work against a simulated account: the handlers' SDK clients (in every region, and those acting
 * through a role in another account) answered by the account, on the virtual clock from `startMs`.
 *
 * Many runs may share one account at once (concurrent bakes): the simulator is attached to the clients when the
 * first run starts and detached when the last one settles. The handlers' clients are shared by the whole process,
 * so runs against two different accounts at once are refused.
 */
import type { SimulatedAccount } from './model';
import { attachSimulator } from './sdk-bridge';
import { runOnVirtualClock } from './virtual-clock';
import { onEveryClient } from '../lambda/shared/clients/registry';

/** The account the clients are attached to, and how many runs use it. */
interface Attachment {
  readonly account: SimulatedAccount;
  runs: number;
  readonly detach: () => void;
}

let attached: Attachment | undefined;

/** Runs `work` with the handlers' clients answered by `account`, on the virtual clock; returns its result and virtual duration. */
export async function onSimulatedAccount<T>(
  account: SimulatedAccount,
  startMs: number,
  work: () => Promise<T>,
): Promise<{ result: T; elapsedMs: number }> {
  const attachment = join(account);
  try {
    return await runOnVirtualClock(startMs, work);
  } finally {
    leave(attachment);
  }
}

function join(account: SimulatedAccount): Attachment {
  if (attached && attached.account !== account) {
    throw new Error(`simulator: a run against account ${attached.account.accountId} is in progress and the handlers' SDK clients are `
      + 'shared by the process; run concurrent bakes in one account (pass the same `account` to each), or one after another');
  }
  attached ??= { account, runs: 0, detach: attachToEveryClient(account) };
  attached.runs++;
  return attached;
}

function leave(attachment: Attachment): void {
  attachment.runs--;
  if (attachment.runs > 0) return;
  attachment.detach();
  if (attached === attachment) attached = undefined;
}

/** Attaches the account to every handler client, made so far or later; returns a function that detaches it. */
function attachToEveryClient(account: SimulatedAccount): () => void {
  const detach: (() => void)[] = [];
  const stopHooking = onEveryClient((client, scope) => {
    const accountId = scope.roleArn ? accountOfRole(scope.roleArn) : undefined;
    // A client acting through a role of an earlier run's world: this run never uses it (each AssumeRole makes new clients).
    if (accountId && accountId !== account.accountId && !account.peers().some((peer) => peer.accountId === accountId)) return;
    detach.push(attachSimulator(client, account, accountId ? { accountId } : {}));
  });
  return () => {
    stopHooking();
    detach.forEach((undo) => undo());
  };
}

/** The account id in a role ARN (`arn:aws:iam::<account>:role/<name>`). */
function accountOfRole(roleArn: string): string {
  return roleArn.split(':')[4] ?? '';
}
