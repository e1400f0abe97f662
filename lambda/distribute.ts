/**
 * Step "Distribute image": what happens to a new, available image before it is handed over — a
 * deprecation time (`ami.deprecateAfterDays`) and deregistration protection (`ami.deregistrationProtection`).
 * Retention runs later, in the final cleanup, once the image is handed over.
 *
 * Event: `BakeState` with an available image. Returns: the state, in phase `distribute`.
 */
import { EnableImageDeprecationCommand, EnableImageDeregistrationProtectionCommand } from '@aws-sdk/client-ec2';
import { ec2 } from './shared/clients';
import { handleStep } from './shared/handle-step';
import { LambdaContext, logger } from './shared/logger';
import { enterPhase } from './shared/phases';
import { requireBuild, requireImageId } from './shared/state';
import type { BakeState, BuildContext } from './shared/types';

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('distribute', state.build?.buildId, context, () => distribute(state));

async function distribute(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'distribute');
  const imageId = requireImageId(state, 'distribute');
  const phases = enterPhase(state.phases, 'distribute');
  await setDeprecation(build, imageId);
  if (build.recipe.ami?.deregistrationProtection) await protect(imageId);
  return { ...state, phases };
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
