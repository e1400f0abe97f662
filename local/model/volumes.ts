/** EBS volumes: created with instances, deleted with them (DeleteOnTermination), DescribeVolumes. */
import type { DescribeVolumesRequest, DescribeVolumesResult, Volume, VolumeState } from '@aws-sdk/client-ec2';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { checkFilters, FieldReaders, matchesFilters } from './filters';
import { isEc2Id } from './ids';
import type { InstanceRecord, RegionState, TagMap, VolumeRecord } from './records';
import { tagList } from './tags';

/** The volume's state at `t`: in use while its instance lives, then deleted or available. */
export function volumeStateAt(region: RegionState, volume: VolumeRecord, t: number): VolumeState {
  const instance = region.instances.get(volume.instanceId);
  const terminatedAt = instance?.state.firstAt('terminated');
  if (terminatedAt === undefined || terminatedAt > t) return 'in-use';
  return volume.deleteOnTermination ? 'deleted' : 'available';
}

/**
 * True when the volume is deleted or will be: it is deleted on termination and its instance is shutting
 * down or terminated. The leak check counts those as gone, as it does their instances.
 */
export function volumeIsGoing(region: RegionState, volume: VolumeRecord, t: number): boolean {
  if (volumeStateAt(region, volume, t) === 'deleted') return true;
  const state = region.instances.get(volume.instanceId)?.state.valueAt(t);
  return volume.deleteOnTermination && (state === 'shutting-down' || state === 'terminated');
}

function toSdk(region: RegionState, volume: VolumeRecord, t: number): Volume {
  const state = volumeStateAt(region, volume, t);
  return {
    VolumeId: volume.id,
    Size: volume.sizeGiB,
    VolumeType: volume.volumeType as Volume['VolumeType'],
    State: state,
    Encrypted: volume.encrypted,
    KmsKeyId: volume.kmsKeyId,
    SnapshotId: volume.snapshotId ?? '',
    AvailabilityZone: volume.availabilityZone,
    CreateTime: new Date(volume.createdAt),
    Iops: volume.volumeType === 'gp3' ? 3000 : Math.max(100, volume.sizeGiB * 3),
    Throughput: volume.volumeType === 'gp3' ? 125 : undefined,
    MultiAttachEnabled: false,
    Attachments: state === 'in-use' ? [{
      VolumeId: volume.id,
      InstanceId: volume.instanceId,
      Device: volume.device,
      State: 'attached',
      AttachTime: new Date(volume.createdAt),
      DeleteOnTermination: volume.deleteOnTermination,
    }] : [],
    Tags: tagList(volume.tags),
  };
}

const READERS: FieldReaders<Volume> = {
  'volume-id': (v) => v.VolumeId,
  'status': (v) => v.State,
  'size': (v) => String(v.Size),
  'volume-type': (v) => v.VolumeType,
  'snapshot-id': (v) => v.SnapshotId,
  'encrypted': (v) => String(v.Encrypted),
  'availability-zone': (v) => v.AvailabilityZone,
  'attachment.instance-id': (v) => v.Attachments?.map((a) => a.InstanceId),
  'attachment.device': (v) => v.Attachments?.map((a) => a.Device),
  'attachment.delete-on-termination': (v) => v.Attachments?.map((a) => String(a.DeleteOnTermination)),
};

/** Volumes that have not been deleted at `t`. */
export function liveVolumes(region: RegionState, t: number): VolumeRecord[] {
  return [...region.volumes.values()].filter((v) => volumeStateAt(region, v, t) !== 'deleted');
}

export function describeVolumes(ctx: OperationContext, input: DescribeVolumesRequest): DescribeVolumesResult {
  checkFilters(input.Filters, READERS);
  const live = liveVolumes(ctx.region, ctx.now);
  for (const id of input.VolumeIds ?? []) {
    if (!isEc2Id(id, 'vol')) throw ec2Error('InvalidVolumeID.Malformed', `Invalid id: "${id}"`);
    if (!live.some((v) => v.id === id)) throw ec2Error('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
  }
  const wanted = input.VolumeIds?.length ? new Set(input.VolumeIds) : undefined;
  const Volumes = live
    .filter((v) => !wanted || wanted.has(v.id))
    .map((v) => ({ record: v, sdk: toSdk(ctx.region, v, ctx.now) }))
    .filter(({ record, sdk }) => matchesFilters(sdk, record.tags, input.Filters, READERS))
    .map(({ sdk }) => sdk);
  return { Volumes };
}

/** What RunInstances asked for one device (after merging the image's mapping). */
export interface VolumeSpec {
  readonly deviceName: string;
  readonly sizeGiB: number;
  readonly volumeType: string;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  readonly snapshotId?: string;
  readonly deleteOnTermination: boolean;
}

/** Creates and attaches the instance's volumes. */
export function createVolumes(ctx: OperationContext, instance: InstanceRecord, specs: VolumeSpec[], tags: TagMap): void {
  for (const spec of specs) {
    const volume: VolumeRecord = {
      id: ctx.ids.ec2('vol'),
      sizeGiB: spec.sizeGiB,
      volumeType: spec.volumeType,
      encrypted: spec.encrypted,
      kmsKeyId: spec.kmsKeyId,
      snapshotId: spec.snapshotId,
      availabilityZone: instance.availabilityZone,
      createdAt: ctx.now,
      instanceId: instance.id,
      device: spec.deviceName,
      deleteOnTermination: spec.deleteOnTermination,
      tags: new Map(tags),
    };
    ctx.region.volumes.set(volume.id, volume);
    instance.volumes.set(spec.deviceName, volume.id);
  }
}
