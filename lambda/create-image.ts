/**
 * Step "Create image": makes the AMI from the stopped build instance, tagging the image and its
 * snapshots with the build's tags. A retried call reuses the image this build already created, also
 * when DescribeImages does not show it yet and CreateImage answers `InvalidAMIName.Duplicate`;
 * with `ami.forceDeregister` an older image of the same name is replaced (snapshots included).
 *
 * Event: `BakeState` with a stopped instance. Returns: the state with `imageId`, the `create-image`
 * phase and the poll loop that waits for the image.
 */
import { CreateImageCommand, Image } from '@aws-sdk/client-ec2';
import { ec2 } from './shared/clients/ec2';
import { AmiNameInUse, isAwsErrorNamed, NotYetVisible } from './shared/errors';
import { buildInstanceLaunchedAt, withinVisibilityGrace } from './shared/eventual-consistency';
import { handleStep } from './shared/handle-step';
import { findOwnImageByName, retireImage } from './shared/images';
import { LambdaContext, logger } from './shared/logger';
import { enterPhase } from './shared/phases';
import { awaitingEvent, startPoll } from './shared/poll';
import { DEFAULT_TIMEOUTS } from './shared/recipe-defaults';
import { requireBuild, requireInstanceId } from './shared/state';
import { madeForRecipe, TAG_KEYS, tagValue, toTagList } from './shared/tags';
import type { BakeState, BuildContext, ReplacedImage } from './shared/types';

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('create-image', state.build?.buildId, context, () => createImage(state));

async function createImage(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'create-image');
  const instance: ImageSource = {
    instanceId: requireInstanceId(state, 'create-image'),
    reboot: state.spot === true,
    launchedAt: buildInstanceLaunchedAt(state),
  };
  const phases = enterPhase(state.phases, 'create-image');
  const existing = await findOwnImageByName(build.amiName);
  const replacedImage = existing && !isFromThisBuild(existing, build) ? await replace(build, existing) : undefined;
  const imageId = existing && !replacedImage ? reuse(existing) : await createOrFindOwn(build, instance);
  return {
    ...state,
    phases,
    imageId,
    ...(replacedImage ? { replacedImage } : {}),
    // EC2's AMI state event ends the wait; the fallback checks are for an event that never comes.
    poll: awaitingEvent(startPoll({
      loop: 'image',
      firstSeconds: 300,
      maxSeconds: 300,
      budgetSeconds: build.recipe.timeouts?.imageAvailableSeconds ?? DEFAULT_TIMEOUTS.imageAvailableSeconds,
    })),
  };
}

/** The instance the image is made from: stopped, or a running Spot instance that EC2 reboots for consistent disks. */
interface ImageSource {
  readonly instanceId: string;
  readonly reboot: boolean;
  /** When the instance was launched: EC2 may not show it for a moment after. */
  readonly launchedAt?: string;
}

/** True when an image carries this build's id tag (an earlier attempt of this step made it). */
function isFromThisBuild(image: Image, build: BuildContext): boolean {
  return tagValue(image.Tags, TAG_KEYS.buildId) === build.buildId;
}

function reuse(image: Image): string {
  logger.info('Reusing the image this build already created', { imageId: image.ImageId });
  return image.ImageId!;
}

/** Removes an older image of the same name when the recipe allows it (its snapshots still in use are deferred). */
async function replace(build: BuildContext, existing: Image): Promise<ReplacedImage> {
  if (build.recipe.ami?.forceDeregister !== true || !madeForRecipe(existing.Tags, build)) {
    throw new AmiNameInUse(`an image named "${build.amiName}" (${existing.ImageId}) appeared in this account while the bake ran`);
  }
  logger.info('Replacing an older image of the same name (ami.forceDeregister)', { imageId: existing.ImageId });
  return { imageId: existing.ImageId!, ...await retireImage(existing) };
}

/**
 * Creates the image; when EC2 says the name is taken (a retry after a first CreateImage that succeeded but
 * is not yet visible to DescribeImages), looks again and reuses the image if this build made it.
 */
async function createOrFindOwn(build: BuildContext, instance: ImageSource): Promise<string> {
  try {
    return await sendCreateImage(build, instance);
  } catch (error) {
    if (isAwsErrorNamed(error, 'InvalidInstanceID.NotFound') && withinVisibilityGrace(instance.launchedAt)) {
      throw new NotYetVisible(`EC2 does not show build instance ${instance.instanceId} yet (launched at ${instance.launchedAt}); creating the image again`,
        { cause: error });
    }
    if (!isAwsErrorNamed(error, 'InvalidAMIName.Duplicate')) throw error;
    const existing = await findOwnImageByName(build.amiName);
    if (existing && isFromThisBuild(existing, build)) return reuse(existing);
    if (!existing) {
      // The name is taken by an image DescribeImages does not show yet: an earlier CreateImage of this step.
      throw new NotYetVisible(`the image name "${build.amiName}" is taken, but EC2 does not show the image yet; looking again`, { cause: error });
    }
    throw new AmiNameInUse(`an image named "${build.amiName}" (${existing.ImageId}) already exists in this account and was not made by this bake `
      + `(${error.message})`, { cause: error });
  }
}

/** One CreateImage call; returns the new image id. */
async function sendCreateImage(build: BuildContext, { instanceId, reboot }: ImageSource): Promise<string> {
  logger.info('Creating image', { instanceId, amiName: build.amiName, reboot });
  const tags = toTagList(build.imageTags);
  const { ImageId } = await ec2().send(new CreateImageCommand({
    InstanceId: instanceId,
    Name: build.amiName,
    Description: build.amiDescription,
    NoReboot: !reboot,
    TagSpecifications: [
      { ResourceType: 'image', Tags: tags },
      { ResourceType: 'snapshot', Tags: tags },
    ],
  }));
  if (!ImageId) throw new Error('CreateImage returned no image id');
  logger.info('Image creation started', { imageId: ImageId });
  return ImageId;
}
