import { BUILD_TAG, ec2, errorOf, launch, setup, ssm, START, FakeClock } from './helpers';
import { SimulatedAccount } from '../../local/model';

let account: SimulatedAccount;
let clock: FakeClock;

beforeEach(() => ({ account, clock } = setup()));
afterEach(() => clock.uninstall());

function newestByName(images: { CreationDate: string; ImageId: string }[]): string {
  return [...images].sort((a, b) => b.CreationDate.localeCompare(a.CreationDate))[0].ImageId;
}

/** A running instance and an image made from it; returns both ids. */
function bakeImage(name = 'web-1', extra: object = {}): { instanceId: string; imageId: string } {
  const instanceId = launch(account);
  clock.tick(30_000);
  const { ImageId } = ec2(account, 'CreateImage', {
    InstanceId: instanceId,
    Name: name,
    NoReboot: true,
    TagSpecifications: [
      { ResourceType: 'image', Tags: [{ Key: BUILD_TAG, Value: 'b-1' }] },
      { ResourceType: 'snapshot', Tags: [{ Key: BUILD_TAG, Value: 'b-1' }] },
    ],
    ...extra,
  });
  return { instanceId, imageId: ImageId };
}

function describeImage(imageId: string): any {
  return ec2(account, 'DescribeImages', { ImageIds: [imageId] }).Images[0];
}

test('the catalog has dated versions and the public parameters point at the newest', () => {
  const ubuntu = ec2(account, 'DescribeImages', {
    Owners: ['099720109477'],
    Filters: [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*'] }, { Name: 'state', Values: ['available'] }],
  }).Images;
  expect(ubuntu.length).toBeGreaterThanOrEqual(3);
  const param = ssm(account, 'GetParameter', { Name: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' });
  expect(param.Parameter.Value).toBe(newestByName(ubuntu));
  expect(ubuntu[0]).toMatchObject({ Architecture: 'x86_64', RootDeviceName: '/dev/sda1', Public: true, State: 'available' });
  expect(ubuntu[0].BlockDeviceMappings[0].Ebs.SnapshotId).toMatch(/^snap-/);

  const al2023 = ec2(account, 'DescribeImages', { Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-2023.*-kernel-6.1-arm64'] }] }).Images;
  expect(al2023.every((i: any) => i.Architecture === 'arm64' && i.RootDeviceName === '/dev/xvda' && i.ImageOwnerAlias === 'amazon')).toBe(true);
  expect(ssm(account, 'GetParameter', { Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64' }).Parameter.Value).toBe(newestByName(al2023));
  const windows = ssm(account, 'GetParameter', { Name: '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base' }).Parameter.Value;
  expect(describeImage(windows)).toMatchObject({ Platform: 'windows', OwnerId: '801119661308' });
  expect(ssm(account, 'GetParameter', { Name: '/aws/service/canonical/ubuntu/server/22.04/stable/current/arm64/hvm/ebs-gp2/ami-id' }).Parameter.Value).toMatch(/^ami-/);
});

test('catalog ids differ per region and are the same for every seed', () => {
  const other = new SimulatedAccount({ seed: 999 });
  const param = { Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' };
  expect(ssm(other, 'GetParameter', param).Parameter.Value).toBe(ssm(account, 'GetParameter', param).Parameter.Value);
  expect(ssm(account, 'GetParameter', param, 'eu-west-1').Parameter.Value).not.toBe(ssm(account, 'GetParameter', param).Parameter.Value);
});

test('CreateImage: pending, then available after a size-dependent time, with tagged snapshots', () => {
  const { imageId } = bakeImage();
  const pending = describeImage(imageId);
  expect(pending).toMatchObject({ State: 'pending', Name: 'web-1', OwnerId: '123456789012', Public: false });
  expect(pending.CreationDate).toBe(new Date(START + 30_000).toISOString());
  const snapshots = ec2(account, 'DescribeSnapshots', { OwnerIds: ['self'], Filters: [{ Name: `tag:${BUILD_TAG}`, Values: ['b-1'] }] }).Snapshots;
  expect(snapshots.map((s: any) => s.SnapshotId)).toEqual([pending.BlockDeviceMappings[0].Ebs.SnapshotId]);
  expect(snapshots[0]).toMatchObject({ VolumeSize: 16, Encrypted: true, State: 'pending' });
  clock.tick(60_000);
  expect(describeImage(imageId).State).toBe('pending');
  clock.tick(20 * 60_000);
  expect(describeImage(imageId).State).toBe('available');
  ec2(account, 'ModifyImageAttribute', { ImageId: imageId, ImdsSupport: { Value: 'v2.0' } });
  expect(describeImage(imageId).ImdsSupport).toBe('v2.0');
  expect(ec2(account, 'DescribeImages', { Owners: ['self'], Filters: [{ Name: 'name', Values: ['web-1'] }] }).Images).toHaveLength(1);
});

test('image names are unique per region and must be well formed', () => {
  const { instanceId, imageId } = bakeImage('web-1');
  const duplicate = errorOf(() => ec2(account, 'CreateImage', { InstanceId: instanceId, Name: 'web-1', NoReboot: true }));
  expect(duplicate.name).toBe('InvalidAMIName.Duplicate');
  expect(duplicate.message).toContain(imageId);
  expect(errorOf(() => ec2(account, 'CreateImage', { InstanceId: instanceId, Name: 'a{b}c' })).name).toBe('InvalidAMIName.Malformed');
  expect(errorOf(() => ec2(account, 'CreateImage', { InstanceId: instanceId, Name: 'ab' })).name).toBe('InvalidAMIName.Malformed');
  expect(ec2(account, 'CreateImage', { InstanceId: instanceId, Name: "web (2) [x] ./-'@_", NoReboot: true }).ImageId).toMatch(/^ami-/);
});

test('snapshots survive DeregisterImage and cannot be deleted while an image uses them', () => {
  const { imageId } = bakeImage();
  clock.tick(30 * 60_000);
  const snapshotId = describeImage(imageId).BlockDeviceMappings[0].Ebs.SnapshotId;
  const inUse = errorOf(() => ec2(account, 'DeleteSnapshot', { SnapshotId: snapshotId }));
  expect(inUse.name).toBe('InvalidSnapshot.InUse');
  expect(inUse.message).toContain(imageId);

  ec2(account, 'DeregisterImage', { ImageId: imageId });
  expect(ec2(account, 'DescribeImages', { ImageIds: [imageId] }).Images).toEqual([]);
  expect(ec2(account, 'DescribeSnapshots', { SnapshotIds: [snapshotId] }).Snapshots[0].State).toBe('completed');
  expect(account.leakedResources(START)).toContain(snapshotId);

  // EC2 releases a deregistered image's snapshots a moment later.
  clock.tick(5_000);
  ec2(account, 'DeleteSnapshot', { SnapshotId: snapshotId });
  expect(errorOf(() => ec2(account, 'DeleteSnapshot', { SnapshotId: snapshotId })).name).toBe('InvalidSnapshot.NotFound');
  expect(account.leakedResources(START)).not.toContain(snapshotId);
});

/** An image, half an hour old, in an account whose deregistered images release their snapshots after `ms`. */
function imageReleasingSnapshotsAfter(ms: number): { imageId: string; snapshotId: string } {
  clock.uninstall();
  ({ account, clock } = setup({ timings: { snapshotReleaseMs: [ms, ms] } }));
  const { imageId } = bakeImage();
  clock.tick(30 * 60_000);
  return { imageId, snapshotId: describeImage(imageId).BlockDeviceMappings[0].Ebs.SnapshotId };
}

test('right after DeregisterImage its snapshots stay in use for a moment, as EC2 keeps them', () => {
  const { imageId, snapshotId } = imageReleasingSnapshotsAfter(3_000);

  ec2(account, 'DeregisterImage', { ImageId: imageId });
  const atOnce = errorOf(() => ec2(account, 'DeleteSnapshot', { SnapshotId: snapshotId }));
  clock.tick(3_001);

  expect(atOnce).toMatchObject({ name: 'InvalidSnapshot.InUse', message: expect.stringContaining(imageId) });
  expect(ec2(account, 'DeleteSnapshot', { SnapshotId: snapshotId })).toEqual({});
});

test('DeregisterImage with DeleteAssociatedSnapshots deletes them at once, as EC2 does', () => {
  const { imageId, snapshotId } = imageReleasingSnapshotsAfter(3_000);

  const result = ec2(account, 'DeregisterImage', { ImageId: imageId, DeleteAssociatedSnapshots: true });

  expect(result.DeleteSnapshotResults).toEqual([{ SnapshotId: snapshotId, ReturnCode: 'success' }]);
  expect(errorOf(() => ec2(account, 'DeleteSnapshot', { SnapshotId: snapshotId })).name).toBe('InvalidSnapshot.NotFound');
});

test('CreateImage needs a running or stopped instance, and reboots it unless NoReboot', () => {
  const instanceId = launch(account);
  expect(errorOf(() => ec2(account, 'CreateImage', { InstanceId: instanceId, Name: 'too-early' })).name).toBe('IncorrectInstanceState');
  clock.tick(90_000);
  ec2(account, 'CreateImage', { InstanceId: instanceId, Name: 'with-reboot' });
  const info = ssm(account, 'DescribeInstanceInformation', { Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] });
  expect(info.InstanceInformationList[0].PingStatus).toBe('ConnectionLost');
  clock.tick(60_000);
  expect(ssm(account, 'DescribeInstanceInformation', {}).InstanceInformationList[0].PingStatus).toBe('Online');
});

test('leakedResources lists what a bake left behind, minus what it keeps', () => {
  const since = Date.now();
  const { instanceId, imageId } = bakeImage();
  clock.tick(30 * 60_000);
  const snapshotId = describeImage(imageId).BlockDeviceMappings[0].Ebs.SnapshotId;
  const volumeId = ec2(account, 'DescribeVolumes', { Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }).Volumes[0].VolumeId;
  expect(account.leakedResources(since)).toEqual(expect.arrayContaining([instanceId, volumeId, imageId, snapshotId]));
  ec2(account, 'TerminateInstances', { InstanceIds: [instanceId] });
  // A volume deleted on termination goes with its instance: shutting down counts as gone.
  expect(account.leakedResources(since, [imageId, snapshotId])).toEqual([]);
  clock.tick(60_000);
  expect(account.leakedResources(since, [imageId, snapshotId])).toEqual([]);
  expect(account.leakedResources(Date.now())).toEqual([]);
});
