import { describeImage, ec2Calls, instances, ownImages, ownSnapshots, tagsOf } from './account-view';
import { recipe, UBUNTU_NOBLE_PARAMETER } from './recipes';
import { SimulatedAccount } from '../../local/model';
import { simulateBake } from '../../local/simulate-bake';
import { ProvisionStep, SourceImage } from '../../src';

/** A whole minute tomorrow: the virtual clock runs ahead of the real one, as a deployed bakery's would. */
const START = new Date('2030-05-04T03:00:00Z');
const START_STAMP = START.toISOString().replace(/[-:T]/g, '').slice(0, 14);

describe('a bake in the simulator', () => {
  test('succeeds: the AMI is available and tagged, its snapshots too, the instance is gone, nothing leaks', async () => {
    const bake = await simulateBake({ recipe: recipe(), startTime: START, executionName: 'web-build-1' });

    expect(bake.status).toBe('SUCCEEDED');
    const { manifest } = bake;
    expect(manifest).toMatchObject({ status: 'SUCCEEDED', buildId: 'web-build-1', recipe: 'web', leakedResources: [] });
    expect(manifest.sourceAmiId).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(manifest.phases.map((phase) => phase.name)).toEqual(['prepare', 'launch', 'wait-for-agent', 'provision', 'stop', 'create-image', 'distribute', 'cleanup']);
    expect(manifest.steps.map((step) => [step.step, step.kind, step.status, step.exitCode])).toEqual([[1, 'shell', 'Success', 0], [2, 'reboot', 'Success', 0], [3, 'shell', 'Success', 0]]);
    expect(manifest.artifacts).toHaveLength(1);
    const [artifact] = manifest.artifacts;
    expect(artifact).toMatchObject({ region: 'us-east-1', name: `web-${START_STAMP}` });

    const image = describeImage(bake.account, artifact.amiId);
    expect(image.State).toBe('available');
    expect(image.ImdsSupport).toBe('v2.0');
    expect(tagsOf(image)).toMatchObject({
      'team': 'platform',
      'cdk-ami-bakery:recipe': 'web',
      'cdk-ami-bakery:build-id': 'web-build-1',
      'cdk-ami-bakery:source-ami': manifest.sourceAmiId,
    });
    const snapshots = ownSnapshots(bake.account);
    expect(snapshots.map((snapshot) => snapshot.SnapshotId)).toEqual(artifact.snapshotIds);
    expect(snapshots[0].Encrypted).toBe(true);
    expect(tagsOf(snapshots[0])).toMatchObject({ 'team': 'platform', 'cdk-ami-bakery:build-id': 'web-build-1' });
    const [instance] = instances(bake.account);
    expect(['shutting-down', 'terminated']).toContain(instance.State.Name);
    expect(instance.MetadataOptions.HttpTokens).toBe('required');
    expect(tagsOf(instance)).toMatchObject({ 'team': 'platform', 'cdk-ami-bakery:build-id': 'web-build-1' });
  });

  test('puts Bake Succeeded on the default event bus with the manifest, and Bake Failed with the failure', async () => {
    const good = await simulateBake({ recipe: recipe(), startTime: START });
    const bad = await simulateBake({ recipe: recipe(), faults: ['step:1:fail'], startTime: START });

    // On the bakery's own bus, where only its state machine may announce.
    expect(good.account.events).toEqual([expect.objectContaining({ bus: expect.stringMatching(/^BakeryEvents/), source: 'cdk-ami-bakery', detailType: 'Bake Succeeded' })]);
    expect(good.account.events[0].detail).toMatchObject({ ...good.manifest, leakedResources: [], bakeryId: expect.stringMatching(/Bakery/) });
    expect(bad.account.events).toEqual([expect.objectContaining({ source: 'cdk-ami-bakery', detailType: 'Bake Failed' })]);
    expect(bad.account.events[0].detail).toMatchObject({ status: 'FAILED', error: { phase: 'provision', step: 1 } });
    expect(good.account.metrics).toEqual([expect.objectContaining({ Recipe: 'web', BakeSucceeded: 1, BakeFailed: 0 })]);
    expect(bad.account.metrics).toEqual([expect.objectContaining({ Recipe: 'web', BakeSucceeded: 0, BakeFailed: 1 })]);
  });

  test('takes minutes of simulated time', async () => {
    const bake = await simulateBake({ recipe: recipe(), startTime: START });
    const total = bake.manifest.phases.reduce((sum, phase) => sum + phase.seconds, 0);
    expect(total).toBeGreaterThan(180);
    expect(Math.abs(bake.simulatedSeconds - total)).toBeLessThanOrEqual(5);
  });

  test('a failing provisioning step fails the bake with the step, exit code and output tail, and leaves nothing', async () => {
    const bake = await simulateBake({ recipe: recipe(), faults: ['step:3:fail'], startTime: START });

    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe('ProvisioningStepFailed');
    expect(bake.manifest.error).toMatchObject({ phase: 'provision', step: 3 });
    expect(bake.manifest.error?.message).toMatch(/step 3 of 3/);
    expect(bake.manifest.error?.message).toMatch(/exit code 1/);
    expect(bake.manifest.error?.message).toContain('+ echo ready');
    expect(bake.error?.cause).toContain(bake.manifest.error!.message);
    expect(bake.manifest.leakedResources).toEqual([]);
    expect(ownImages(bake.account)).toEqual([]);
    expect(ownSnapshots(bake.account)).toEqual([]);
    for (const instance of instances(bake.account)) expect(['shutting-down', 'terminated']).toContain(instance.State.Name);
  });

  test('an invalid document fails in Prepare with every problem named, before any EC2 call', async () => {
    const bad = recipe({ source: {}, steps: [{ shell: { commands: [] } }] });
    const bake = await simulateBake({ recipe: bad, startTime: START });

    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe('InvalidRecipe');
    expect(bake.manifest).toMatchObject({ recipe: 'web', error: { phase: 'prepare', step: null } });
    expect(bake.manifest.error?.message).toContain('source: missing: set exactly one of amiId, ssmParameter or filter');
    expect(bake.manifest.error?.message).toContain('steps[0].shell.commands: expected a non-empty array of strings');
    expect(ec2Calls(bake.account)).toBe(0);
  });

  test('an execution input cannot steer the failure cleanup at another build', async () => {
    const victim = await simulateBake({ recipe: recipe(), startTime: START, executionName: 'victim' });
    const [artifact] = victim.manifest.artifacts;
    const forged = { buildId: 'victim', bakeryId: 'anything', region: 'us-east-1', recipe: recipe() };

    const attack = await simulateBake({ account: victim.account, input: { recipeName: 'no-such-recipe', build: forged }, executionName: 'attacker' });

    expect(attack.status).toBe('FAILED');
    expect(attack.manifest).toMatchObject({ recipe: 'no-such-recipe', error: { phase: 'prepare' } });
    expect(describeImage(victim.account, artifact.amiId).State).toBe('available');
    expect(ownSnapshots(victim.account).map((snapshot) => snapshot.SnapshotId)).toEqual(artifact.snapshotIds);
  });

  test('the source AMI from an SSM parameter is the one the parameter holds', async () => {
    const bake = await simulateBake({ recipe: recipe(), startTime: START });
    const parameter = bake.account.invoke('ssm', 'GetParameter', { Name: UBUNTU_NOBLE_PARAMETER }) as any;
    expect(bake.manifest.sourceAmiId).toBe(parameter.Parameter.Value);
  });

  test('a filter picks the newest matching image', async () => {
    const filter = { owners: ['099720109477'], name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-*', architecture: 'arm64' };
    const bake = await simulateBake({ recipe: recipe({ source: { filter }, instance: { types: ['t4g.small'] } }), startTime: START });
    expect(bake.status).toBe('SUCCEEDED');
    const candidates = (bake.account.invoke('ec2', 'DescribeImages', {
      Owners: filter.owners, Filters: [{ Name: 'name', Values: [filter.name] }],
    }) as any).Images;
    expect(candidates.length).toBeGreaterThan(1);
    const newest = [...candidates].sort((a: any, b: any) => b.CreationDate.localeCompare(a.CreationDate))[0];
    expect(bake.manifest.sourceAmiId).toBe(newest.ImageId);
  });

  test('in subnets the recipe names the instance launches through a network interface, and each step is sent once', async () => {
    const instance = { subnetIds: ['subnet-0000000000000000a'], securityGroupIds: ['sg-0000000000000000b'] };
    const account = new SimulatedAccount({ seed: 1, region: 'us-east-1', accountId: '123456789012' });
    account.addSubnet({ id: 'subnet-0000000000000000a', zone: 'us-east-1c' });
    const bake = await simulateBake({ recipe: recipe({ instance }), account, startTime: START });

    expect(bake.status).toBe('SUCCEEDED');
    expect(instances(bake.account)[0].SubnetId).toBe('subnet-0000000000000000a');
    expect(instances(bake.account)[0].Placement.AvailabilityZone).toBe('us-east-1c');
    const ssmCalls = (operation: string) => bake.account.calls.filter((call) => call.operation === operation && !call.error);
    expect(ssmCalls('ListCommandInvocations')).toHaveLength(3);
    expect(ssmCalls('SendCommand')).toHaveLength(3);
  });

  test('a recipe registered with addRecipe bakes from {"recipeName"}', async () => {
    const bake = await simulateBake({
      input: { recipeName: 'registered' },
      startTime: START,
      configureBakery: (bakery) => bakery.addRecipe('Registered', {
        recipeName: 'registered',
        source: SourceImage.amazonLinux2023(),
        steps: [ProvisionStep.shell({ commands: ['dnf install -y httpd'] })],
      }),
    });
    expect(bake.error).toBeUndefined();
    expect(bake.manifest.recipe).toBe('registered');
    expect(bake.manifest.artifacts[0].name).toMatch(/^registered-\d{14}$/);
  });

  test('throttled API calls are retried and the bake still succeeds', async () => {
    const bake = await simulateBake({ recipe: recipe(), faults: ['api:RunInstances:throttle:3', 'api:SendCommand:throttle:2'], startTime: START });
    expect(bake.status).toBe('SUCCEEDED');
    expect(bake.account.callCount('RunInstances')).toBe(4);
    expect(bake.manifest.leakedResources).toEqual([]);
  });

  test('an SSM agent that never comes online fails the bake after its budget, and the instance is terminated', async () => {
    const bake = await simulateBake({ recipe: recipe({ timeouts: { agentOnlineSeconds: 120 } }), faults: ['agent:never-online'], startTime: START });
    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe('AgentNotOnline');
    expect(bake.manifest.error?.phase).toBe('wait-for-agent');
    expect(bake.manifest.leakedResources).toEqual([]);
  });

  test('an image that fails leaves no AMI and no snapshot behind', async () => {
    const bake = await simulateBake({ recipe: recipe(), faults: ['image:fail'], startTime: START });
    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe('ImageCreationFailed');
    expect(bake.manifest.error?.phase).toBe('create-image');
    expect(ownImages(bake.account)).toEqual([]);
    expect(ownSnapshots(bake.account)).toEqual([]);
    expect(bake.manifest.leakedResources).toEqual([]);
  });

  test('capacity errors move on to the next instance type', async () => {
    const bake = await simulateBake({ recipe: recipe({ instance: { types: ['t3.small', 't3a.small'] } }), faults: ['capacity:t3.small'], startTime: START });
    expect(bake.status).toBe('SUCCEEDED');
    expect(instances(bake.account)[0].InstanceType).toBe('t3a.small');
  });
});
