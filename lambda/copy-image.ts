/**
 * Step "Copy image" (one branch of "Copy image to regions" per `distribution.regions` entry): copies the
 * new image into one region, encrypted with that region's key from `distribution.kmsKeyIds` (or its
 * default EBS key), tagging the copy and its snapshots like the original. The client token makes a
 * retried call return the same copy; a copy of the same name this build already made is reused.
 *
 * Event: `CopyState` without `copyId`. Returns: the state with `copyId` and the poll loop that waits for the copy.
 */
import { createHash } from 'node:crypto';
import { CopyImageCommand } from '@aws-sdk/client-ec2';
import { ec2 } from './shared/clients/ec2';
import { AmiNameInUse, isAwsErrorNamed } from './shared/errors';
import { handleStep } from './shared/handle-step';
import { findOwnImageByName, retireImage } from './shared/images';
import { LambdaContext, logger } from './shared/logger';
import { startPoll } from './shared/poll';
import { DEFAULT_TIMEOUTS } from './shared/recipe-defaults';
import { madeForRecipe, TAG_KEYS, tagValue, toTagList } from './shared/tags';
import type { BuildContext, CopyState, CopyTarget } from './shared/types';

export const handler = async (state: CopyState, context?: LambdaContext): Promise<CopyState> =>
  handleStep('copy-image', state.build?.buildId, context, () => copyImage(state));

async function copyImage(state: CopyState): Promise<CopyState> {
  const { build, target } = state;
  const copyId = await thisBuildsCopy(build, target.region) ?? await startCopy(build, state.imageId, target);
  return {
    ...state,
    copyId,
    // No event from the copy's region reaches this one: the checks are timed by the copy's snapshot progress.
    poll: startPoll({
      loop: 'copy',
      firstSeconds: 30,
      maxSeconds: 300,
      byProgress: true,
      budgetSeconds: build.recipe.timeouts?.copyAvailableSeconds ?? DEFAULT_TIMEOUTS.copyAvailableSeconds,
    }),
  };
}

/**
 * The copy this build already made in the region (an earlier attempt of this step), if any. An older image of
 * the same name is replaced when the recipe says `ami.forceDeregister` and this bakery made it for this recipe (as in the
 * bakery's own region); any other stops the bake, as EC2 would refuse the name.
 */
async function thisBuildsCopy(build: BuildContext, region: string): Promise<string | undefined> {
  const existing = await findOwnImageByName(build.amiName, region);
  if (!existing) return undefined;
  if (tagValue(existing.Tags, TAG_KEYS.buildId) === build.buildId) {
    logger.info('Reusing the copy this build already made', { region, copyId: existing.ImageId });
    return existing.ImageId!;
  }
  if (build.recipe.ami?.forceDeregister === true && madeForRecipe(existing.Tags, build)) {
    logger.info('Replacing an older image of the same name (ami.forceDeregister)', { region, imageId: existing.ImageId });
    await retireImage(existing, region);
    return undefined;
  }
  throw new AmiNameInUse(`an image named "${build.amiName}" already exists in ${region} (${existing.ImageId}), so the copy cannot take ` +
    'that name. Put {{timestamp}} or {{buildId}} in ami.name, or deregister that image in that region.');
}

async function startCopy(build: BuildContext, imageId: string, target: CopyTarget): Promise<string> {
  logger.info('Copying the image', { imageId, region: target.region, kmsKeyId: target.kmsKeyId });
  const tags = toTagList(build.imageTags);
  try {
    const { ImageId } = await ec2(target.region).send(new CopyImageCommand({
      SourceRegion: build.region,
      SourceImageId: imageId,
      Name: build.amiName,
      Description: build.amiDescription,
      Encrypted: build.recipe.ami?.encrypted === false ? undefined : true,
      KmsKeyId: target.kmsKeyId,
      ClientToken: copyToken(build.buildId, target.region),
      TagSpecifications: [{ ResourceType: 'image', Tags: tags }, { ResourceType: 'snapshot', Tags: tags }],
    }));
    return ImageId!;
  } catch (error) {
    if (!isAwsErrorNamed(error, 'InvalidAMIName.Duplicate')) throw error;
    // The name was taken between the lookup and the call: by this build's own earlier call, or by another image.
    const copyId = await thisBuildsCopy(build, target.region);
    if (!copyId) throw error;
    return copyId;
  }
}

/** One client token per build and region: at most 64 characters, the same on every retry. */
export function copyToken(buildId: string, region: string): string {
  return createHash('sha256').update(`${buildId}\n${region}`).digest('hex').slice(0, 64);
}
