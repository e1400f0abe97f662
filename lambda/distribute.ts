/**
 * Step "Distribute image": what happens to a new, available image before it is handed over — a
 * deprecation time (`ami.deprecateAfterDays`), deregistration protection (`ami.deregistrationProtection`),
 * and retention of the recipe's older images (`retention`), which are deregistered with their snapshots.
 *
 * Event: `BakeState` with an available image. Returns: the state with `retention` (what it removed and
 * why it left images alone). Retention never fails the bake; what it could not remove is reported.
 */
import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, EnableImageDeprecationCommand, EnableImageDeregistrationProtectionCommand, Image } from '@aws-sdk/client-ec2';
import { BestEffort } from './shared/best-effort';
import { ec2 } from './shared/clients';
import { handleStep } from './shared/handle-step';
import { deregisterImageAndSnapshots, findOwnImages } from './shared/images';
import { LambdaContext, logger } from './shared/logger';
import { enterPhase } from './shared/phases';
import { imagesToRetire, RetentionReport, RetentionRules, SkippedImage } from './shared/retention';
import { requireBuild, requireImageId } from './shared/state';
import { bakeryFilter, TAG_KEYS } from './shared/tags';
import type { BakeState, BuildContext } from './shared/types';

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('distribute', state.build?.buildId, context, () => distribute(state));

async function distribute(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'distribute');
  const imageId = requireImageId(state, 'distribute');
  const phases = enterPhase(state.phases, 'distribute');
  await setDeprecation(build, imageId);
  const retention = build.recipe.retention ? await applyRetention(build, imageId, build.recipe.retention) : undefined;
  if (build.recipe.ami?.deregistrationProtection) await protect(imageId);
  return { ...state, phases, retention };
}

/** Marks the image deprecated after the recipe's number of days: it still launches, but is flagged as old. */
async function setDeprecation(build: BuildContext, imageId: string): Promise<void> {
  const days = build.recipe.ami?.deprecateAfterDays;
  if (days === undefined) return;
  const deprecateAt = new Date(Date.now() + days * 86_400_000);
  logger.info('Setting the image deprecation time', { imageId, deprecateAt });
  await ec2().send(new EnableImageDeprecationCommand({ ImageId: imageId, DeprecateAt: deprecateAt }));
}

async function protect(imageId: string): Promise<void> {
  logger.info('Turning on deregistration protection', { imageId });
  await ec2().send(new EnableImageDeregistrationProtectionCommand({ ImageId: imageId }));
}

/** Removes the recipe's older images the rules retire, skipping protected ones and (optionally) ones in use. */
async function applyRetention(build: BuildContext, imageId: string, rules: RetentionRules): Promise<RetentionReport> {
  const recipeImages = await findOwnImages([...bakeryFilter(build.bakeryId), { Name: `tag:${TAG_KEYS.recipe}`, Values: [build.recipe.name] }]);
  const cleanup = new BestEffort();
  const report: RetentionReport = { deregistered: [], deletedSnapshots: [], skipped: [], failed: cleanup.leaked };
  for (const image of imagesToRetire(recipeImages, imageId, rules, Date.now())) {
    const skip = await reasonToKeep(image, rules.keepIfInUse ?? true);
    if (skip) {
      report.skipped.push(skip);
      continue;
    }
    await cleanup.remove(image.ImageId!, async () => {
      report.deletedSnapshots.push(...await deregisterImageAndSnapshots(image));
      report.deregistered.push(image.ImageId!);
    });
  }
  logger.info('Applied retention', { ...report });
  return report;
}

async function reasonToKeep(image: Image, keepIfInUse: boolean): Promise<SkippedImage | undefined> {
  const imageId = image.ImageId!;
  if (image.DeregistrationProtection?.startsWith('enabled')) return { imageId, reason: 'deregistration protection is on' };
  if (!keepIfInUse) return undefined;
  const user = await firstUser(imageId);
  return user ? { imageId, reason: `in use by ${user} (retention.keepIfInUse)` } : undefined;
}

/** An instance or launch template that uses the image, if any. */
async function firstUser(imageId: string): Promise<string | undefined> {
  const { Reservations } = await ec2().send(new DescribeInstancesCommand({
    Filters: [{ Name: 'image-id', Values: [imageId] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }],
  }));
  const instance = Reservations?.flatMap((reservation) => reservation.Instances ?? [])[0];
  if (instance) return `instance ${instance.InstanceId}`;
  const { LaunchTemplateVersions } = await ec2().send(new DescribeLaunchTemplateVersionsCommand({
    Versions: ['$Latest', '$Default'],
    Filters: [{ Name: 'image-id', Values: [imageId] }],
  }));
  const template = LaunchTemplateVersions?.[0];
  return template ? `launch template ${template.LaunchTemplateName ?? template.LaunchTemplateId}` : undefined;
}
