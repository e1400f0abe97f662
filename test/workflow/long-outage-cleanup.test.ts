/**
 * Cleanup that is throttled or denied for long (`api:<Op>:throttle-for:<seconds>`, `api:<Op>:error-for:<seconds>`):
 * it retries for about 20 minutes; past that the bake fails with `CleanupFailed`, listing what is left, and the
 * orphan sweeper removes it once the outage is over.
 */
import { instances, ownImages, ownSnapshots } from './account-view';
import { recipe } from './recipes';
import { simulateBake, simulateSweep } from '../../local/simulate-bake';

const START = new Date('2031-04-05T06:00:00Z');
const AFTER_BAKE_TIMEOUT_MS = 5 * 3_600_000;

type Bake = Awaited<ReturnType<typeof simulateBake>>;

function liveInstances(bake: Bake): string[] {
  return instances(bake.account).filter((instance) => !['shutting-down', 'terminated'].includes(instance.State.Name)).map((instance) => instance.InstanceId);
}

test('a final cleanup throttled for 15 minutes outlasts it, and the bake succeeds with nothing left', async () => {
  const bake = await simulateBake({ recipe: recipe(), faults: ['api:TerminateInstances:throttle-for:900'], startTime: START });

  expect(bake.status).toBe('SUCCEEDED');
  expect(bake.manifest.leakedResources).toEqual([]);
  expect(bake.account.callCount('TerminateInstances')).toBeGreaterThan(7);
});

test('a failure cleanup denied DeleteSnapshot for 10 minutes outlasts it, and nothing is left', async () => {
  const bake = await simulateBake({ recipe: recipe(), faults: ['step:1:fail', 'api:DeleteSnapshot:error-for:600'], startTime: START });

  expect(bake.status).toBe('FAILED');
  expect(bake.error?.name).toBe('ProvisioningStepFailed');
  expect(bake.manifest.leakedResources).toEqual([]);
});

test('throttling that outlasts every cleanup ends the bake with what is left listed, and the sweeper removes it after the outage', async () => {
  const bake = await simulateBake({ recipe: recipe(), faults: ['step:1:fail', 'api:TerminateInstances:throttle-for:7200'], startTime: START });

  expect(bake.status).toBe('FAILED');
  expect(bake.error?.name).toBe('CleanupFailed');
  expect(bake.manifest.error?.phase).toBe('provision');
  const [instanceId] = liveInstances(bake);
  expect(instanceId).toMatch(/^i-/);
  expect(bake.error?.cause).toContain(`Left behind: ${instanceId}`);
  expect(bake.error?.cause).toContain('Cleaning up after it failed too: TransientAwsError');
  expect(bake.manifest.leakedResources).toContain(instanceId);

  bake.account.faults.clear();
  const sweep = await simulateSweep(bake.account, new Date(bake.account.now() + AFTER_BAKE_TIMEOUT_MS));

  expect(sweep.terminated).toContain(instanceId);
  expect(liveInstances(bake)).toEqual([]);
});

test('a final cleanup denied DeregisterImage for two hours after a failed distribution leaves images and snapshots for the sweeper', async () => {
  const distributed = recipe({ distribution: { regions: ['eu-west-1'] } });
  const bake = await simulateBake({ recipe: distributed, faults: ['copy:eu-west-1:fail', 'api:DeregisterImage:error-for:7200'], startTime: START });

  expect(bake.status).toBe('FAILED');
  expect(bake.error?.name).toBe('CleanupFailed');
  expect(bake.manifest.error?.phase).toBe('distribute');
  const left = ownImages(bake.account).map((image) => image.ImageId);
  expect(left.length).toBeGreaterThan(0);
  for (const imageId of left) expect(bake.error?.cause).toContain(imageId);

  bake.account.faults.clear();
  await simulateSweep(bake.account, new Date(bake.account.now() + AFTER_BAKE_TIMEOUT_MS));

  expect(ownImages(bake.account)).toEqual([]);
  expect(ownSnapshots(bake.account)).toEqual([]);
});
