/**
 * Where RunInstances puts an instance, and whether it may: the Availability Zone must offer the instance type and
 * have capacity for it (a request naming a subnet fails in that zone alone; one naming none gets a default subnet
 * in a zone that can take it, as EC2 chooses), and On-Demand instances must fit the account's vCPU quota.
 */
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { hashString } from './ids';
import type { InstanceStateName, SubnetRecord } from './records';
import { defaultSubnets, findSubnet } from './subnets';
import { instanceTypeInfo, InstanceTypeInfo, vcpuQuotaBucket } from '../../src/recipe/instance-types';

/** EC2 answers capacity shortages with HTTP 500. */
const SERVER_ERROR = { httpStatusCode: 500, fault: 'server' } as const;

/** Instance states whose vCPUs count against the On-Demand quota. */
const COUNTED_STATES: readonly InstanceStateName[] = ['pending', 'running', 'stopping'];

function offered(ctx: OperationContext, instanceType: string, subnet: SubnetRecord): boolean {
  return !ctx.faults.unsupportedIn(instanceType, [subnet.availabilityZone, subnet.availabilityZoneId]);
}

function hasCapacity(ctx: OperationContext, instanceType: string, subnet: SubnetRecord): boolean {
  return !ctx.faults.noCapacity(instanceType, [subnet.availabilityZone, subnet.availabilityZoneId]);
}

/** What EC2 answers for a type no zone of the region offers. */
function notSupported() {
  return ec2Error('Unsupported', 'The requested configuration is currently not supported. Please check the documentation for supported configurations.');
}

/** The zone names of the default subnets that pass a test, for EC2's "or choosing ..." advice. */
function zonesWhere(ctx: OperationContext, test: (subnet: SubnetRecord) => boolean): string[] {
  return defaultSubnets(ctx.region).filter(test).map((subnet) => subnet.availabilityZone);
}

/**
 * The subnet of the launch: the one named, when its zone offers the type and has capacity; else, with no subnet named,
 * a default subnet among those that can take it (chosen from the client token, so a retry lands in the same zone).
 */
export function placeInstance(
  ctx: OperationContext, instanceType: string, subnetId: string | undefined, clientToken: string | undefined,
): SubnetRecord {
  if (subnetId !== undefined) {
    const subnet = findSubnet(ctx.region, subnetId);
    refuseZone(ctx, instanceType, subnet);
    return subnet;
  }
  const subnets = defaultSubnets(ctx.region).filter((subnet) => offered(ctx, instanceType, subnet));
  if (subnets.length === 0) throw notSupported();
  const available = subnets.filter((subnet) => hasCapacity(ctx, instanceType, subnet));
  if (available.length === 0) {
    throw ec2Error('InsufficientInstanceCapacity',
      `We currently do not have sufficient ${instanceType} capacity in any Availability Zone of ${ctx.region.name} that offers it. `
      + 'Our system will be working on provisioning additional capacity.', SERVER_ERROR);
  }
  return available[hashString(`${clientToken ?? ''}/${ctx.region.instances.size}`) % available.length];
}

/** EC2's errors for a type its zone does not offer, or has no capacity for, naming the zones that would do. */
function refuseZone(ctx: OperationContext, instanceType: string, subnet: SubnetRecord): void {
  const zone = subnet.availabilityZone;
  if (!offered(ctx, instanceType, subnet)) {
    const others = zonesWhere(ctx, (other) => offered(ctx, instanceType, other));
    if (others.length === 0) throw notSupported();
    throw ec2Error('Unsupported', `Your requested instance type (${instanceType}) is not supported in your requested Availability Zone (${zone}). `
      + `Please retry your request by not specifying an Availability Zone or choosing ${others.join(', ')}.`);
  }
  if (!hasCapacity(ctx, instanceType, subnet)) {
    const usable = (other: SubnetRecord) => offered(ctx, instanceType, other) && hasCapacity(ctx, instanceType, other);
    const others = zonesWhere(ctx, (other) => other.availabilityZone !== zone && usable(other));
    const advice = others.length > 0
      ? ` You can currently get ${instanceType} capacity by not specifying an Availability Zone in your request or choosing ${others.join(', ')}.`
      : '';
    throw ec2Error('InsufficientInstanceCapacity', `We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${zone}). `
      + `Our system will be working on provisioning additional capacity.${advice}`, SERVER_ERROR);
  }
}

/** vCPUs of the account's On-Demand instances in the region that count against the same quota bucket as `bucket`. */
function vcpusInUse(ctx: OperationContext, bucket: string): number {
  let total = 0;
  for (const instance of ctx.region.instances.values()) {
    if (instance.lifecycle === 'spot' || vcpuQuotaBucket(instance.instanceType) !== bucket) continue;
    if (COUNTED_STATES.includes(instance.state.valueAt(ctx.now))) total += instanceTypeInfo(instance.instanceType)?.vcpus ?? 0;
  }
  return total;
}

/** `VcpuLimitExceeded` when an On-Demand instance of this type would take its bucket past the quota (`vcpu-limit:<vcpus>`). */
export function refuseOverVcpuQuota(ctx: OperationContext, type: InstanceTypeInfo): void {
  const limit = ctx.faults.vcpuLimit;
  if (limit === undefined || vcpusInUse(ctx, vcpuQuotaBucket(type.name)) + type.vcpus <= limit) return;
  throw ec2Error('VcpuLimitExceeded',
    `You have requested more vCPU capacity than your current vCPU limit of ${limit} allows for the instance bucket that the specified instance type belongs to. `
    + 'Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.');
}
