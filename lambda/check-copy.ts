/**
 * Step "Check copy": one check of the loop that waits for a copy in another region. Once available the
 * copy is marked IMDSv2-only, like the original (CopyImage does not carry that over).
 *
 * Event: `CopyState` with `copyId` and `poll`. Returns: the state with `snapshotIds`, `copySeconds` and
 * `poll.done` once available, else the next poll. Throws `ImageCopyFailed` when EC2 reports the copy failed,
 * `ImageCopyNotAvailable` when the budget is spent.
 */
import { DescribeSnapshotsCommand, Image, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { ec2 } from './shared/clients/ec2';
import { describeError, ImageCopyFailed, ImageCopyNotAvailable, InvalidState } from './shared/errors';
import { handleStep } from './shared/handle-step';
import { describeImage, snapshotIdsOf } from './shared/images';
import { LambdaContext, logger } from './shared/logger';
import { secondsSince } from './shared/phases';
import { finishPoll, nextPollByProgress, pollExpired } from './shared/poll';
import type { CopyState } from './shared/types';

export const handler = async (state: CopyState, context?: LambdaContext): Promise<CopyState> =>
  handleStep('check-copy', state.build?.buildId, context, () => checkCopy(state));

async function checkCopy(state: CopyState): Promise<CopyState> {
  const { copyId, poll, target } = state;
  if (!copyId || !poll) throw new InvalidState('the check-copy step needs "copyId" and "poll" (set by the copy-image step)');
  const copy = await describeImage(copyId, target.region);
  const copyState = copy?.State ?? 'pending';
  logger.info('Checked copy', { copyId, region: target.region, copyState });
  if (copy && copyState === 'available') {
    await ec2(target.region).send(new ModifyImageAttributeCommand({ ImageId: copyId, ImdsSupport: { Value: 'v2.0' } }));
    return { ...state, snapshotIds: snapshotIdsOf(copy), copySeconds: secondsSince(poll.startedAt), poll: finishPoll(poll) };
  }
  if (copyState === 'failed') {
    const reason = copy?.StateReason?.Message ?? copy?.StateReason?.Code ?? 'EC2 gave no reason';
    throw new ImageCopyFailed(`the copy of ${state.imageId} to ${target.region} (${copyId}) failed: ${reason}`);
  }
  if (pollExpired(poll)) {
    throw new ImageCopyNotAvailable(
      `the copy of ${state.imageId} to ${target.region} (${copyId}) was not available within ${poll.budgetSeconds} s (it is ${copyState}); ` +
      'copies of large images can take over an hour: raise timeouts.copyAvailableSeconds',
    );
  }
  return { ...state, poll: nextPollByProgress(poll, await snapshotProgress(copy, target.region)) };
}

/** How far the copy's snapshots are, in percent (the least advanced one), when EC2 shows them. */
async function snapshotProgress(copy: Image | undefined, region: string): Promise<number | undefined> {
  const snapshotIds = copy ? snapshotIdsOf(copy) : [];
  if (snapshotIds.length === 0) return undefined;
  try {
    const { Snapshots } = await ec2(region).send(new DescribeSnapshotsCommand({ SnapshotIds: snapshotIds }));
    const percents = (Snapshots ?? []).map((snapshot) => Number.parseFloat(snapshot.Progress ?? ''));
    return percents.length === snapshotIds.length && percents.every(Number.isFinite) ? Math.min(...percents) : undefined;
  } catch (error) {
    // Progress only times the next check: without it (new snapshots not shown yet, throttling), the usual spacing does.
    logger.warn('Could not read the copy\'s snapshot progress', { region, error: describeError(error) });
    return undefined;
  }
}
