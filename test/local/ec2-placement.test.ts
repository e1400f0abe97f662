import { ec2, errorOf, launch, setup, FakeClock } from './helpers';
import { SimulatedAccount } from '../../local/model';

let account: SimulatedAccount;
let clock: FakeClock;

afterEach(() => clock.uninstall());

/** The instance as DescribeInstances shows it. */
function described(id: string): any {
  return ec2(account, 'DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0];
}

/** The default subnet of a zone. */
function defaultSubnetIn(zone: string): string {
  return ec2(account, 'DescribeSubnets', { Filters: [{ Name: 'default-for-az', Values: ['true'] }, { Name: 'availability-zone', Values: [zone] }] })
    .Subnets[0].SubnetId;
}

describe('subnets and Availability Zones', () => {
  beforeEach(() => ({ account, clock } = setup()));

  test('us-east-1 has a default subnet in each of its six zones, each zone id used once', () => {
    const { Subnets } = ec2(account, 'DescribeSubnets', { Filters: [{ Name: 'default-for-az', Values: ['true'] }] });
    expect(Subnets.map((subnet: any) => subnet.AvailabilityZone)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((letter) => `us-east-1${letter}`));
    expect(Subnets.map((subnet: any) => subnet.AvailabilityZoneId).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `use1-az${n}`));
    expect(new Set(Subnets.map((subnet: any) => subnet.VpcId)).size).toBe(1);
    const sydney = ec2(account, 'DescribeSubnets', {}, 'ap-southeast-2').Subnets;
    expect(sydney.map((subnet: any) => subnet.AvailabilityZoneId).sort()).toEqual(['apse2-az1', 'apse2-az2', 'apse2-az3']);
  });

  test('an added subnet launches instances in its zone; a subnet the account lacks is refused', () => {
    const subnet = account.addSubnet({ id: 'subnet-0000000000000000a', zone: 'us-east-1d' });
    expect(account.addSubnet({ id: 'subnet-0000000000000000a', zone: 'us-east-1d' })).toBe(subnet);
    const instance = described(launch(account, { SubnetId: subnet.id }));
    expect(instance).toMatchObject({ SubnetId: subnet.id, VpcId: subnet.vpcId, Placement: { AvailabilityZone: 'us-east-1d' } });
    const unknown = errorOf(() => launch(account, { SubnetId: 'subnet-0000000000000000f' }));
    expect(unknown).toMatchObject({ name: 'InvalidSubnetID.NotFound', message: "The subnet ID 'subnet-0000000000000000f' does not exist" });
    expect(errorOf(() => ec2(account, 'DescribeSubnets', { SubnetIds: ['subnet-0000000000000000f'] })).name).toBe('InvalidSubnetID.NotFound');
  });

  test('addSubnet refuses a zone the region lacks, naming its zones, and an id already in another zone', () => {
    expect(() => account.addSubnet({ zone: 'us-east-1z' })).toThrow(/zone 'us-east-1z' is not an Availability Zone of us-east-1; use one of us-east-1a \(use1-az\d\)/);
    account.addSubnet({ id: 'subnet-0000000000000000a', zone: 'us-east-1a' });
    expect(() => account.addSubnet({ id: 'subnet-0000000000000000a', zone: 'us-east-1b' })).toThrow('already exists in us-east-1a, not in us-east-1b');
  });

  test('without a subnet EC2 picks a default subnet, in more than one zone over several launches', () => {
    const zones = Array.from({ length: 12 }, (_, n) => described(launch(account, { ClientToken: `token-${n}` })))
      .map((instance) => {
        expect(instance.SubnetId).toBe(defaultSubnetIn(instance.Placement.AvailabilityZone));
        return instance.Placement.AvailabilityZone;
      });
    expect(new Set(zones).size).toBeGreaterThan(1);
  });

  test('RunInstances refuses an instance type EC2 does not have', () => {
    expect(errorOf(() => launch(account, { InstanceType: 't3.mediun' })))
      .toMatchObject({ name: 'InvalidParameterValue', message: "Invalid value 't3.mediun' for InstanceType." });
  });
});

describe('capacity per Availability Zone', () => {
  test('capacity:<type>:<zone> fails in that zone only, naming the zones that have capacity', () => {
    ({ account, clock } = setup({ faults: ['capacity:t3.small:us-east-1a'] }));
    const error = errorOf(() => launch(account, { SubnetId: defaultSubnetIn('us-east-1a') }));
    expect(error.name).toBe('InsufficientInstanceCapacity');
    expect(error.message).toBe('We currently do not have sufficient t3.small capacity in the Availability Zone you requested (us-east-1a). '
      + 'Our system will be working on provisioning additional capacity. You can currently get t3.small capacity by not specifying an '
      + 'Availability Zone in your request or choosing us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f.');
    expect(described(launch(account, { SubnetId: defaultSubnetIn('us-east-1b') })).Placement.AvailabilityZone).toBe('us-east-1b');
    expect(described(launch(account, { InstanceType: 't3.micro', SubnetId: defaultSubnetIn('us-east-1a') })).InstanceType).toBe('t3.micro');
    const zones = Array.from({ length: 12 }, (_, n) => described(launch(account, { ClientToken: `token-${n}` })).Placement.AvailabilityZone);
    expect(zones).not.toContain('us-east-1a');
  });

  test('a zone can be named by its id, which differs from account to account', () => {
    ({ account, clock } = setup());
    const [subnet] = ec2(account, 'DescribeSubnets', { Filters: [{ Name: 'availability-zone', Values: ['us-east-1b'] }] }).Subnets;
    clock.uninstall();
    ({ account, clock } = setup({ faults: [`capacity:t3.small:${subnet.AvailabilityZoneId}`] }));
    expect(errorOf(() => launch(account, { SubnetId: subnet.SubnetId })).message).toContain('(us-east-1b)');
    const other = new SimulatedAccount({ seed: 42, accountId: '210987654321' });
    const zoneIds = (which: SimulatedAccount) => ec2(which, 'DescribeSubnets').Subnets.map((s: any) => s.AvailabilityZoneId).join();
    expect(zoneIds(other)).not.toBe(zoneIds(account));
  });

  test('with no zone left, a launch without a subnet fails with InsufficientInstanceCapacity', () => {
    ({ account, clock } = setup({ faults: ['capacity:t3.small'] }));
    expect(errorOf(() => launch(account)).name).toBe('InsufficientInstanceCapacity');
  });

  test('unsupported:<type>:<zone> answers Unsupported there, with EC2 advice; EC2 places a launch without a subnet elsewhere', () => {
    ({ account, clock } = setup({ faults: ['unsupported:t3.small:us-east-1e'] }));
    const error = errorOf(() => launch(account, { SubnetId: defaultSubnetIn('us-east-1e') }));
    expect(error).toMatchObject({
      name: 'Unsupported',
      message: 'Your requested instance type (t3.small) is not supported in your requested Availability Zone (us-east-1e). Please retry your '
        + 'request by not specifying an Availability Zone or choosing us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f.',
    });
    const zones = Array.from({ length: 12 }, (_, n) => described(launch(account, { ClientToken: `token-${n}` })).Placement.AvailabilityZone);
    expect(zones).not.toContain('us-east-1e');
  });
});

describe('the On-Demand vCPU quota (vcpu-limit:<vcpus>)', () => {
  beforeEach(() => ({ account, clock } = setup({ faults: ['vcpu-limit:4'] })));

  test('running instances of the same bucket count; a launch past the quota fails with VcpuLimitExceeded', () => {
    const first = launch(account);
    launch(account, { InstanceType: 't3.micro' });
    const error = errorOf(() => launch(account));
    expect(error.name).toBe('VcpuLimitExceeded');
    expect(error.message).toMatch(/^You have requested more vCPU capacity than your current vCPU limit of 4 allows for the instance bucket/);
    expect(described(launch(account, { InstanceType: 'g4dn.xlarge' })).InstanceType).toBe('g4dn.xlarge');
    ec2(account, 'TerminateInstances', { InstanceIds: [first] });
    clock.tick(60_000);
    expect(described(launch(account)).InstanceType).toBe('t3.small');
  });

  test('a type with more vCPUs than the quota never fits, and Spot instances do not count', () => {
    expect(errorOf(() => launch(account, { InstanceType: 'm5.2xlarge' })).name).toBe('VcpuLimitExceeded');
    const spot = { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time' } } };
    launch(account, { InstanceType: 'm5.xlarge', ...spot });
    expect(described(launch(account, { InstanceType: 'm5.xlarge' })).InstanceType).toBe('m5.xlarge');
  });
});
