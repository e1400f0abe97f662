/**
 * Step "Check image": one check of the loop that waits for the new image. Once it is available the
 * image is marked as IMDSv2-only, so instances launched from it require session tokens by default.
 *
 * Event: `BakeState` with `imageId` and `poll`. Returns: the state with `snapshotIds`, `poll.done` and the
 * `test` phase (recipes with `tests`) or the `distribute` phase once available, else the next poll (also while EC2 does
 * not show the new image yet). Throws `ImageCreationFailed` when EC2 reports the image failed or no longer knows it,
 * `ImageNotAvailable` when the budget is spent.
 */
import { ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { awaitedCheckHandler } from './shared/awaited-check';
import { ec2 } from './shared/clients/ec2';
import { ImageCreationFailed, ImageNotAvailable } from './shared/errors';
import { withinVisibilityGrace } from './shared/eventual-consistency';
import { describeImage, snapshotIdsOf } from './shared/images';
import { logger } from './shared/logger';
import { enterPhase } from './shared/phases';
import { finishPoll, nextPoll, pollExpired } from './shared/poll';
import { requireImageId, requirePoll } from './shared/state';
import type { BakeState } from './shared/types';

export const handler = awaitedCheckHandler<BakeState>({
  step: 'check-image',
  keyOfState: (state) => `image/${requireImageId(state, 'check-image')}`,
  keyOfEvent: (event) => `image/${String(event.detail.ImageId)}`,
  check: checkImage,
});

async function checkImage(state: BakeState): Promise<BakeState> {
  const imageId = requireImageId(state, 'check-image');
  const poll = requirePoll(state, 'check-image');
  const image = await describeImage(imageId);
  const imageState = image?.State ?? 'pending';
  logger.info('Checked image', { imageId, imageState });
  if (image && imageState === 'available') {
    await requireImdsV2(imageId);
    // The image is made: its tests, or else distribution (copies first), start now.
    const next = state.build?.recipe.tests ? 'test' : 'distribute';
    return { ...state, phases: enterPhase(state.phases, next), snapshotIds: snapshotIdsOf(image), poll: finishPoll(poll) };
  }
  if (!image && !withinVisibilityGrace(poll.startedAt)) {
    throw new ImageCreationFailed(`image ${imageId} is gone: EC2 still does not know it minutes after CreateImage returned its id`);
  }
  if (imageState === 'failed') {
    throw new ImageCreationFailed(`image ${imageId} failed: ${image?.StateReason?.Message ?? image?.StateReason?.Code ?? 'EC2 gave no reason'}`);
  }
  if (pollExpired(poll)) {
    throw new ImageNotAvailable(
      `image ${imageId} was not available within ${poll.budgetSeconds} s (it is ${imageState}); ` +
      'large volumes can take longer: raise timeouts.imageAvailableSeconds',
    );
  }
  return { ...state, poll: nextPoll(poll) };
}

/** Marks the image so that instances launched from it require IMDSv2. */
async function requireImdsV2(imageId: string): Promise<void> {
  logger.info('Marking image as IMDSv2-only', { imageId });
  await ec2().send(new ModifyImageAttributeCommand({ ImageId: imageId, ImdsSupport: { Value: 'v2.0' } }));
}
