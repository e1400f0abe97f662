import { instances, ownImages, ownSnapshots } from './account-view';
import { recipe } from './recipes';
import { simulateBake, simulateSweep } from '../../local/simulate-bake';

const START = new Date('2030-05-04T03:00:00Z');

/** Nothing the bake made is left: no live instance, no image, no snapshot. */
async function expectNothingLeft(bake: Awaited<ReturnType<typeof simulateBake>>): Promise<void> {
  expect(bake.manifest.leakedResources).toEqual([]);
  expect(ownImages(bake.account)).toEqual([]);
  expect(ownSnapshots(bake.account)).toEqual([]);
  for (const instance of instances(bake.account)) expect(['shutting-down', 'terminated']).toContain(instance.State.Name);
}

describe('failures the workflow itself cannot catch', () => {
  test.each(['Wait for SSM agent', 'Check provisioning step', 'Check instance stopped', 'Check image'])(
    'a bake stopped in "%s" is ABORTED, and the status-change rule removes what it made', async (stateName) => {
      const bake = await simulateBake({ recipe: recipe(), abortAtState: stateName, startTime: START });

      expect(bake.status).toBe('ABORTED');
      expect(bake.manifest.status).toBe('ABORTED');
      expect(bake.manifest.error?.message).toContain(`in state "${stateName}"`);
      await expectNothingLeft(bake);
    });

  test.each(['launch', 'run-step', 'create-image', 'check-image'])(
    'a Lambda crash in %s after its work fails the bake, and the resources it made are found by tag and removed', async (step) => {
      const bake = await simulateBake({ recipe: recipe(), faults: [`lambda:${step}:crash`], startTime: START });

      expect(bake.status).toBe('FAILED');
      expect(bake.error?.name).toBe('Lambda.Unknown');
      await expectNothingLeft(bake);
    });

  test('a bake that outlives the bake timeout is TIMED_OUT, and the status-change rule removes what it made', async () => {
    const longStep = recipe({ steps: [{ shell: { commands: ['sleep 99999'], timeoutSeconds: 86_400 } }] });
    const bake = await simulateBake({ recipe: longStep, faults: ['step:1:hang'], startTime: START });

    expect(bake.status).toBe('TIMED_OUT');
    expect(bake.simulatedSeconds).toBeGreaterThanOrEqual(4 * 3600);
    await expectNothingLeft(bake);
  });

  test('when the failure cleanup itself crashes, the FAILED status change still removes everything', async () => {
    const bake = await simulateBake({ recipe: recipe(), faults: ['step:1:fail', 'lambda:cleanup-failure:crash'], startTime: START });

    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe('CleanupFailed');
    await expectNothingLeft(bake);
  });

  test('an instance that refuses termination once is retried, and the bake still succeeds', async () => {
    const bake = await simulateBake({ recipe: recipe(), faults: ['api:TerminateInstances:error:1'], startTime: START });

    expect(bake.status).toBe('SUCCEEDED');
    expect(bake.manifest.leakedResources).toEqual([]);
    expect(bake.account.callCount('TerminateInstances')).toBe(2);
  });
});

describe('waits that never end are bounded', () => {
  test.each([
    ['step:2:hang', 'ProvisioningStepFailed', 'provision'],
    ['instance:never-stops', 'InstanceStopTimeout', 'stop'],
    ['image:never-available', 'ImageNotAvailable', 'create-image'],
  ])('%s fails the bake with %s in %s, and nothing is left', async (fault, error, phase) => {
    const bake = await simulateBake({ recipe: recipe(), faults: [fault], startTime: START });

    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe(error);
    expect(bake.manifest.error?.phase).toBe(phase);
    await expectNothingLeft(bake);
  });
});

describe('idempotency', () => {
  test('a bake started twice with the same name is refused', async () => {
    const first = await simulateBake({ recipe: recipe(), executionName: 'web-once', startTime: START });
    await expect(simulateBake({ account: first.account, recipe: recipe(), executionName: 'web-once' }))
      .rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });
});

describe('keepOnFailure', () => {
  test('a failed bake leaves its instance running for inspection until the expiry, then the sweeper removes it', async () => {
    const bake = await simulateBake({ recipe: recipe({ keepOnFailure: true, keepOnFailureHours: 2 }), faults: ['step:2:fail'], startTime: START });

    expect(bake.status).toBe('FAILED');
    const [kept] = bake.manifest.keptForInspection ?? [];
    expect(kept).toMatch(/^i-/);
    expect(bake.error?.cause).toContain(`aws ssm start-session --target ${kept}`);
    expect(bake.manifest.leakedResources).toEqual([]);
    const instance = instances(bake.account).find((candidate) => candidate.InstanceId === kept);
    expect(instance.State.Name).toBe('running');
    expect(ownImages(bake.account)).toEqual([]);

    const beforeExpiry = await simulateSweep(bake.account, new Date(START.getTime() + 90 * 60_000));
    expect(beforeExpiry.terminated).toEqual([]);
    const afterBakeTimeout = await simulateSweep(bake.account, new Date(START.getTime() + 5 * 3_600_000));
    expect(afterBakeTimeout.terminated).toEqual([kept]);
  });
});
