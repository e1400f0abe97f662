import {
  DescribeSnapshotAttributeCommand, DescribeSnapshotsCommand, EC2Client, ModifySnapshotAttributeCommand, ModifySnapshotAttributeCommandInput,
} from '@aws-sdk/client-ec2';
import { ec2, launch } from './helpers';
import { SdkWorld, sdkWorld } from './sdk-helpers';
import { SimulatedAccount } from '../../local/model';

let world: SdkWorld;
let client: EC2Client;

beforeEach(() => {
  world = sdkWorld();
  client = world.ec2();
});
afterEach(() => world.restore());

const OTHER = '210987654321';

/** The snapshot of a new image whose root volume is launched with `ebs`. */
function snapshotOfImage(ebs: object, name = 'web-1'): string {
  const instanceId = launch(world.account, { BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8, ...ebs } }] });
  world.clock.tick(30_000);
  const { ImageId } = ec2(world.account, 'CreateImage', { InstanceId: instanceId, Name: name, NoReboot: true });
  world.clock.tick(30 * 60_000);
  return ec2(world.account, 'DescribeImages', { ImageIds: [ImageId] }).Images[0].BlockDeviceMappings[0].Ebs.SnapshotId;
}

function modify(input: Omit<ModifySnapshotAttributeCommandInput, 'SnapshotId'>, snapshotId: string) {
  return client.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, ...input }));
}

async function permissions(snapshotId: string) {
  const answer = await world.settle(client.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' })));
  expect(answer.SnapshotId).toBe(snapshotId);
  return answer.CreateVolumePermissions;
}

test('an unencrypted snapshot is shared with accounts and made public, in either request form', async () => {
  const snapshotId = snapshotOfImage({});
  expect(await permissions(snapshotId)).toEqual([]);
  await world.settle(modify({ Attribute: 'createVolumePermission', CreateVolumePermission: { Add: [{ UserId: OTHER }, { Group: 'all' }] } }, snapshotId));
  expect(await permissions(snapshotId)).toEqual([{ UserId: OTHER }, { Group: 'all' }]);

  await world.settle(modify({ Attribute: 'createVolumePermission', OperationType: 'remove', GroupNames: ['all'] }, snapshotId));
  await world.settle(modify({ OperationType: 'add', UserIds: ['111122223333'] }, snapshotId));
  expect(await permissions(snapshotId)).toEqual([{ UserId: OTHER }, { UserId: '111122223333' }]);
  await world.settle(modify({ CreateVolumePermission: { Remove: [{ UserId: OTHER }] } }, snapshotId));
  expect(await permissions(snapshotId)).toEqual([{ UserId: '111122223333' }]);

  // DescribeSnapshots does not show who a snapshot is shared with.
  const described = await world.settle(client.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] })));
  expect(Object.keys(described.Snapshots![0])).not.toContain('CreateVolumePermissions');
  const products = await world.settle(client.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'productCodes' })));
  expect(products.ProductCodes).toEqual([]);
});

test('a snapshot encrypted with the AWS managed key cannot be shared; none encrypted can be made public', async () => {
  const managed = snapshotOfImage({ Encrypted: true });
  const described = await world.settle(client.send(new DescribeSnapshotsCommand({ SnapshotIds: [managed] })));
  expect(described.Snapshots![0].KmsKeyId).toBe('arn:aws:kms:us-east-1:123456789012:alias/aws/ebs');
  const shared = await world.failure(modify({ CreateVolumePermission: { Add: [{ UserId: OTHER }] } }, managed));
  expect(shared).toMatchObject({ name: 'OperationNotPermitted', message: 'Encrypted snapshots with EBS default key cannot be shared', $fault: 'client' });
  const madePublic = await world.failure(modify({ OperationType: 'add', GroupNames: ['all'] }, managed));
  expect(madePublic).toMatchObject({ name: 'OperationNotPermitted', message: 'Encrypted snapshots cannot be shared publicly' });

  const customer = snapshotOfImage({ Encrypted: true, KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, 'web-2');
  await world.settle(modify({ CreateVolumePermission: { Add: [{ UserId: OTHER }] } }, customer));
  expect(await permissions(customer)).toEqual([{ UserId: OTHER }]);
  expect((await world.failure(modify({ CreateVolumePermission: { Add: [{ Group: 'all' }] } }, customer))).name).toBe('OperationNotPermitted');
  expect(await permissions(managed)).toEqual([]);
});

test('requests are checked as EC2 checks them', async () => {
  const snapshotId = snapshotOfImage({});
  const badUser = await world.failure(modify({ OperationType: 'add', UserIds: ['12345'] }, snapshotId));
  expect(badUser).toMatchObject({ name: 'InvalidAMIAttributeItemValue', message: 'Invalid attribute item value "12345" for userId item type.' });
  const badGroup = await world.failure(modify({ CreateVolumePermission: { Add: [{ Group: 'everyone' as 'all' }] } }, snapshotId));
  expect(badGroup.name).toBe('InvalidAMIAttributeItemValue');
  expect((await world.failure(modify({ OperationType: 'replace' as 'add', UserIds: [OTHER] }, snapshotId))).name).toBe('InvalidParameterValue');
  expect((await world.failure(modify({}, snapshotId))).name).toBe('MissingParameter');
  expect((await world.failure(client.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: undefined }))))).toMatchObject({
    name: 'MissingParameter',
  });

  const catalogSnapshot = ec2(world.account, 'DescribeImages', { Owners: ['amazon'] }).Images[0].BlockDeviceMappings[0].Ebs.SnapshotId;
  expect((await world.failure(modify({ OperationType: 'add', UserIds: [OTHER] }, catalogSnapshot))).name).toBe('InvalidSnapshot.NotFound');
  expect((await world.failure(modify({ OperationType: 'add', UserIds: [OTHER] }, 'snap-nope'))).name).toBe('InvalidSnapshotID.Malformed');
});

test('permissions are saved with the account', async () => {
  const snapshotId = snapshotOfImage({});
  await world.settle(modify({ OperationType: 'add', UserIds: [OTHER], GroupNames: ['all'] }, snapshotId));
  const loaded = SimulatedAccount.fromState(JSON.parse(JSON.stringify(world.account.toState())));
  const answer = loaded.invoke('ec2', 'DescribeSnapshotAttribute', { SnapshotId: snapshotId, Attribute: 'createVolumePermission' });
  expect(answer).toEqual({ SnapshotId: snapshotId, CreateVolumePermissions: [{ UserId: OTHER }, { Group: 'all' }] });
});
