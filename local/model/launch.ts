/**
 * Checks a RunInstances request the way EC2 does and resolves what it means: the image, the
 * instance type, the profile, networking, metadata options, volumes and tags.
 */
import type { BlockDeviceMapping, RunInstancesRequest } from '@aws-sdk/client-ec2';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { isEc2Id } from './ids';
import { findImage } from './images';
import { awsManagedEbsKeyArn } from './kms';
import { placeInstance, refuseOverVcpuQuota } from './placement';
import type { ImageRecord, SubnetRecord, TagMap } from './records';
import { tagsByResourceType } from './tags';
import type { VolumeSpec } from './volumes';
import { instanceTypeInfo, InstanceTypeInfo } from '../../src/recipe/instance-types';

const VOLUME_TYPES = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'];
const LAUNCH_TAG_TYPES = ['instance', 'volume', 'network-interface', 'spot-instances-request', 'elastic-gpu'];

export interface ResolvedLaunch {
  readonly image: ImageRecord;
  readonly instanceType: string;
  readonly instanceProfile?: { name: string; arn: string; id: string };
  readonly metadataOptions: { httpTokens: string; httpEndpoint: string; hopLimit: number };
  readonly subnetId: string;
  /** The subnet it launches in: the one named, else a default subnet in a zone with capacity. */
  readonly subnet: SubnetRecord;
  readonly securityGroupIds: string[];
  readonly volumes: VolumeSpec[];
  readonly tags: Map<string, TagMap>;
  /** The Spot request type (`InstanceMarketOptions`), or undefined for On-Demand. */
  readonly spot?: SpotRequestType;
  /** The user data, decoded. */
  readonly userData?: string;
}

/** EC2's limit on user data, before base64 encoding. */
const MAX_USER_DATA_BYTES = 16384;

/** Checks that EC2 has the instance type and that it can boot the image; the zone and the quota are checked once placed. */
function resolveInstanceType(ctx: OperationContext, input: RunInstancesRequest, image: ImageRecord): InstanceTypeInfo {
  const type = input.InstanceType ?? 'm1.small';
  const info = instanceTypeInfo(type);
  if (!info) throw ec2Error('InvalidParameterValue', `Invalid value '${type}' for InstanceType.`);
  if (info.architecture !== image.architecture) {
    throw ec2Error('InvalidParameterValue',
      `The architecture '${info.architecture}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. `
      + 'Specify an instance type and an AMI that have matching architectures, and try again.');
  }
  if (spotRequestType(input) && ctx.faults.noSpotCapacity) {
    throw ec2Error('InsufficientInstanceCapacity', 'There is no Spot capacity available that matches your request.', { httpStatusCode: 500, fault: 'server' });
  }
  return info;
}

export type SpotRequestType = 'one-time' | 'persistent';

/** The Spot request type (EC2's default is one-time), or undefined for On-Demand; what EC2 refuses, refused as it would. */
function spotRequestType(input: RunInstancesRequest): SpotRequestType | undefined {
  const market = input.InstanceMarketOptions;
  if (!market) return undefined;
  if (market.MarketType !== 'spot') throw ec2Error('InvalidParameterValue', `Invalid value '${market.MarketType}' for MarketType.`);
  const options = market.SpotOptions ?? {};
  if (options.SpotInstanceType === 'persistent' && (options.InstanceInterruptionBehavior ?? 'terminate') === 'terminate') {
    throw ec2Error('InvalidParameterCombination', 'A persistent Spot request cannot terminate on interruption; choose stop or hibernate.');
  }
  return options.SpotInstanceType === 'persistent' ? 'persistent' : 'one-time';
}

/** The decoded user data; EC2 refuses more than 16 KB. */
function resolveUserData(input: RunInstancesRequest): string | undefined {
  if (input.UserData === undefined) return undefined;
  const bytes = Buffer.from(input.UserData, 'base64');
  if (bytes.length > MAX_USER_DATA_BYTES) throw ec2Error('InvalidParameterValue', `User data is limited to ${MAX_USER_DATA_BYTES} bytes.`);
  return bytes.toString('utf8');
}

function resolveProfile(ctx: OperationContext, input: RunInstancesRequest): ResolvedLaunch['instanceProfile'] {
  const spec = input.IamInstanceProfile;
  if (!spec) return undefined;
  const name = spec.Name ?? spec.Arn?.split('/').pop();
  if (!name) throw ec2Error('InvalidParameterValue', 'IamInstanceProfile needs a Name or an Arn');
  if (ctx.instanceProfiles && !ctx.instanceProfiles.has(name)) {
    throw ec2Error('InvalidParameterValue',
      `Value (${name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`);
  }
  return {
    name,
    arn: spec.Arn ?? `arn:aws:iam::${ctx.accountId}:instance-profile/${name}`,
    id: `AIPA${ctx.prng.hex(17).toUpperCase()}`,
  };
}

/**
 * The subnet and security groups: from the top-level SubnetId/SecurityGroupIds, or from the primary network
 * interface (DeviceIndex 0) when NetworkInterfaces is given; EC2 refuses both at once.
 */
function resolveNetwork(ctx: OperationContext, input: RunInstancesRequest): { subnetId?: string; securityGroupIds: string[] } {
  let subnetId = input.SubnetId;
  let groups = input.SecurityGroupIds;
  if (input.NetworkInterfaces?.length) {
    if (input.SubnetId !== undefined) {
      throw ec2Error('InvalidParameterCombination', 'Network interfaces and an instance-level subnet ID may not be specified on the same request');
    }
    if (input.SecurityGroupIds?.length) {
      throw ec2Error('InvalidParameterCombination', 'Network interfaces and an instance-level security groups may not be specified on the same request');
    }
    const primary = input.NetworkInterfaces.find((nic) => nic.DeviceIndex === 0);
    if (!primary) throw ec2Error('InvalidParameterValue', 'Each network interface requires a device index, and one of them must be 0.');
    subnetId = primary.SubnetId;
    groups = primary.Groups;
  }
  for (const group of groups ?? []) {
    if (!isEc2Id(group, 'sg')) throw ec2Error('InvalidGroupId.Malformed', `Invalid id: "${group}" (expecting "sg-...")`);
  }
  return {
    subnetId,
    securityGroupIds: groups?.length ? [...groups] : [ctx.region.defaultSecurityGroupId],
  };
}

/** The key of encrypted volumes that name none: the region's AWS managed EBS key. */
function defaultKey(ctx: OperationContext): string {
  return awsManagedEbsKeyArn(ctx.region.name, ctx.accountId);
}

function rootSpec(ctx: OperationContext, image: ImageRecord, override: BlockDeviceMapping | undefined): VolumeSpec {
  const root = image.mappings.find((m) => m.deviceName === image.rootDeviceName) ?? image.mappings[0];
  const ebs = override?.Ebs ?? {};
  const sizeGiB = ebs.VolumeSize ?? root.sizeGiB;
  if (sizeGiB < root.sizeGiB) {
    throw ec2Error('InvalidBlockDeviceMapping',
      `Volume of size ${sizeGiB}GB is smaller than snapshot '${root.snapshotId}', expect size >= ${root.sizeGiB}GB`);
  }
  const encrypted = root.encrypted || ebs.Encrypted === true;
  return {
    deviceName: root.deviceName,
    sizeGiB,
    volumeType: ebs.VolumeType ?? root.volumeType,
    encrypted,
    kmsKeyId: encrypted ? ebs.KmsKeyId ?? defaultKey(ctx) : undefined,
    snapshotId: root.snapshotId,
    deleteOnTermination: ebs.DeleteOnTermination ?? root.deleteOnTermination,
  };
}

function resolveVolumes(ctx: OperationContext, input: RunInstancesRequest, image: ImageRecord): VolumeSpec[] {
  const mappings = input.BlockDeviceMappings ?? [];
  for (const mapping of mappings) {
    const type = mapping.Ebs?.VolumeType;
    if (type !== undefined && !VOLUME_TYPES.includes(type)) {
      throw ec2Error('InvalidParameterValue', `Value (${type}) for parameter volumeType is invalid.`);
    }
    if (mapping.Ebs?.KmsKeyId && mapping.Ebs.Encrypted !== true) {
      throw ec2Error('InvalidParameterDependency', 'The parameter KmsKeyId requires the parameter Encrypted to be set.');
    }
  }
  const specs = [rootSpec(ctx, image, mappings.find((m) => m.DeviceName === image.rootDeviceName))];
  for (const mapping of mappings) {
    if (mapping.DeviceName === image.rootDeviceName || !mapping.Ebs || !mapping.DeviceName) continue;
    if (!mapping.Ebs.VolumeSize) throw ec2Error('InvalidBlockDeviceMapping', `The device '${mapping.DeviceName}' needs a VolumeSize`);
    const encrypted = mapping.Ebs.Encrypted === true;
    specs.push({
      deviceName: mapping.DeviceName,
      sizeGiB: mapping.Ebs.VolumeSize,
      volumeType: mapping.Ebs.VolumeType ?? 'gp2',
      encrypted,
      kmsKeyId: encrypted ? mapping.Ebs.KmsKeyId ?? defaultKey(ctx) : undefined,
      deleteOnTermination: mapping.Ebs.DeleteOnTermination ?? true,
    });
  }
  return specs;
}

function resolveImage(ctx: OperationContext, imageId: string | undefined): ImageRecord {
  if (!imageId) throw ec2Error('MissingParameter', 'The request must contain the parameter ImageId');
  const image = findImage(ctx, imageId);
  const state = image.state.valueAt(ctx.now);
  if (state !== 'available') {
    throw ec2Error('InvalidAMIID.Unavailable', `The image id '[${imageId}]' is not available (state: ${state})`);
  }
  return image;
}

/** Checks the request and works out everything a launch needs; throws EC2's error otherwise. */
export function resolveLaunch(ctx: OperationContext, input: RunInstancesRequest): ResolvedLaunch {
  const image = resolveImage(ctx, input.ImageId);
  const type = resolveInstanceType(ctx, input, image);
  const network = resolveNetwork(ctx, input);
  const spot = spotRequestType(input);
  const subnet = placeInstance(ctx, type.name, network.subnetId, input.ClientToken);
  if (!spot) refuseOverVcpuQuota(ctx, type);
  const options = input.MetadataOptions ?? {};
  return {
    image,
    instanceType: type.name,
    instanceProfile: resolveProfile(ctx, input),
    metadataOptions: {
      httpTokens: options.HttpTokens ?? 'optional',
      httpEndpoint: options.HttpEndpoint ?? 'enabled',
      hopLimit: options.HttpPutResponseHopLimit ?? 1,
    },
    subnetId: subnet.id,
    subnet,
    securityGroupIds: network.securityGroupIds,
    volumes: resolveVolumes(ctx, input, image),
    tags: tagsByResourceType(input.TagSpecifications, LAUNCH_TAG_TYPES, 'RunInstances'),
    spot,
    userData: resolveUserData(input),
  };
}

/** A canonical JSON form of a value (object keys sorted). */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What must match for a repeated ClientToken to count as the same request. */
export function launchInputFingerprint(input: RunInstancesRequest): string {
  const { ClientToken: _token, ...rest } = input;
  return stableStringify(rest);
}
