import {
  CopyImageCommand, CopyImageCommandInput, DeregisterImageCommand, DescribeImagesCommand, DescribeSnapshotsCommand, EC2Client, Image,
} from '@aws-sdk/client-ec2';
import { BUILD_TAG, ec2, launch } from './helpers';
import { SdkWorld, sdkWorld } from './sdk-helpers';

let world: SdkWorld;
let west: EC2Client;
let east: EC2Client;

function setup(faults: string[] = []): void {
  world = sdkWorld({ faults });
  west = world.ec2('eu-west-1');
  east = world.ec2('us-east-1');
}

beforeEach(() => setup());
afterEach(() => world.restore());

const MINUTE = 60_000;
const UNENCRYPTED_ROOT = { BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8, VolumeType: 'gp3', DeleteOnTermination: true } }] };

/** An available image of the account in us-east-1 (16 GiB encrypted root unless told otherwise), tagged Team=web. */
function sourceImage(launchExtra: object = {}, name = 'web-1'): string {
  const instanceId = launch(world.account, launchExtra);
  world.clock.tick(30_000);
  const { ImageId } = ec2(world.account, 'CreateImage', {
    InstanceId: instanceId, Name: name, NoReboot: true, TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'Team', Value: 'web' }] }],
  });
  world.clock.tick(30 * MINUTE);
  return ImageId;
}

function copyInput(sourceImageId: string, extra: Partial<CopyImageCommandInput> = {}): CopyImageCommandInput {
  return { SourceRegion: 'us-east-1', SourceImageId: sourceImageId, Name: 'web-1', ...extra };
}

async function image(client: EC2Client, imageId: string): Promise<Image> {
  return (await world.settle(client.send(new DescribeImagesCommand({ ImageIds: [imageId] })))).Images![0];
}

async function snapshotsOf(client: EC2Client, copy: Image) {
  const ids = copy.BlockDeviceMappings!.map((m) => m.Ebs!.SnapshotId!);
  return (await world.settle(client.send(new DescribeSnapshotsCommand({ SnapshotIds: ids })))).Snapshots!;
}

describe('CopyImage', () => {
  test('answers with a pending copy in the target region, with new snapshots of the same sizes, tagged as asked', async () => {
    const source = sourceImage();
    const tags = [{ Key: BUILD_TAG, Value: 'b-1' }];
    const { ImageId } = await world.settle(west.send(new CopyImageCommand(copyInput(source, {
      Description: 'web servers',
      TagSpecifications: [{ ResourceType: 'image', Tags: tags }, { ResourceType: 'snapshot', Tags: tags }],
    }))));
    expect(ImageId).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(ImageId).not.toBe(source);

    const copy = await image(west, ImageId!);
    expect(copy).toMatchObject({
      Name: 'web-1',
      Description: 'web servers',
      State: 'pending',
      OwnerId: world.account.accountId,
      SourceImageId: source,
      SourceImageRegion: 'us-east-1',
      Tags: tags,
      Architecture: 'x86_64',
      RootDeviceName: '/dev/sda1',
    });
    const original = await image(east, source);
    expect(copy.BlockDeviceMappings!.map((m) => m.Ebs!.SnapshotId)).not.toEqual(original.BlockDeviceMappings!.map((m) => m.Ebs!.SnapshotId));
    const snapshots = await snapshotsOf(west, copy);
    expect(snapshots.map((s) => [s.VolumeSize, s.Tags])).toEqual([[16, tags]]);
    expect(snapshots[0].State).toBe('pending');
    // The copy is not in the source region, and the source is not in the target region.
    expect((await world.settle(east.send(new DescribeImagesCommand({ Owners: ['self'] })))).Images!.map((i) => i.ImageId)).toEqual([source]);
    expect(world.account.leakedResources(0, [source])).toEqual(expect.arrayContaining([ImageId, snapshots[0].SnapshotId]));
  });

  test('becomes available after the base time plus the per-GiB time (3–6 min + 5–15 s per GiB)', async () => {
    const { ImageId } = await world.settle(west.send(new CopyImageCommand(copyInput(sourceImage()))));
    await world.clock.tickAsync(4 * MINUTE);
    expect((await image(west, ImageId!)).State).toBe('pending');
    await world.clock.tickAsync(6 * MINUTE);
    const copy = await image(west, ImageId!);
    expect(copy.State).toBe('available');
    expect((await snapshotsOf(west, copy))[0]).toMatchObject({ State: 'completed', Progress: '100%' });
  });

  test('timings can be set: copyBaseMs and copyPerGiBMs', async () => {
    world.restore();
    world = sdkWorld({ timings: { copyBaseMs: [60 * MINUTE, 60 * MINUTE], copyPerGiBMs: [MINUTE, MINUTE] } });
    west = world.ec2('eu-west-1');
    const { ImageId } = await world.settle(west.send(new CopyImageCommand(copyInput(sourceImage()))));
    await world.clock.tickAsync(75 * MINUTE);
    expect((await image(west, ImageId!)).State).toBe('pending');
    await world.clock.tickAsync(2 * MINUTE);
    expect((await image(west, ImageId!)).State).toBe('available');
  });

  test('CopyImageTags copies the source tags; TagSpecifications add to them', async () => {
    const source = sourceImage();
    const { ImageId } = await world.settle(west.send(new CopyImageCommand(copyInput(source, {
      CopyImageTags: true, TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'Stage', Value: 'prod' }] }],
    }))));
    const copy = await image(west, ImageId!);
    expect(copy.Tags).toEqual([{ Key: 'Team', Value: 'web' }, { Key: 'Stage', Value: 'prod' }]);
    expect(copy.Description).toBe(`[Copied ${source} from us-east-1] web-1`);
  });

  describe('encryption', () => {
    test('Encrypted without a key: the target region\'s AWS managed key (alias aws/ebs)', async () => {
      const { ImageId } = await world.settle(west.send(new CopyImageCommand(copyInput(sourceImage(UNENCRYPTED_ROOT), { Encrypted: true }))));
      const copy = await image(west, ImageId!);
      expect(copy.BlockDeviceMappings![0].Ebs!.Encrypted).toBe(true);
      expect((await snapshotsOf(west, copy))[0]).toMatchObject({
        Encrypted: true, KmsKeyId: `arn:aws:kms:eu-west-1:${world.account.accountId}:alias/aws/ebs`,
      });
    });

    test('a KmsKeyId is used as given (as an ARN in the target region)', async () => {
      const source = sourceImage(UNENCRYPTED_ROOT);
      const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      const byArn = await world.settle(west.send(new CopyImageCommand(copyInput(source, { Encrypted: true, KmsKeyId: keyArn }))));
      const byAlias = await world.settle(west.send(new CopyImageCommand(copyInput(source, { Name: 'web-2', Encrypted: true, KmsKeyId: 'alias/images' }))));
      expect((await snapshotsOf(west, await image(west, byArn.ImageId!)))[0].KmsKeyId).toBe(keyArn);
      expect((await snapshotsOf(west, await image(west, byAlias.ImageId!)))[0].KmsKeyId).toBe('arn:aws:kms:eu-west-1:123456789012:alias/images');
    });

    test('copies of encrypted snapshots stay encrypted: the source key in its region, the default key elsewhere', async () => {
      const source = sourceImage({ BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8, Encrypted: true, KmsKeyId: 'alias/images' } }] });
      const sameRegion = await world.settle(east.send(new CopyImageCommand(copyInput(source, { Name: 'web-1-copy' }))));
      const otherRegion = await world.settle(west.send(new CopyImageCommand(copyInput(source))));
      expect((await snapshotsOf(east, await image(east, sameRegion.ImageId!)))[0]).toMatchObject({ Encrypted: true, KmsKeyId: 'alias/images' });
      expect((await snapshotsOf(west, await image(west, otherRegion.ImageId!)))[0])
        .toMatchObject({ Encrypted: true, KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:alias/aws/ebs' });
    });

    test('KmsKeyId without Encrypted=true is refused', async () => {
      const error = await world.failure(west.send(new CopyImageCommand(copyInput(sourceImage(), { KmsKeyId: 'alias/images' }))));
      expect(error).toMatchObject({ name: 'InvalidParameterDependency', message: 'The parameter KmsKeyId requires the parameter Encrypted to be set.' });
    });
  });

  describe('validation', () => {
    test('the source must exist in the source region, be visible and be available', async () => {
      const source = sourceImage();
      const wrongRegion = await world.failure(west.send(new CopyImageCommand(copyInput(source, { SourceRegion: 'eu-central-1' }))));
      expect(wrongRegion).toMatchObject({ name: 'InvalidAMIID.NotFound', message: `The image id '[${source}]' does not exist` });
      expect((await world.failure(west.send(new CopyImageCommand(copyInput('ami-nope'))))).name).toBe('InvalidAMIID.Malformed');

      const instanceId = launch(world.account);
      world.clock.tick(30_000);
      const pending = ec2(world.account, 'CreateImage', { InstanceId: instanceId, Name: 'web-2', NoReboot: true }).ImageId;
      const unavailable = await world.failure(west.send(new CopyImageCommand(copyInput(pending, { Name: 'web-2' }))));
      expect(unavailable).toMatchObject({
        name: 'InvalidAMIID.Unavailable', message: `The AMI ID '${pending}' is currently pending and may not be used for this operation`,
      });

      ec2(world.account, 'DeregisterImage', { ImageId: source });
      expect((await world.failure(west.send(new CopyImageCommand(copyInput(source))))).name).toBe('InvalidAMIID.NotFound');
    });

    test('public catalog images can be copied; the name must be valid and unused in the target region', async () => {
      const ubuntu = world.account.region('us-east-1').parameters
        .get('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id')!.value;
      const { ImageId } = await world.settle(west.send(new CopyImageCommand(copyInput(ubuntu, { Name: 'my-ubuntu' }))));
      expect((await image(west, ImageId!)).OwnerId).toBe(world.account.accountId);

      const duplicate = await world.failure(west.send(new CopyImageCommand(copyInput(ubuntu, { Name: 'my-ubuntu' }))));
      expect(duplicate).toMatchObject({ name: 'InvalidAMIName.Duplicate', message: `AMI name my-ubuntu is already in use by AMI ${ImageId}` });
      expect((await world.failure(west.send(new CopyImageCommand(copyInput(ubuntu, { Name: 'no' }))))).name).toBe('InvalidAMIName.Malformed');
      expect((await world.failure(west.send(new CopyImageCommand(copyInput(ubuntu, { Name: undefined }))))).name).toBe('MissingParameter');
      // The same name is free in another region.
      expect((await world.settle(east.send(new CopyImageCommand(copyInput(ubuntu, { Name: 'my-ubuntu' }))))).ImageId).toMatch(/^ami-/);
    });
  });

  describe('ClientToken', () => {
    test('a retry with the same token returns the same copy and makes no other', async () => {
      const source = sourceImage();
      const input = copyInput(source, { ClientToken: 'b-1:eu-west-1' });
      const first = await world.settle(west.send(new CopyImageCommand(input)));
      const again = await world.settle(west.send(new CopyImageCommand(input)));
      expect(again.ImageId).toBe(first.ImageId);
      const own = await world.settle(west.send(new DescribeImagesCommand({ Owners: ['self'] })));
      expect(own.Images!.map((i) => i.ImageId)).toEqual([first.ImageId]);
      expect(world.account.region('eu-west-1').snapshots.size - world.account.region('eu-central-1').snapshots.size).toBe(1);

      const mismatch = await world.failure(west.send(new CopyImageCommand({ ...input, Name: 'web-9' })));
      expect(mismatch.name).toBe('IdempotentParameterMismatch');
    });
  });
});

describe('copy faults', () => {
  test('copy:<region>:fail ends copies into that region failed with a reason; deregistering leaves the snapshots', async () => {
    world.restore();
    setup(['copy:eu-west-1:fail']);
    const source = sourceImage();
    const { ImageId } = await world.settle(west.send(new CopyImageCommand(copyInput(source))));
    const elsewhere = await world.settle(world.ec2('eu-central-1').send(new CopyImageCommand(copyInput(source))));
    await world.clock.tickAsync(60 * MINUTE);
    const failed = await image(west, ImageId!);
    expect(failed.State).toBe('failed');
    expect(failed.StateReason!.Message).toMatch(/copy:eu-west-1:fail/);
    expect((await image(world.ec2('eu-central-1'), elsewhere.ImageId!)).State).toBe('available');

    const snapshotIds = failed.BlockDeviceMappings!.map((m) => m.Ebs!.SnapshotId);
    await world.settle(west.send(new DeregisterImageCommand({ ImageId })));
    const left = await world.settle(west.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] })));
    expect(left.Snapshots!.map((s) => s.SnapshotId)).toEqual(snapshotIds);
  });

  test('copy:<region>:never-available keeps copies pending; a pending copy can be deregistered', async () => {
    world.restore();
    setup(['copy:eu-west-1:never-available']);
    const { ImageId } = await world.settle(west.send(new CopyImageCommand(copyInput(sourceImage()))));
    await world.clock.tickAsync(6 * 60 * MINUTE);
    expect((await image(west, ImageId!)).State).toBe('pending');
    expect((await world.settle(west.send(new DeregisterImageCommand({ ImageId })))).Return).toBe(true);
    expect((await world.settle(west.send(new DescribeImagesCommand({ Owners: ['self'] })))).Images).toEqual([]);
    expect((await world.settle(west.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] })))).Snapshots).toHaveLength(1);
  });
});
