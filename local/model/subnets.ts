/**
 * Subnets and Availability Zones. Each region has a default VPC with one default subnet per zone (us-east-1 has six
 * zones, us-east-1a to us-east-1f); zone names map to zone ids (`use1-az1`...) differently in each account, as in AWS.
 * More subnets can be added to the account (`SimulatedAccount.addSubnet`); RunInstances refuses any other.
 * DescribeSubnets lists them.
 */
import type { DescribeSubnetsRequest, DescribeSubnetsResult, Subnet } from '@aws-sdk/client-ec2';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { checkFilters, FieldReaders, matchesFilters } from './filters';
import { hashString, IdFactory, isEc2Id, Prng } from './ids';
import type { RegionState, SubnetRecord } from './records';

/** An Availability Zone: its name in this account and its id, the same in every account. */
export interface AvailabilityZone {
  readonly name: string;
  readonly id: string;
}

/** What `SimulatedAccount.addSubnet` takes. */
export interface SubnetSpec {
  /** Default: a new id. */
  readonly id?: string;
  /** The zone's name (`us-east-1b`) or id (`use1-az2`). */
  readonly zone: string;
  /** Default: the region's default VPC (a subnet added there is not a default subnet). */
  readonly vpcId?: string;
  /** Default: a free /24 of the default VPC's 172.31.0.0/16. */
  readonly cidrBlock?: string;
}

/** How many zones a region offers, where it is not three. */
const ZONE_COUNTS: Readonly<Record<string, number>> = { 'us-east-1': 6, 'us-west-1': 2, 'us-west-2': 4 };

const DIRECTIONS: Readonly<Record<string, string>> = {
  north: 'n', south: 's', east: 'e', west: 'w', central: 'c', northeast: 'ne', southeast: 'se', northwest: 'nw', southwest: 'sw',
};

/** The prefix of a region's zone ids: `us-east-1` → `use1`, `ap-southeast-2` → `apse2`. */
export function zoneIdPrefix(regionName: string): string {
  const [area, ...rest] = regionName.split('-');
  return area + rest.map((part) => DIRECTIONS[part] ?? (/^\d+$/.test(part) ? part : part[0])).join('');
}

/** The region's zones, in name order; which id each name has is shuffled per account, as AWS does. */
export function availabilityZones(region: RegionState): AvailabilityZone[] {
  const count = ZONE_COUNTS[region.name] ?? 3;
  const numbers = Array.from({ length: count }, (_, index) => index + 1);
  const prng = new Prng(hashString(`${region.defaultVpcId}/zones`));
  for (let index = numbers.length - 1; index > 0; index--) {
    const other = prng.int(0, index);
    [numbers[index], numbers[other]] = [numbers[other], numbers[index]];
  }
  return numbers.map((number, index) => ({
    name: `${region.name}${String.fromCharCode(97 + index)}`,
    id: `${zoneIdPrefix(region.name)}-az${number}`,
  }));
}

/** The region's subnets by id, the default VPC's first (added on first use). */
export function subnetsOf(region: RegionState): Map<string, SubnetRecord> {
  if (!region.subnets.has(region.defaultSubnetId)) installDefaultSubnets(region);
  return region.subnets;
}

/** One default subnet per zone, each a /20 of 172.31.0.0/16; zone a's is the region's `defaultSubnetId`. */
function installDefaultSubnets(region: RegionState): void {
  const ids = new IdFactory(new Prng(hashString(`${region.defaultVpcId}/default-subnets`)));
  availabilityZones(region).forEach((zone, index) => {
    const id = index === 0 ? region.defaultSubnetId : ids.ec2('subnet');
    region.subnets.set(id, {
      id,
      vpcId: region.defaultVpcId,
      availabilityZone: zone.name,
      availabilityZoneId: zone.id,
      cidrBlock: `172.31.${16 * index}.0/20`,
      defaultForAz: true,
    });
  });
}

/** The default subnets, one per zone, in zone order. */
export function defaultSubnets(region: RegionState): SubnetRecord[] {
  return [...subnetsOf(region).values()].filter((subnet) => subnet.defaultForAz);
}

/** The subnet with this id, or EC2's error for a malformed or unknown id. */
export function findSubnet(region: RegionState, id: string): SubnetRecord {
  if (!isEc2Id(id, 'subnet')) throw ec2Error('InvalidSubnetID.Malformed', `Invalid subnet ID: '${id}'`);
  const subnet = subnetsOf(region).get(id);
  if (!subnet) throw ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
  return subnet;
}

/** Adds a subnet (set-up, not an API call); the same id in the same zone again returns the one there is. */
export function addSubnet(region: RegionState, spec: SubnetSpec, ids: IdFactory): SubnetRecord {
  const zones = availabilityZones(region);
  const zone = zones.find((candidate) => candidate.name === spec.zone || candidate.id === spec.zone);
  if (!zone) {
    throw new Error(`addSubnet: zone '${spec.zone}' is not an Availability Zone of ${region.name}; use one of ` +
      zones.map((candidate) => `${candidate.name} (${candidate.id})`).join(', '));
  }
  if (spec.id !== undefined && !isEc2Id(spec.id, 'subnet')) {
    throw new Error(`addSubnet: id '${spec.id}' is not a subnet id; use subnet- and 8 or 17 hex digits, or leave id out`);
  }
  const existing = spec.id === undefined ? undefined : subnetsOf(region).get(spec.id);
  if (existing) {
    if (existing.availabilityZone === zone.name) return existing;
    throw new Error(`addSubnet: ${spec.id} already exists in ${existing.availabilityZone}, not in ${zone.name}`);
  }
  const subnet: SubnetRecord = {
    id: spec.id ?? ids.ec2('subnet'),
    vpcId: spec.vpcId ?? region.defaultVpcId,
    availabilityZone: zone.name,
    availabilityZoneId: zone.id,
    cidrBlock: spec.cidrBlock ?? `172.31.${96 + subnetsOf(region).size - zones.length}.0/24`,
    defaultForAz: false,
  };
  region.subnets.set(subnet.id, subnet);
  return subnet;
}

/** A private address of the subnet, past the four addresses AWS reserves at its start and before the one at its end. */
export function privateIpIn(subnet: SubnetRecord, prng: Prng): string {
  const [address, bits] = subnet.cidrBlock.split('/');
  const base = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const offset = 4 + ((prng.int(0, 255) * 256 + prng.int(1, 254)) % Math.max(1, size - 5));
  const value = base + offset;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

const READERS: FieldReaders<Subnet> = {
  'subnet-id': (s) => s.SubnetId,
  'vpc-id': (s) => s.VpcId,
  'availability-zone': (s) => s.AvailabilityZone,
  'availability-zone-id': (s) => s.AvailabilityZoneId,
  'default-for-az': (s) => String(s.DefaultForAz),
  'cidr-block': (s) => s.CidrBlock,
  'state': (s) => s.State,
};

function toSdkSubnet(ctx: OperationContext, subnet: SubnetRecord): Subnet {
  const size = 2 ** (32 - Number(subnet.cidrBlock.split('/')[1]));
  return {
    SubnetId: subnet.id,
    SubnetArn: `arn:aws:ec2:${ctx.region.name}:${ctx.accountId}:subnet/${subnet.id}`,
    VpcId: subnet.vpcId,
    AvailabilityZone: subnet.availabilityZone,
    AvailabilityZoneId: subnet.availabilityZoneId,
    CidrBlock: subnet.cidrBlock,
    AvailableIpAddressCount: size - 5,
    DefaultForAz: subnet.defaultForAz,
    MapPublicIpOnLaunch: subnet.defaultForAz,
    State: 'available',
    OwnerId: ctx.accountId,
  };
}

/** DescribeSubnets: by id (an unknown one is an error) and by filter. */
export function describeSubnets(ctx: OperationContext, input: DescribeSubnetsRequest): DescribeSubnetsResult {
  checkFilters(input.Filters, READERS);
  const wanted = (input.SubnetIds ?? []).map((id) => findSubnet(ctx.region, id));
  const candidates = wanted.length > 0 ? wanted : [...subnetsOf(ctx.region).values()];
  const Subnets = candidates.map((subnet) => toSdkSubnet(ctx, subnet))
    .filter((subnet) => matchesFilters(subnet, new Map(), input.Filters, READERS));
  return { Subnets };
}
