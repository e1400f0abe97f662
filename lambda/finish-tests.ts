/**
 * Step "Finish tests": every test of the new image passed. Terminates the test instance (without waiting:
 * the final cleanup checks that nothing of the build is left; one that refuses ends the step with
 * `CleanupIncomplete`, which is retried), tags the image and its snapshots
 * `cdk-ami-bakery:tested=true`, and adds that tag to the image tags, so the copies in other regions carry it too.
 *
 * Event: `BakeState` with `tests` done and `snapshotIds`. Returns: the state with the `distribute` phase and
 * the tested tag in `build.imageTags`.
 */
import { BestEffort } from './shared/best-effort';
import { CleanupIncomplete, InvalidState } from './shared/errors';
import { testInstanceLaunchedAt } from './shared/eventual-consistency';
import { handleStep } from './shared/handle-step';
import { markTested } from './shared/images';
import { terminateInstance } from './shared/instances';
import { LambdaContext, logger } from './shared/logger';
import { enterPhase } from './shared/phases';
import { requireBuild, requireImageId } from './shared/state';
import { TAG_KEYS } from './shared/tags';
import type { BakeState } from './shared/types';

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('finish-tests', state.build?.buildId, context, () => finishTests(state));

async function finishTests(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'finish-tests');
  const imageId = requireImageId(state, 'finish-tests');
  const tests = state.tests;
  if (!tests?.instanceId || tests.index < tests.count) throw new InvalidState('finish-tests: the tests have not all run; check the state machine definition');
  const cleanup = new BestEffort();
  await cleanup.remove(tests.instanceId, () => terminateInstance(tests.instanceId!, testInstanceLaunchedAt(state)));
  if (cleanup.leaked.length > 0) throw new CleanupIncomplete(`could not terminate test instance ${tests.instanceId} yet; the state machine retries this step`);
  await markTested(imageId, state.snapshotIds ?? [], 'true');
  logger.info('The image passed its tests', { imageId, tests: tests.count });
  return {
    ...state,
    phases: enterPhase(state.phases, 'distribute'),
    build: { ...build, imageTags: { ...build.imageTags, [TAG_KEYS.tested]: 'true' } },
  };
}
