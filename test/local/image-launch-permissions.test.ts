import {
  DescribeImageAttributeCommand, DescribeImagesCommand, EC2Client, ModifyImageAttributeCommand, ModifyImageAttributeCommandInput,
} from '@aws-sdk/client-ec2';
import { CUSTOMER_KEY_ROOT, ec2, launch, newestUbuntu } from './helpers';
import { SdkWorld, sdkWorld } from './sdk-helpers';
import { inventory, SimulatedAccount } from '../../local/model';

let world: SdkWorld;
let client: EC2Client;

beforeEach(() => {
  world = sdkWorld();
  client = world.ec2();
});
afterEach(() => world.restore());

const OTHER = '210987654321';
const ORGANIZATION = 'arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5';
const OU = 'arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56';
const UNENCRYPTED = { BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8 } }] };

/** A new image of the account (root encrypted with a customer key unless told otherwise); available unless `wait` is false. */
function newImage(launchExtra: object = CUSTOMER_KEY_ROOT, name = 'web-1', wait = true): string {
  const instanceId = launch(world.account, launchExtra);
  world.clock.tick(30_000);
  const { ImageId } = ec2(world.account, 'CreateImage', { InstanceId: instanceId, Name: name, NoReboot: true });
  if (wait) world.clock.tick(30 * 60_000);
  return ImageId;
}

function modify(imageId: string, input: Omit<ModifyImageAttributeCommandInput, 'ImageId'>) {
  return client.send(new ModifyImageAttributeCommand({ ImageId: imageId, ...input }));
}

async function launchPermissions(imageId: string) {
  const answer = await world.settle(client.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' })));
  expect(answer.ImageId).toBe(imageId);
  return answer.LaunchPermissions;
}

test('launch permissions keep their kind: DescribeImageAttribute returns each in its own field', async () => {
  const imageId = newImage();
  expect(await launchPermissions(imageId)).toEqual([]);
  const add = [{ UserId: OTHER }, { OrganizationArn: ORGANIZATION }, { OrganizationalUnitArn: OU }];
  await world.settle(modify(imageId, { LaunchPermission: { Add: add } }));
  expect(await launchPermissions(imageId)).toEqual([{ UserId: OTHER }, { OrganizationArn: ORGANIZATION }, { OrganizationalUnitArn: OU }]);

  await world.settle(modify(imageId, { Attribute: 'launchPermission', OperationType: 'remove', UserIds: [OTHER], OrganizationArns: [ORGANIZATION] }));
  await world.settle(modify(imageId, { OperationType: 'add', UserIds: ['111122223333'] }));
  expect(await launchPermissions(imageId)).toEqual([{ OrganizationalUnitArn: OU }, { UserId: '111122223333' }]);
  expect(inventory(world.account).images[0].launchPermissions).toEqual([OU, '111122223333']);
});

test('Group all makes an unencrypted image public; an image with encrypted snapshots cannot be made public', async () => {
  const plain = newImage(UNENCRYPTED);
  await world.settle(modify(plain, { OperationType: 'add', UserGroups: ['all'] }));
  expect(await launchPermissions(plain)).toEqual([{ Group: 'all' }]);
  const described = await world.settle(client.send(new DescribeImagesCommand({ ImageIds: [plain] })));
  expect(described.Images![0].Public).toBe(true);
  await world.settle(modify(plain, { LaunchPermission: { Remove: [{ Group: 'all' }] } }));
  expect((await world.settle(client.send(new DescribeImagesCommand({ ImageIds: [plain] })))).Images![0].Public).toBe(false);

  const encrypted = newImage(CUSTOMER_KEY_ROOT, 'web-2');
  const refused = await world.failure(modify(encrypted, { LaunchPermission: { Add: [{ Group: 'all' }] } }));
  expect(refused).toMatchObject({ name: 'UnsupportedOperation', message: 'Encrypted snapshots can’t be shared publicly. Specify another snapshot.' });
  expect(await launchPermissions(encrypted)).toEqual([]);
});

test('an image whose snapshots use the AWS managed key cannot be shared with accounts, organizations or OUs', async () => {
  const managed = newImage({ BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8, Encrypted: true } }] });
  for (const permission of [{ UserId: OTHER }, { OrganizationArn: ORGANIZATION }, { OrganizationalUnitArn: OU }]) {
    const refused = await world.failure(modify(managed, { LaunchPermission: { Add: [permission] } }));
    expect(refused).toMatchObject({ name: 'InvalidParameter', message: 'Snapshots encrypted with the AWS Managed CMK can\'t be shared. Specify another snapshot.' });
  }
  expect(await launchPermissions(managed)).toEqual([]);
});

test.each([
  [{ OperationType: 'add', UserIds: ['12345'] }, 'Invalid attribute item value "12345" for userId item type.'],
  [{ LaunchPermission: { Add: [{ Group: 'everyone' }] } }, 'Invalid attribute item value "everyone" for group item type.'],
  [{ LaunchPermission: { Add: [{ OrganizationArn: 'arn:aws:organizations::111111111111:account/o-a1b2c3d4e5' }] } },
    'Invalid attribute item value "arn:aws:organizations::111111111111:account/o-a1b2c3d4e5" for OrganizationArn item type.'],
  [{ OperationType: 'add', OrganizationalUnitArns: ['arn:aws:organizations::111111111111:ou/path/to'] },
    'Invalid attribute item value "arn:aws:organizations::111111111111:ou/path/to" for OrganizationalUnitArn item type.'],
])('a malformed launch permission is refused: %j', async (input, message) => {
  const imageId = newImage();
  const error = await world.failure(modify(imageId, input as Omit<ModifyImageAttributeCommandInput, 'ImageId'>));
  expect(error).toMatchObject({ name: 'InvalidAMIAttributeItemValue', message });
  expect(await launchPermissions(imageId)).toEqual([]);
});

test('other refusals: two kinds in one entry, no changes, a pending image, a bad operation', async () => {
  const imageId = newImage();
  expect((await world.failure(modify(imageId, { LaunchPermission: { Add: [{ UserId: OTHER, Group: 'all' }] } }))).name).toBe('InvalidParameterCombination');
  const missing = await world.failure(modify(imageId, { Attribute: 'launchPermission' }));
  expect(missing).toMatchObject({ name: 'MissingParameter', message: 'The request must contain the parameter LaunchPermission' });
  expect((await world.failure(modify(imageId, { OperationType: 'share' as 'add', UserIds: [OTHER] }))).name).toBe('InvalidParameterValue');

  const pending = newImage(CUSTOMER_KEY_ROOT, 'web-2', false);
  const unavailable = await world.failure(modify(pending, { LaunchPermission: { Add: [{ UserId: OTHER }] } }));
  expect(unavailable).toMatchObject({
    name: 'InvalidAMIID.Unavailable', message: `The AMI ID '${pending}' is currently pending and may not be used for this operation`,
  });
  // Other attributes can still change while it is pending.
  await world.settle(modify(pending, { ImdsSupport: { Value: 'v2.0' } }));
});

test('DescribeImageAttribute: other attributes, and launch permissions only for the owner', async () => {
  const imageId = newImage();
  await world.settle(modify(imageId, { Description: { Value: 'web servers' }, ImdsSupport: { Value: 'v2.0' } }));
  const attribute = (name: string, id = imageId) => world.settle(client.send(new DescribeImageAttributeCommand({ ImageId: id, Attribute: name as 'description' })));
  expect((await attribute('description')).Description).toEqual({ Value: 'web servers' });
  expect((await attribute('imdsSupport')).ImdsSupport).toEqual({ Value: 'v2.0' });
  expect((await attribute('deregistrationProtection')).DeregistrationProtection).toEqual({ Value: 'disabled' });
  expect((await attribute('blockDeviceMapping')).BlockDeviceMappings![0].Ebs).toMatchObject({ VolumeSize: 16, Encrypted: true });

  const ubuntu = newestUbuntu(world.account);
  expect((await attribute('description', ubuntu)).Description!.Value).toMatch(/Canonical/);
  const notOwner = await world.failure(client.send(new DescribeImageAttributeCommand({ ImageId: ubuntu, Attribute: 'launchPermission' })));
  expect(notOwner).toMatchObject({ name: 'AuthFailure', message: `Not authorized for image:${ubuntu}` });
  expect((await world.failure(attribute('colour'))).name).toBe('InvalidParameterValue');
  expect((await world.failure(client.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: undefined })))).name).toBe('MissingParameter');
});

test('launch permissions saved as plain values (an older state) load with their kinds', () => {
  const imageId = newImage();
  ec2(world.account, 'ModifyImageAttribute', { ImageId: imageId, LaunchPermission: { Add: [{ UserId: OTHER }, { OrganizationalUnitArn: OU }] } });
  const state = JSON.parse(JSON.stringify(world.account.toState()));
  const saved = state.regions[0].images.find((i: { id: string }) => i.id === imageId);
  expect(saved.launchPermissions).toEqual({ $map: [[OTHER, 'UserId'], [OU, 'OrganizationalUnitArn']] });
  saved.launchPermissions = { $set: [OTHER, ORGANIZATION, OU] };
  const loaded = SimulatedAccount.fromState(state);
  expect(loaded.invoke('ec2', 'DescribeImageAttribute', { ImageId: imageId, Attribute: 'launchPermission' })).toEqual({
    ImageId: imageId,
    LaunchPermissions: [{ UserId: OTHER }, { OrganizationArn: ORGANIZATION }, { OrganizationalUnitArn: OU }],
  });
});
