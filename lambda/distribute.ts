/**
 * Step "Distribute image": makes every image of the bake (the original and its copies in other regions)
 * ready to hand over: a deprecation time (`ami.deprecateAfterDays`), deregistration protection
 * (`ami.deregistrationProtection`), launch and snapshot permissions (`distribution.sharing`), and finally
 * the SSM parameters that point at them (`distribution.ssmParameter`). Retention runs later, in the final
 * cleanup, once the images are handed over.
 *
 * Event: `BakeState` with an available image and its copies. Returns: the state with `parameters`, in phase `distribute`.
 */
import { EnableImageDeprecationCommand, EnableImageDeregistrationProtectionCommand } from '@aws-sdk/client-ec2';
import { ec2 } from './shared/clients/ec2';
import { handleStep } from './shared/handle-step';
import { LambdaContext, logger } from './shared/logger';
import { confirmParameters, ParameterClients, parameterTargets, writeParameter } from './shared/parameters';
import { enterPhase } from './shared/phases';
import { shareImage } from './shared/sharing';
import { artifactsOf, requireBuild } from './shared/state';
import type { Artifact, BakeState, BuildContext, PublishedParameter } from './shared/types';

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('distribute', state.build?.buildId, context, () => distribute(state));

async function distribute(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'distribute');
  const artifacts = artifactsOf(state, 'distribute');
  const phases = enterPhase(state.phases, 'distribute');
  const deprecateAt = deprecationTime(build);
  for (const artifact of artifacts) {
    if (deprecateAt) await setDeprecation(artifact, deprecateAt);
    if (build.recipe.ami?.deregistrationProtection) await protect(artifact);
    const sharing = build.recipe.distribution?.sharing;
    if (sharing) await shareImage(artifact, sharing);
  }
  const parameters = await publishParameters(build, artifacts);
  return { ...state, phases, ...(parameters.length > 0 ? { parameters } : {}) };
}

/** When the images count as deprecated: the recipe's number of days from now. */
function deprecationTime(build: BuildContext): Date | undefined {
  const days = build.recipe.ami?.deprecateAfterDays;
  return days === undefined ? undefined : new Date(Date.now() + days * 86_400_000);
}

/** Marks the image deprecated at that time: it still launches, but is flagged as old. */
async function setDeprecation(artifact: Artifact, deprecateAt: Date): Promise<void> {
  logger.info('Setting the image deprecation time', { imageId: artifact.amiId, region: artifact.region, deprecateAt });
  await ec2(artifact.region).send(new EnableImageDeprecationCommand({ ImageId: artifact.amiId, DeprecateAt: deprecateAt }));
}

async function protect(artifact: Artifact): Promise<void> {
  logger.info('Turning on deregistration protection', { imageId: artifact.amiId, region: artifact.region });
  await ec2(artifact.region).send(new EnableImageDeregistrationProtectionCommand({ ImageId: artifact.amiId }));
}

/** Points the recipe's SSM parameter at the new image in every region and account, last, once the images are ready. */
async function publishParameters(build: BuildContext, artifacts: readonly Artifact[]): Promise<PublishedParameter[]> {
  const name = build.recipe.distribution?.ssmParameter;
  if (!name) return [];
  const clients = new ParameterClients(build.buildId);
  const written: PublishedParameter[] = [];
  for (const target of parameterTargets(build, artifacts)) written.push(await writeParameter(clients, name, target));
  await confirmParameters(clients, written);
  return written;
}
