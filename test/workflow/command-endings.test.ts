/**
 * Commands SSM ends its own way (`step:<n>:<ending>`), one bake per ending: endings that never ran the script
 * are sent again (the bake succeeds when the next send runs, and fails naming the ending when every send ends the
 * same way); Cancelled and Terminated fail the provision phase with their explanation; Delayed only takes longer.
 */
import { recipe } from './recipes';
import { simulateBake } from '../../local/simulate-bake';

const START = new Date('2030-05-04T03:00:00Z');

describe('an ending that never ran the script', () => {
  test.each(['delivery-timeout', 'undeliverable', 'invalid-platform', 'access-denied'])(
    'step:1:%s: the step is sent again and the bake succeeds', async (ending) => {
      const bake = await simulateBake({ recipe: recipe(), faults: [`step:1:${ending}`], startTime: START });

      expect(bake.status).toBe('SUCCEEDED');
      expect(bake.manifest.steps.map((step) => step.status)).toEqual(['Success', 'Success', 'Success']);
      expect(bake.account.callCount({ operation: 'SendCommand' })).toBe(4);
      expect(bake.manifest.leakedResources).toEqual([]);
    });

  test('when every send ends Undeliverable, the bake fails in provision naming the ending', async () => {
    const faults = ['step:1:undeliverable', 'step:2:undeliverable', 'step:3:undeliverable'];
    const bake = await simulateBake({ recipe: recipe(), faults, startTime: START });

    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe('ProvisioningStepFailed');
    expect(bake.manifest.error?.phase).toBe('provision');
    expect(bake.manifest.error?.message).toContain('ended Failed (Undeliverable)');
    expect(bake.manifest.error?.message).toContain('SSM ended all 3 sends of it without running it');
    expect(bake.manifest.leakedResources).toEqual([]);
  });
});

describe('an ending that stopped the script', () => {
  test.each([
    ['cancelled', 'ended Cancelled (Cancelled)', 'the command was cancelled'],
    ['terminated', 'ended Cancelled (Terminated)', 'SSM stopped the command before it ended'],
  ])('step:1:%s fails the provision phase with the explanation, and is not sent again', async (ending, ended, explanation) => {
    const bake = await simulateBake({ recipe: recipe(), faults: [`step:1:${ending}`], startTime: START });

    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe('ProvisioningStepFailed');
    expect(bake.manifest.error?.phase).toBe('provision');
    expect(bake.manifest.error?.message).toContain(ended);
    expect(bake.manifest.error?.message).toContain(explanation);
    expect(bake.account.callCount({ operation: 'SendCommand' })).toBe(1);
    expect(bake.manifest.leakedResources).toEqual([]);
  });
});

describe('a Delayed command', () => {
  test('step:1:delayed: the bake waits it out, succeeds, and takes longer', async () => {
    const plain = await simulateBake({ recipe: recipe(), startTime: START });
    const delayed = await simulateBake({ recipe: recipe(), faults: ['step:1:delayed'], startTime: START });

    expect(delayed.status).toBe('SUCCEEDED');
    expect(delayed.account.callCount({ operation: 'SendCommand' })).toBe(3);
    expect(delayed.manifest.steps[0].seconds).toBeGreaterThanOrEqual(plain.manifest.steps[0].seconds + 60);
    expect(delayed.manifest.leakedResources).toEqual([]);
  });
});

describe('a shell step that reboots the instance itself', () => {
  test('SSM reports it Failed without an exit code: the bake fails in provision, and nothing is left', async () => {
    const rebooting = recipe({ steps: [{ shell: { name: 'upgrade', commands: ['apt-get upgrade -y', 'reboot'] } }, { shell: { commands: ['echo after'] } }] });
    const bake = await simulateBake({ recipe: rebooting, startTime: START });

    expect(bake.status).toBe('FAILED');
    expect(bake.manifest.error?.phase).toBe('provision');
    expect(bake.manifest.error?.message).toContain('step 1 of 2 (shell: upgrade) ended Failed (Failed) with exit code -1');
    expect(bake.manifest.error?.message).toContain('exit 194');
    expect(bake.manifest.leakedResources).toEqual([]);
  });
});
