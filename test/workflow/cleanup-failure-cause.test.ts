/**
 * When the cleanup after a failure fails too, the execution's error (`CleanupFailed`), its cause and the manifest
 * keep the original failure (phase, step, exit code, output tail), add the cleanup's error, name the build id and
 * list what is left; the orphan sweeper removes it once the fault is over.
 */
import { ownImages, ownSnapshots } from './account-view';
import { recipe } from './recipes';
import { MATRIX_RECIPES } from '../../local/fault-matrix/scenarios';
import { simulateBake, simulateSweep } from '../../local/simulate-bake';

const START = new Date('2031-03-04T05:00:00Z');
const AFTER_BAKE_TIMEOUT_MS = 5 * 3_600_000;

type Bake = Awaited<ReturnType<typeof simulateBake>>;

/** Ends the fault, runs the sweeper after the bake timeout, and expects nothing of what the bake left. */
async function expectSweeperRemovesLeftovers(bake: Bake): Promise<void> {
  bake.account.faults.clear();
  await simulateSweep(bake.account, new Date(bake.account.now() + AFTER_BAKE_TIMEOUT_MS));
  const remaining = new Set(bake.account.leakedResources());
  expect(bake.manifest.leakedResources.filter((id) => remaining.has(id))).toEqual([]);
}

test('a copy that fails, then a cleanup that cannot deregister, reports distribute, both errors and the images and snapshots left', async () => {
  const bake = await simulateBake({
    recipe: MATRIX_RECIPES['ubuntu-distributed'], faults: ['copy:eu-west-1:fail', 'api:DeregisterImage:error'], startTime: START,
  });

  expect(bake.status).toBe('FAILED');
  expect(bake.error?.name).toBe('CleanupFailed');
  expect(bake.manifest.error?.phase).toBe('distribute');
  const cause = bake.error!.cause;
  expect(cause).toContain(`Bake ${bake.executionName} of recipe "ubuntu-distributed" failed in distribute`);
  expect(cause).toContain('injected by fault rule copy:eu-west-1:fail');
  expect(cause).toContain('Cleaning up after it failed too: CleanupIncomplete');
  expect(cause).toContain(`cdk-ami-bakery:build-id=${bake.executionName}`);
  const images = ownImages(bake.account).map((image) => image.ImageId);
  expect(images.length).toBeGreaterThan(0);
  for (const imageId of images) expect(cause).toContain(imageId);
  for (const snapshot of ownSnapshots(bake.account)) expect(cause).toContain(snapshot.SnapshotId);
  expect(bake.manifest.error?.message).toContain('Cleaning up after the failure failed too: CleanupIncomplete');
  await expectSweeperRemovesLeftovers(bake);
});

test('a failed step whose cleanup cannot terminate the instance keeps the step, its exit code and output tail, and names the instance', async () => {
  const failing = recipe({ steps: [{ shell: { name: 'build', commands: ['echo "compiling the last module"', 'echo "fatal: disk full" >&2', 'exit 3'] } }] });
  const bake = await simulateBake({ recipe: failing, faults: ['api:TerminateInstances:error'], startTime: START });

  expect(bake.status).toBe('FAILED');
  expect(bake.error?.name).toBe('CleanupFailed');
  expect(bake.manifest.error).toMatchObject({ phase: 'provision', step: 1 });
  const cause = bake.error!.cause;
  expect(cause).toContain('failed in provision (step 1)');
  expect(cause).toContain('exit code 3');
  expect(cause).toContain('fatal: disk full');
  const [instanceId] = bake.manifest.leakedResources.filter((id) => id.startsWith('i-'));
  expect(cause).toContain(`Left behind: ${instanceId}`);
  await expectSweeperRemovesLeftovers(bake);
});

test('a final cleanup that cannot terminate the build instance reports the cleanup phase, not distribute', async () => {
  const bake = await simulateBake({ recipe: recipe(), faults: ['api:TerminateInstances:error'], startTime: START });

  expect(bake.status).toBe('FAILED');
  expect(bake.error?.name).toBe('CleanupFailed');
  expect(bake.manifest.error?.phase).toBe('cleanup');
  expect(bake.error?.cause).toContain(`Bake ${bake.executionName} of recipe "web" failed in cleanup`);
  expect(bake.error?.cause).toMatch(/Left behind: i-[0-9a-f]+/);
  await expectSweeperRemovesLeftovers(bake);
});

test('a final cleanup that crashes, then a failure cleanup that crashes, still reports the cleanup phase', async () => {
  const bake = await simulateBake({ recipe: recipe(), faults: ['lambda:finish:crash', 'lambda:cleanup-failure:crash'], startTime: START });

  expect(bake.status).toBe('FAILED');
  expect(bake.error?.name).toBe('CleanupFailed');
  expect(bake.manifest.error?.phase).toBe('cleanup');
  expect(bake.error?.cause).toContain('Cleaning up after it failed too: Lambda.Unknown');
  expect(bake.manifest.leakedResources).toEqual([]);
});

test('when even the report cannot run, Step Functions itself names the build, the phase and both errors', async () => {
  const bake = await simulateBake({ recipe: recipe(), faults: ['step:1:fail', 'lambda:cleanup-failure:service-error:30'], startTime: START });

  expect(bake.status).toBe('FAILED');
  expect(bake.error?.name).toBe('CleanupFailed');
  const cause = bake.error!.cause;
  expect(cause).toContain(`Bake ${bake.executionName} failed in provision: ProvisioningStepFailed`);
  expect(cause).toMatch(/Cleaning up after it failed too: Lambda\.\w+/);
  expect(cause).toContain(`cdk-ami-bakery:build-id=${bake.executionName}`);
  expect(bake.manifest.error?.phase).toBe('provision');
  expect(bake.manifest.leakedResources).toEqual([]);
});
