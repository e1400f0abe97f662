import { CreateImageCommand, DeleteSnapshotCommand, DeregisterImageCommand, DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, buildContext, BUILD_ID, freezeTime, IMAGE_ID, INSTANCE_ID, recipe, setEnv, SOURCE_AMI, T0 } from './fixtures';
import { handler } from '../../lambda/create-image';
import { TAG_KEYS } from '../../lambda/shared/tags';

const ec2Mock = mockClient(EC2Client);
const OLD_IMAGE = 'ami-0000000000000000f';

function givenImagesNamed(images: object[]): void {
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: images });
}

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock.on(CreateImageCommand).resolves({ ImageId: IMAGE_ID });
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('create-image', () => {
  test('creates the image without reboot, tagging the image and its snapshots, and starts the image poll', async () => {
    // GIVEN
    givenImagesNamed([]);

    // WHEN
    const result = await handler(bakeState({ instanceId: INSTANCE_ID }));

    // THEN
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, { Owners: ['self'], Filters: [{ Name: 'name', Values: ['web-20250102030405'] }] });
    const input = ec2Mock.commandCalls(CreateImageCommand)[0].args[0].input;
    expect(input).toMatchObject({ InstanceId: INSTANCE_ID, Name: 'web-20250102030405', Description: 'web', NoReboot: true });
    expect(input.TagSpecifications?.map((spec) => spec.ResourceType)).toEqual(['image', 'snapshot']);
    for (const spec of input.TagSpecifications ?? []) {
      expect(spec.Tags).toEqual(expect.arrayContaining([{ Key: TAG_KEYS.buildId, Value: BUILD_ID }, { Key: TAG_KEYS.sourceAmi, Value: SOURCE_AMI }]));
    }
    expect(result.imageId).toBe(IMAGE_ID);
    expect(result.phases[result.phases.length - 1]).toEqual({ name: 'create-image', startedAt: T0.toISOString() });
    expect(result.poll).toEqual({
      seconds: 300,
      maxSeconds: 300,
      budgetSeconds: 3600,
      startedAt: T0.toISOString(),
      done: false,
      attempts: 0,
      schedule: Array(14).fill(300),
      fallback: { round: 0, seconds: 300 },
    });
  });

  test('reuses the image an earlier attempt of this build created', async () => {
    givenImagesNamed([{ ImageId: IMAGE_ID, Name: 'web-20250102030405', Tags: [{ Key: TAG_KEYS.buildId, Value: BUILD_ID }] }]);

    const result = await handler(bakeState({ instanceId: INSTANCE_ID }));

    expect(result.imageId).toBe(IMAGE_ID);
    expect(ec2Mock).not.toHaveReceivedCommand(CreateImageCommand);
  });

  test('with ami.forceDeregister an older image of the same name is deregistered and its snapshots deleted first', async () => {
    // GIVEN
    givenImagesNamed([{
      ImageId: OLD_IMAGE,
      Name: 'web-20250102030405',
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: 'snap-0000000000000000a' } }, { DeviceName: '/dev/sdf', Ebs: { SnapshotId: 'snap-0000000000000000b' } }],
      Tags: [{ Key: TAG_KEYS.bakery, Value: 'bakery-test' }, { Key: TAG_KEYS.recipe, Value: 'web' }, { Key: TAG_KEYS.buildId, Value: 'an-older-build' }],
    }]);
    const state = bakeState({ build: buildContext({ recipe: recipe({ ami: { forceDeregister: true } }) }), instanceId: INSTANCE_ID });

    // WHEN
    await handler(state);

    // THEN
    expect(ec2Mock).toHaveReceivedCommandWith(DeregisterImageCommand, { ImageId: OLD_IMAGE });
    expect(ec2Mock.commandCalls(DeleteSnapshotCommand).map((call) => call.args[0].input.SnapshotId)).toEqual(['snap-0000000000000000a', 'snap-0000000000000000b']);
    const order = ec2Mock.calls().map((call) => call.args[0].constructor.name);
    expect(order.indexOf('DeregisterImageCommand')).toBeLessThan(order.indexOf('DeleteSnapshotCommand'));
    expect(order.indexOf('DeleteSnapshotCommand')).toBeLessThan(order.indexOf('CreateImageCommand'));
  });

  test('forceDeregister never replaces an image another bakery or a person made', async () => {
    givenImagesNamed([{ ImageId: OLD_IMAGE, Name: 'web-20250102030405' }]);
    const state = bakeState({ build: buildContext({ recipe: recipe({ ami: { forceDeregister: true } }) }), instanceId: INSTANCE_ID });

    await expect(handler(state)).rejects.toMatchObject({ name: 'AmiNameInUse' });
    expect(ec2Mock).not.toHaveReceivedCommand(DeregisterImageCommand);
  });

  test('an image of the same name from elsewhere throws AmiNameInUse without forceDeregister', async () => {
    givenImagesNamed([{ ImageId: OLD_IMAGE, Name: 'web-20250102030405', Tags: [{ Key: TAG_KEYS.buildId, Value: 'another-build' }] }]);

    await expect(handler(bakeState({ instanceId: INSTANCE_ID }))).rejects.toMatchObject({ name: 'AmiNameInUse' });
    expect(ec2Mock).not.toHaveReceivedCommand(DeregisterImageCommand);
    expect(ec2Mock).not.toHaveReceivedCommand(CreateImageCommand);
  });

  describe('CreateImage says the name is taken (InvalidAMIName.Duplicate)', () => {
    const duplicate = () => awsError('InvalidAMIName.Duplicate', 'AMI name web-20250102030405 is already in use by AMI ' + IMAGE_ID);

    test('reuses the image when it carries this build\'s id (an earlier attempt made it, DescribeImages did not show it yet)', async () => {
      // GIVEN
      ec2Mock.on(DescribeImagesCommand)
        .resolvesOnce({ Images: [] })
        .resolves({ Images: [{ ImageId: IMAGE_ID, Name: 'web-20250102030405', Tags: [{ Key: TAG_KEYS.buildId, Value: BUILD_ID }] }] });
      ec2Mock.on(CreateImageCommand).rejects(duplicate());

      // WHEN
      const result = await handler(bakeState({ instanceId: INSTANCE_ID }));

      // THEN
      expect(result.imageId).toBe(IMAGE_ID);
      expect(ec2Mock).toHaveReceivedCommandTimes(CreateImageCommand, 1);
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeImagesCommand, 2);
      expect(ec2Mock.commandCalls(DescribeImagesCommand)[1].args[0].input).toEqual({ Owners: ['self'], Filters: [{ Name: 'name', Values: ['web-20250102030405'] }] });
      expect(result.poll).toMatchObject({ seconds: 300, done: false });
    });

    test('throws AmiNameInUse when the image of that name belongs to another build', async () => {
      ec2Mock.on(DescribeImagesCommand)
        .resolvesOnce({ Images: [] })
        .resolves({ Images: [{ ImageId: OLD_IMAGE, Name: 'web-20250102030405', Tags: [{ Key: TAG_KEYS.buildId, Value: 'another-build' }] }] });
      ec2Mock.on(CreateImageCommand).rejects(duplicate());

      const result = handler(bakeState({ instanceId: INSTANCE_ID }));

      await expect(result).rejects.toMatchObject({ name: 'AmiNameInUse' });
      await expect(result).rejects.toThrow(OLD_IMAGE);
      expect(ec2Mock).not.toHaveReceivedCommand(DeregisterImageCommand);
    });

    test('throws NotYetVisible, which the state machine retries, when the image that took the name cannot be seen yet', async () => {
      givenImagesNamed([]);
      ec2Mock.on(CreateImageCommand).rejects(duplicate());

      await expect(handler(bakeState({ instanceId: INSTANCE_ID }))).rejects.toMatchObject({
        name: 'NotYetVisible', message: expect.stringContaining('"web-20250102030405" is taken, but EC2 does not show the image yet'),
      });
    });

    test('other CreateImage errors keep their AWS name and nothing is looked up again', async () => {
      givenImagesNamed([]);
      ec2Mock.on(CreateImageCommand).rejects(awsError('InvalidInstanceID.NotFound', 'gone'));

      await expect(handler(bakeState({ instanceId: INSTANCE_ID }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeImagesCommand, 1);
    });
  });
});
