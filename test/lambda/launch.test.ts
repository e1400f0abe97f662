import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, buildContext, BUILD_ID, ENV, freezeTime, INSTANCE_ID, recipe, setEnv, SOURCE_AMI, T0 } from './fixtures';
import { clientToken, handler } from '../../lambda/launch';
import { TAG_KEYS } from '../../lambda/shared/tags';

const ec2Mock = mockClient(EC2Client);

/** A state whose recipe sets the given `instance` section. */
function stateWithInstance(instance: ReturnType<typeof recipe>['instance'], extra: Partial<ReturnType<typeof recipe>> = {}) {
  return bakeState({ build: buildContext({ recipe: recipe({ instance, ...extra }) }) });
}

beforeEach(() => {
  ec2Mock.reset();
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('launch', () => {
  test('launches with IMDSv2 required, an encrypted root volume, the instance profile and the build tags', async () => {
    // GIVEN
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: INSTANCE_ID }] });
    const state = stateWithInstance(
      { types: ['t3.medium'], subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'], rootVolume: { sizeGiB: 16, type: 'gp3' } },
      { ami: { kmsKeyId: 'alias/images' } },
    );

    // WHEN
    const result = await handler(state);

    // THEN
    expect(result).toMatchObject({ instanceId: INSTANCE_ID, instanceType: 't3.medium' });
    const input = ec2Mock.commandCalls(RunInstancesCommand)[0].args[0].input;
    expect(input).toMatchObject({
      ImageId: SOURCE_AMI,
      InstanceType: 't3.medium',
      MinCount: 1,
      MaxCount: 1,
      IamInstanceProfile: { Name: ENV.INSTANCE_PROFILE_NAME },
      NetworkInterfaces: [{
        DeviceIndex: 0,
        SubnetId: 'subnet-0123456789abcdef0',
        Groups: ['sg-0123456789abcdef0'],
        AssociatePublicIpAddress: false,
        DeleteOnTermination: true,
      }],
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
      BlockDeviceMappings: [{
        DeviceName: '/dev/sda1',
        Ebs: { VolumeSize: 16, VolumeType: 'gp3', Encrypted: true, KmsKeyId: 'alias/images', DeleteOnTermination: true },
      }],
    });
    expect(input.SubnetId).toBeUndefined();
    expect(input.SecurityGroupIds).toBeUndefined();
    expect(input.ClientToken).toHaveLength(64);
    for (const resourceType of ['instance', 'volume']) {
      const spec = input.TagSpecifications?.find((candidate) => candidate.ResourceType === resourceType);
      expect(spec?.Tags).toEqual(expect.arrayContaining([
        { Key: TAG_KEYS.buildId, Value: BUILD_ID },
        { Key: TAG_KEYS.bakery, Value: ENV.BAKERY_ID },
        { Key: TAG_KEYS.recipe, Value: 'web' },
        { Key: 'Name', Value: expect.stringContaining(BUILD_ID) },
      ]));
    }
  });

  test('enters launch and wait-for-agent and starts the agent poll (25 s first, then 3 s growing to 6 s, the recipe budget)', async () => {
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: INSTANCE_ID }] });

    const result = await handler(bakeState({ build: buildContext({ recipe: recipe({ timeouts: { agentOnlineSeconds: 120 } }) }) }));

    expect(result.phases.map((phase) => phase.name)).toEqual(['prepare', 'launch', 'wait-for-agent']);
    expect(result.poll).toEqual({
      seconds: 25, thenSeconds: 3, growth: 1.2, maxSeconds: 6, budgetSeconds: 120, startedAt: T0.toISOString(), done: false, attempts: 0,
    });
  });

  test('falls through capacity errors to the next subnet and type, with one client token per choice', async () => {
    // GIVEN
    ec2Mock.on(RunInstancesCommand).callsFake((input) => {
      const subnetId = input.NetworkInterfaces?.[0]?.SubnetId;
      if (input.InstanceType === 't3.small') throw awsError('InsufficientInstanceCapacity');
      if (subnetId === 'subnet-0000000000000000a') throw awsError('Unsupported');
      return { Instances: [{ InstanceId: INSTANCE_ID }] };
    });
    const state = stateWithInstance({ types: ['t3.small', 't3a.small'], subnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'] });

    // WHEN
    const result = await handler(state);

    // THEN
    expect(result.instanceType).toBe('t3a.small');
    const calls = ec2Mock.commandCalls(RunInstancesCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.InstanceType, input.NetworkInterfaces?.[0]?.SubnetId])).toEqual([
      ['t3.small', 'subnet-0000000000000000a'],
      ['t3.small', 'subnet-0000000000000000b'],
      ['t3a.small', 'subnet-0000000000000000a'],
      ['t3a.small', 'subnet-0000000000000000b'],
    ]);
    expect(new Set(calls.map((input) => input.ClientToken)).size).toBe(4);
  });

  test('throws NoCapacity listing every type and subnet tried with its error', async () => {
    ec2Mock.on(RunInstancesCommand, { InstanceType: 'c7i.large' }).rejects(awsError('InsufficientInstanceCapacity', 'no c7i here'));
    ec2Mock.on(RunInstancesCommand, { InstanceType: 'c6i.large' }).rejects(awsError('InstanceLimitExceeded', 'limit reached'));
    process.env.SUBNET_IDS = 'subnet-0000000000000000a';

    const result = handler(stateWithInstance({ types: ['c7i.large', 'c6i.large'] }));

    await expect(result).rejects.toMatchObject({ name: 'NoCapacity' });
    await expect(result).rejects.toThrow([
      'Tried:',
      '- c7i.large in subnet-0000000000000000a: InsufficientInstanceCapacity (no c7i here)',
      '- c6i.large in subnet-0000000000000000a: InstanceLimitExceeded (limit reached)',
    ].join('\n'));
  });

  test('any other EC2 error stops at once and keeps its name', async () => {
    ec2Mock.on(RunInstancesCommand).rejects(awsError('InvalidParameterValue', 'bad value'));

    await expect(handler(stateWithInstance({ types: ['t3.small', 't3a.small'] }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    expect(ec2Mock).toHaveReceivedCommandTimes(RunInstancesCommand, 1);
  });

  test('uses the bakery subnets and security groups when the recipe names none, and none at all when both are empty', async () => {
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: INSTANCE_ID }] });
    process.env.SUBNET_IDS = 'subnet-0000000000000000c, subnet-0000000000000000d';
    process.env.SECURITY_GROUP_IDS = 'sg-0000000000000000e';

    await handler(bakeState());
    process.env.SUBNET_IDS = '';
    process.env.SECURITY_GROUP_IDS = '';
    await handler(bakeState());

    const [withDefaults, withNothing] = ec2Mock.commandCalls(RunInstancesCommand).map((call) => call.args[0].input);
    expect(withDefaults).toMatchObject({
      InstanceType: 't3.small',
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: 'subnet-0000000000000000c', Groups: ['sg-0000000000000000e'], AssociatePublicIpAddress: false, DeleteOnTermination: true }],
    });
    expect(withNothing.SubnetId).toBeUndefined();
    expect(withNothing.SecurityGroupIds).toBeUndefined();
    expect(withNothing.NetworkInterfaces).toBeUndefined();
  });

  test('in a named subnet the instance never gets a public IP, and subnet and groups are set only on its network interface', async () => {
    // GIVEN
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: INSTANCE_ID }] });
    process.env.SUBNET_IDS = 'subnet-0000000000000000c';

    // WHEN
    await handler(bakeState());

    // THEN
    const input = ec2Mock.commandCalls(RunInstancesCommand)[0].args[0].input;
    expect(input.NetworkInterfaces).toEqual([{ DeviceIndex: 0, SubnetId: 'subnet-0000000000000000c', AssociatePublicIpAddress: false, DeleteOnTermination: true }]);
    expect(input.SubnetId).toBeUndefined();
    expect(input.SecurityGroupIds).toBeUndefined();
  });

  test('in the default VPC (no subnets) the launch leaves networking as it was: top-level security groups, no interface', async () => {
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: INSTANCE_ID }] });
    process.env.SECURITY_GROUP_IDS = 'sg-0000000000000000e';

    await handler(bakeState());

    const input = ec2Mock.commandCalls(RunInstancesCommand)[0].args[0].input;
    expect(input.SecurityGroupIds).toEqual(['sg-0000000000000000e']);
    expect(input.NetworkInterfaces).toBeUndefined();
    expect(input.SubnetId).toBeUndefined();
  });

  test('the client token is stable for a build, type and subnet, and differs otherwise', () => {
    const token = clientToken(BUILD_ID, { instanceType: 't3.small', subnetId: 'subnet-0000000000000000a' });

    expect(clientToken(BUILD_ID, { instanceType: 't3.small', subnetId: 'subnet-0000000000000000a' })).toBe(token);
    expect(clientToken('other-build', { instanceType: 't3.small', subnetId: 'subnet-0000000000000000a' })).not.toBe(token);
    expect(clientToken('x'.repeat(80), { instanceType: 't3.small' }).length).toBeLessThanOrEqual(64);
  });

  test('with spot: one-time Spot requests in every choice first, then On-Demand; user data is base64-encoded', async () => {
    // GIVEN
    ec2Mock.on(RunInstancesCommand)
      .rejectsOnce(awsError('InsufficientInstanceCapacity', 'There is no Spot capacity available that matches your request.', 'server'))
      .rejectsOnce(awsError('SpotMaxPriceTooLow', 'Your Spot request price is lower than the minimum required Spot request fulfillment price.'))
      .resolves({ Instances: [{ InstanceId: INSTANCE_ID }] });
    const state = stateWithInstance({ types: ['t3.small', 't3a.small'], spot: true, userData: '#!/bin/bash\necho hi' });

    // WHEN
    const result = await handler(state);

    // THEN
    const inputs = ec2Mock.commandCalls(RunInstancesCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => [input.InstanceType, input.InstanceMarketOptions?.MarketType ?? 'on-demand'])).toEqual([
      ['t3.small', 'spot'], ['t3a.small', 'spot'], ['t3.small', 'on-demand'],
    ]);
    expect(inputs[0].InstanceMarketOptions).toEqual({ MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } });
    expect(Buffer.from(inputs[2].UserData!, 'base64').toString()).toBe('#!/bin/bash\necho hi');
    expect(new Set(inputs.map((input) => input.ClientToken)).size).toBe(3);
    expect(result).toMatchObject({ instanceId: INSTANCE_ID, instanceType: 't3.small' });
    expect(result.spot).toBeUndefined();
  });

  test('with spot and spotFallback false, only Spot is tried', async () => {
    ec2Mock.on(RunInstancesCommand).rejects(awsError('InsufficientInstanceCapacity', 'There is no Spot capacity available that matches your request.', 'server'));

    await expect(handler(stateWithInstance({ spot: true, spotFallback: false }))).rejects.toMatchObject({ name: 'NoCapacity' });
    expect(ec2Mock.commandCalls(RunInstancesCommand).every((call) => call.args[0].input.InstanceMarketOptions?.MarketType === 'spot')).toBe(true);
  });

  test('a state without a build throws InvalidState and launches nothing', async () => {
    await expect(handler({ phases: [] })).rejects.toMatchObject({ name: 'InvalidState' });
    expect(ec2Mock.calls()).toHaveLength(0);
  });
  test.each([['arm64', 't4g.small'], ['x86_64', 't3.small']])('a recipe that names no instance type launches a small %s type', async (architecture, type) => {
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: INSTANCE_ID }] });
    const state = bakeState({ build: buildContext({ architecture, recipe: recipe({ instance: undefined }) }) });

    await handler(state);

    expect(ec2Mock).toHaveReceivedCommandWith(RunInstancesCommand, { InstanceType: type });
  });
});
