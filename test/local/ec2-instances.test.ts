import { agentOf, BUILD_TAG, ec2, errorOf, launch, newestUbuntu, setup, stateOf, FakeClock } from './helpers';
import { SimulatedAccount } from '../../local/model';

let account: SimulatedAccount;
let clock: FakeClock;

beforeEach(() => ({ account, clock } = setup()));
afterEach(() => clock.uninstall());

test('an instance goes pending → running → stopping → stopped on the virtual clock', () => {
  const id = launch(account);
  expect(id).toMatch(/^i-[0-9a-f]{17}$/);
  expect(stateOf(account, id)).toBe('pending');
  clock.tick(9_000);
  expect(stateOf(account, id)).toBe('pending');
  clock.tick(12_000);
  expect(stateOf(account, id)).toBe('running');

  const stop = ec2(account, 'StopInstances', { InstanceIds: [id] });
  expect(stop.StoppingInstances[0]).toMatchObject({ PreviousState: { Name: 'running', Code: 16 }, CurrentState: { Name: 'stopping', Code: 64 } });
  clock.tick(29_000);
  expect(stateOf(account, id)).toBe('stopping');
  clock.tick(32_000);
  expect(stateOf(account, id)).toBe('stopped');
});

test('terminated instances stay visible for an hour, and the root volume is deleted with them', () => {
  const id = launch(account);
  clock.tick(30_000);
  const volumeId = ec2(account, 'DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0].BlockDeviceMappings[0].Ebs.VolumeId;
  const volume = ec2(account, 'DescribeVolumes', { VolumeIds: [volumeId] }).Volumes[0];
  expect(volume).toMatchObject({ Size: 16, VolumeType: 'gp3', Encrypted: true, State: 'in-use' });
  expect(volume.Tags).toEqual([{ Key: BUILD_TAG, Value: 'b-1' }]);

  ec2(account, 'TerminateInstances', { InstanceIds: [id] });
  expect(stateOf(account, id)).toBe('shutting-down');
  clock.tick(25_000);
  expect(stateOf(account, id)).toBe('terminated');
  expect(errorOf(() => ec2(account, 'DescribeVolumes', { VolumeIds: [volumeId] })).name).toBe('InvalidVolume.NotFound');
  clock.tick(61 * 60_000);
  expect(errorOf(() => stateOf(account, id)).name).toBe('InvalidInstanceID.NotFound');
});

test('RunInstances is idempotent per ClientToken', () => {
  const first = ec2(account, 'RunInstances', { ImageId: newestUbuntu(account), InstanceType: 't3.small', MinCount: 1, MaxCount: 1, ClientToken: 'tok-1' });
  const again = ec2(account, 'RunInstances', { ImageId: newestUbuntu(account), InstanceType: 't3.small', MinCount: 1, MaxCount: 1, ClientToken: 'tok-1' });
  expect(again.ReservationId).toBe(first.ReservationId);
  expect(again.Instances[0].InstanceId).toBe(first.Instances[0].InstanceId);
  const mismatch = errorOf(() => ec2(account, 'RunInstances', {
    ImageId: newestUbuntu(account), InstanceType: 't3.large', MinCount: 1, MaxCount: 1, ClientToken: 'tok-1',
  }));
  expect(mismatch.name).toBe('IdempotentParameterMismatch');
  expect(ec2(account, 'DescribeInstances').Reservations).toHaveLength(1);
});

test('RunInstances checks the image, the instance type, the architecture and the volume size', () => {
  const base = { InstanceType: 't3.small', MinCount: 1, MaxCount: 1 };
  expect(errorOf(() => ec2(account, 'RunInstances', { ...base, ImageId: 'ami-0123456789abcdef0' })).name).toBe('InvalidAMIID.NotFound');
  expect(errorOf(() => ec2(account, 'RunInstances', { ...base, ImageId: 'ami-nope' })).name).toBe('InvalidAMIID.Malformed');
  const image = newestUbuntu(account);
  expect(errorOf(() => ec2(account, 'RunInstances', { ...base, ImageId: image, InstanceType: 'huge' })).name).toBe('InvalidParameterValue');
  expect(errorOf(() => ec2(account, 'RunInstances', { ...base, ImageId: image, InstanceType: 't4g.small' })).message).toMatch(/architecture 'arm64'/);
  const small = errorOf(() => ec2(account, 'RunInstances', {
    ...base, ImageId: image, BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 4 } }],
  }));
  expect(small.name).toBe('InvalidBlockDeviceMapping');
  expect(ec2(account, 'DescribeInstances').Reservations).toHaveLength(0);
});

test('RunInstances keeps metadata options, profile, tags and launch details', () => {
  const id = launch(account);
  const instance = ec2(account, 'DescribeInstances', { Filters: [{ Name: `tag:${BUILD_TAG}`, Values: ['b-1'] }] }).Reservations[0].Instances[0];
  expect(instance.InstanceId).toBe(id);
  expect(instance.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpEndpoint: 'enabled' });
  expect(instance.IamInstanceProfile.Arn).toBe('arn:aws:iam::123456789012:instance-profile/bakery-instance');
  expect(instance.LaunchTime).toBeInstanceOf(Date);
  expect(instance.RootDeviceName).toBe('/dev/sda1');
  expect(ec2(account, 'DescribeInstances', { Filters: [{ Name: `tag:${BUILD_TAG}`, Values: ['other'] }] }).Reservations).toEqual([]);
  expect(ec2(account, 'DescribeInstances', { Filters: [{ Name: 'instance-state-name', Values: ['pending'] }] }).Reservations).toHaveLength(1);
  expect(errorOf(() => ec2(account, 'DescribeInstances', { Filters: [{ Name: 'instance-state', Values: ['x'] }] })).name).toBe('InvalidParameterValue');
});

test('RunInstances takes the subnet and groups from the primary network interface, never together with top-level ones', () => {
  account.addSubnet({ id: 'subnet-0000000000000000a', zone: 'us-east-1b' });
  const nic = { DeviceIndex: 0, SubnetId: 'subnet-0000000000000000a', Groups: ['sg-0000000000000000b'], AssociatePublicIpAddress: false, DeleteOnTermination: true };
  const id = launch(account, { NetworkInterfaces: [nic] });
  const instance = ec2(account, 'DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0];
  expect(instance.SubnetId).toBe('subnet-0000000000000000a');
  expect(errorOf(() => launch(account, { NetworkInterfaces: [nic], SubnetId: 'subnet-0000000000000000a' })).name).toBe('InvalidParameterCombination');
  expect(errorOf(() => launch(account, { NetworkInterfaces: [nic], SecurityGroupIds: ['sg-0000000000000000b'] })).name).toBe('InvalidParameterCombination');
  expect(errorOf(() => launch(account, { NetworkInterfaces: [{ ...nic, SubnetId: 'nope' }] })).name).toBe('InvalidSubnetID.Malformed');
});

test('unknown profiles are refused when the account lists its profiles', () => {
  clock.uninstall();
  ({ account, clock } = setup({ instanceProfiles: ['bakery-instance'] }));
  expect(launch(account)).toMatch(/^i-/);
  expect(errorOf(() => launch(account, { IamInstanceProfile: { Name: 'missing' } })).message).toMatch(/Invalid IAM Instance Profile name/);
});

test('StopInstances on a pending instance is an IncorrectInstanceState error', () => {
  const id = launch(account);
  expect(errorOf(() => ec2(account, 'StopInstances', { InstanceIds: [id] })).name).toBe('IncorrectInstanceState');
  expect(errorOf(() => ec2(account, 'StopInstances', { InstanceIds: ['i-0123456789abcdef0'] })).name).toBe('InvalidInstanceID.NotFound');
});

test('the agent comes online tens of seconds after running, only with an instance profile', () => {
  const withProfile = launch(account);
  const without = launch(account, { IamInstanceProfile: undefined });
  clock.tick(20_000);
  expect(stateOf(account, withProfile)).toBe('running');
  expect(agentOf(account, withProfile)).toBeUndefined();
  clock.tick(70_000);
  expect(agentOf(account, withProfile)).toBe('Online');
  expect(agentOf(account, without)).toBeUndefined();
  ec2(account, 'StopInstances', { InstanceIds: [withProfile] });
  expect(agentOf(account, withProfile)).toBe('ConnectionLost');
});
