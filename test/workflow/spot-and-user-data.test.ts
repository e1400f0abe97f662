/**
 * `instance.spot` and `instance.userData` in the simulator: a Spot build instance, On-Demand when Spot has no
 * capacity (unless the recipe says not to), and user data that runs at first boot, before any step.
 */
import { recipe } from './recipes';
import { SDK_MAX_ATTEMPTS } from '../../lambda/shared/clients/registry';
import { simulateBake } from '../../local/simulate-bake';

const USER_DATA = '#!/bin/bash\nmkdir -p /etc/baked\necho from-user-data > /etc/baked/marker\n';

describe('Spot build instances', () => {
  test('a Spot instance bakes the image, and user data has run before the first step', async () => {
    const bake = await simulateBake({
      recipe: recipe({ instance: { spot: true, userData: USER_DATA }, steps: [{ shell: { commands: ['test -f /etc/baked/marker'] } }] }),
    });

    expect(bake.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    const [instance] = bake.account.region().instances.values();
    expect(instance.lifecycle).toBe('spot');
    expect(Buffer.from(instance.contents!.get('/etc/baked/marker')!, 'base64').toString()).toBe('from-user-data\n');
    // EC2 cannot stop an instance of a one-time Spot request: the image is made from it running, with a reboot.
    expect(bake.account.callCount('StopInstances')).toBe(0);
    expect(instance.reboots.length).toBeGreaterThan(0);
  });

  test('EC2 refuses to stop an instance of a one-time Spot request, as the simulator says', async () => {
    const bake = await simulateBake({ recipe: recipe({ instance: { spot: true } }) });
    const [instance] = bake.account.region().instances.values();
    instance.state.reschedule(Date.now(), [{ at: Date.now(), value: 'running' }]);

    expect(() => bake.account.invoke('ec2', 'StopInstances', { InstanceIds: [instance.id] })).toThrow(/UnsupportedOperation|one-time Spot Instance request/);
  });

  test('without Spot capacity the build falls back to On-Demand', async () => {
    const bake = await simulateBake({ recipe: recipe({ instance: { spot: true } }), faults: ['capacity:spot'] });

    expect(bake.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    const [instance] = bake.account.region().instances.values();
    expect(instance.lifecycle).toBeUndefined();
    // InsufficientInstanceCapacity is an HTTP 500, which the SDK retries before the launch falls back.
    expect(bake.account.callCount('RunInstances')).toBe(SDK_MAX_ATTEMPTS + 1);
  });

  test('with spotFallback false, no Spot capacity fails the launch, naming what was tried and the fix', async () => {
    const bake = await simulateBake({ recipe: recipe({ instance: { spot: true, spotFallback: false } }), faults: ['capacity:spot'] });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'launch' }, leakedResources: [] });
    expect(bake.manifest.error?.message).toContain('- Spot t3.small in the default subnet: InsufficientInstanceCapacity (There is no Spot capacity available that matches your request.)');
    expect(bake.manifest.error?.message).toContain('or let Spot fall back to On-Demand (instance.spotFallback)');
  });
});
