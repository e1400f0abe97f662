/**
 * Whole bakes under eventual consistency (`consistency:<seconds>`): EC2 and SSM answer NotFound for what the bake
 * just created. The runner takes that for "not visible yet", never for "gone": bakes succeed, failed bakes fail for
 * their own reason, and the failure cleanup still terminates an instance EC2 does not show yet.
 */
import { instances } from './account-view';
import { recipe } from './recipes';
import { simulateBake } from '../../local/simulate-bake';

const START = new Date('2030-05-04T03:00:00Z');

describe('a bake under eventual consistency', () => {
  test.each(['consistency:5', 'consistency:30'])('%s: the bake succeeds and leaves nothing behind', async (rule) => {
    const bake = await simulateBake({ recipe: recipe(), faults: [rule], startTime: START });

    expect(bake.status).toBe('SUCCEEDED');
    expect(bake.manifest.leakedResources).toEqual([]);
    expect(bake.account.callCount('GetCommandInvocation')).toBeGreaterThan(0);
  });

  test.each([
    [['consistency:30', 'step:1:fail'], 'ProvisioningStepFailed', 'provision'],
    [['consistency:5', 'step:3:fail'], 'ProvisioningStepFailed', 'provision'],
    [['consistency:30', 'image:fail'], 'ImageCreationFailed', 'create-image'],
  ])('%j fails with %s in %s, for that reason, and leaves nothing behind', async (faults, error, phase) => {
    const bake = await simulateBake({ recipe: recipe(), faults, startTime: START });

    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe(error);
    expect(bake.manifest.error?.phase).toBe(phase);
    expect(bake.manifest.leakedResources).toEqual([]);
  });

  test('a failure cleanup that runs while EC2 does not show the new instance yet terminates it all the same', async () => {
    const bake = await simulateBake({ recipe: recipe(), faults: ['consistency:30', 'lambda:check-agent:crash'], startTime: START });

    expect(bake.status).toBe('FAILED');
    expect(bake.manifest.error?.phase).toBe('wait-for-agent');
    expect(bake.manifest.leakedResources).toEqual([]);
    expect(bake.account.callCount({ operation: 'TerminateInstances' })).toBeGreaterThan(1);
    for (const instance of instances(bake.account)) expect(['shutting-down', 'terminated']).toContain(instance.State.Name);
  });
});
