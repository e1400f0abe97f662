import {
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  EnableImageDeprecationCommand,
  EnableImageDeregistrationProtectionCommand,
  Image,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { bakeState, buildContext, freezeTime, IMAGE_ID, recipe, setEnv, T0 } from './fixtures';
import { handler } from '../../lambda/distribute';
import { applyRetention, imagesToRetire } from '../../lambda/shared/retention';
import { TAG_KEYS } from '../../lambda/shared/tags';

const ec2Mock = mockClient(EC2Client);
const DAY = 86_400_000;

/** An older image of the recipe, `days` old, with one snapshot. */
function olderImage(n: number, days: number, extra: Partial<Image> = {}): Image {
  return {
    ImageId: `ami-00000000000000${String(n).padStart(3, '0')}`,
    CreationDate: new Date(T0.getTime() - days * DAY).toISOString(),
    BlockDeviceMappings: [{ Ebs: { SnapshotId: `snap-00000000000000${String(n).padStart(3, '0')}` } }],
    ...extra,
  };
}

const stateWith = (overrides: Parameters<typeof recipe>[0]) => bakeState({ imageId: IMAGE_ID, build: buildContext({ recipe: recipe(overrides) }) });

beforeEach(() => {
  ec2Mock.reset();
  setEnv();
  freezeTime();
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  ec2Mock.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [] });
  ec2Mock.on(DeregisterImageCommand).resolves({});
  ec2Mock.on(DeleteSnapshotCommand).resolves({});
});

afterEach(() => jest.useRealTimers());

describe('retention rules', () => {
  const images = [olderImage(1, 1), olderImage(2, 10), olderImage(3, 40), { ImageId: IMAGE_ID, CreationDate: T0.toISOString() }];

  test('keepLatest counts the new image: keepLatest 2 keeps the new one and the newest older one', () => {
    const retired = imagesToRetire(images, IMAGE_ID, { keepLatest: 2 }, T0.getTime()).map((image) => image.ImageId);
    expect(retired).toEqual([olderImage(2, 0).ImageId, olderImage(3, 0).ImageId]);
  });

  test('maxAgeDays removes what is older', () => {
    expect(imagesToRetire(images, IMAGE_ID, { maxAgeDays: 30 }, T0.getTime()).map((image) => image.ImageId)).toEqual([olderImage(3, 0).ImageId]);
  });

  test('with both, an image must break both rules to go', () => {
    const retired = imagesToRetire(images, IMAGE_ID, { keepLatest: 1, maxAgeDays: 5 }, T0.getTime()).map((image) => image.ImageId);
    expect(retired).toEqual([olderImage(2, 0).ImageId, olderImage(3, 0).ImageId]);
  });
});

describe('distribute', () => {
  test('sets the deprecation time and deregistration protection the recipe asks for', async () => {
    await handler(stateWith({ ami: { deprecateAfterDays: 90, deregistrationProtection: true } }));

    expect(ec2Mock).toHaveReceivedCommandWith(EnableImageDeprecationCommand, { ImageId: IMAGE_ID, DeprecateAt: new Date(T0.getTime() + 90 * DAY) });
    expect(ec2Mock).toHaveReceivedCommandWith(EnableImageDeregistrationProtectionCommand, { ImageId: IMAGE_ID });
  });

  test('makes no call when the recipe asks for nothing, not even for retention (that runs once the image is handed over)', async () => {
    const state = await handler(stateWith({ retention: { keepLatest: 1 } }));

    expect(ec2Mock.calls()).toHaveLength(0);
    expect(state.phases.map((phase) => phase.name)).toContain('distribute');
  });
});

describe('applyRetention', () => {
  const build = (retention: NonNullable<Parameters<typeof recipe>[0]>['retention']) => buildContext({ recipe: recipe({ retention }) });

  test('finds the recipe\'s handed-over images by the bakery\'s tags and removes the retired ones with their snapshots', async () => {
    // GIVEN
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [olderImage(1, 1), olderImage(2, 2)] });

    // WHEN
    const report = await applyRetention(build({ keepLatest: 2 }), [{ region: 'eu-west-1', amiId: IMAGE_ID }], { keepLatest: 2 });

    // THEN
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, {
      Owners: ['self'],
      Filters: [
        { Name: `tag:${TAG_KEYS.bakery}`, Values: ['bakery-test'] },
        { Name: `tag:${TAG_KEYS.recipe}`, Values: ['web'] },
        { Name: `tag:${TAG_KEYS.artifact}`, Values: ['true'] },
      ],
    });
    expect(report).toEqual({ deregistered: [olderImage(2, 0).ImageId], deletedSnapshots: ['snap-00000000000000002'], deferredSnapshots: [], skipped: [], failed: [] });
  });

  test('a lookup that fails never fails the bake: the image is kept and the report says why', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [olderImage(1, 3)] });
    ec2Mock.on(DescribeInstancesCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation', $fault: 'client' }));

    const report = await applyRetention(build({ keepLatest: 1 }), [{ region: 'eu-west-1', amiId: IMAGE_ID }], { keepLatest: 1 });

    expect(report.skipped).toEqual([{ imageId: olderImage(1, 0).ImageId, reason: 'could not check whether it is in use' }]);
    expect(ec2Mock).not.toHaveReceivedCommand(DeregisterImageCommand);
  });

  test('skips protected images (also during the cooldown after disabling) and, by default, images an instance or a launch template uses', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [olderImage(1, 3, { DeregistrationProtection: 'disabled after 2030-01-01T00:00:00Z' }), olderImage(2, 4), olderImage(3, 5)] });
    ec2Mock.on(DescribeInstancesCommand, { Filters: [{ Name: 'image-id', Values: [olderImage(2, 0).ImageId!] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }] })
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0000000000000000a' }] }] });
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { Versions: ['$Latest', '$Default'], Filters: [{ Name: 'image-id', Values: [olderImage(3, 0).ImageId!] }] })
      .resolves({ LaunchTemplateVersions: [{ LaunchTemplateName: 'web-asg' }] });

    const report = await applyRetention(build({ keepLatest: 1 }), [{ region: 'eu-west-1', amiId: IMAGE_ID }], { keepLatest: 1 });

    expect(report.deregistered).toEqual([]);
    expect(report.skipped).toEqual([
      { imageId: olderImage(1, 0).ImageId, reason: 'deregistration protection is on' },
      { imageId: olderImage(2, 0).ImageId, reason: 'in use by instance i-0000000000000000a (retention.keepIfInUse)' },
      { imageId: olderImage(3, 0).ImageId, reason: 'in use by launch template web-asg (retention.keepIfInUse)' },
    ]);
    expect(ec2Mock).not.toHaveReceivedCommand(DeregisterImageCommand);
  });

  test('with keepIfInUse false, images in use are removed too', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [olderImage(1, 3)] });

    const report = await applyRetention(build({ keepLatest: 1, keepIfInUse: false }), [{ region: 'eu-west-1', amiId: IMAGE_ID }], { keepLatest: 1, keepIfInUse: false });

    expect(report.deregistered).toEqual([olderImage(1, 0).ImageId]);
    expect(ec2Mock).not.toHaveReceivedCommand(DescribeInstancesCommand);
  });
});
