/** EBS snapshots: made by CreateImage and CopyImage, listed by DescribeSnapshots, removed by DeleteSnapshot. */
import type {
  DeleteSnapshotRequest, DescribeSnapshotsRequest, DescribeSnapshotsResult, Snapshot,
} from '@aws-sdk/client-ec2';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { checkFilters, FieldReaders, matchesFilters } from './filters';
import { isEc2Id } from './ids';
import type { InstanceRecord, RegionState, SnapshotRecord, VolumeRecord } from './records';
import { tagList } from './tags';
import { volumeStateAt } from './volumes';

/** True while the snapshot exists (not deleted) at `t`. */
export function snapshotExists(snapshot: SnapshotRecord, t: number): boolean {
  return snapshot.deletedAt === undefined || snapshot.deletedAt > t;
}

/** The attached volumes CreateImage snapshots, root device first. */
export function snapshotsOfInstance(ctx: OperationContext, instance: InstanceRecord): { volume: VolumeRecord }[] {
  return [...instance.volumes.values()]
    .map((id) => ctx.region.volumes.get(id))
    .filter((volume): volume is VolumeRecord => !!volume && volumeStateAt(ctx.region, volume, ctx.now) === 'in-use')
    .map((volume) => ({ volume }));
}

/** The image that uses the snapshot at `t`, if any: a registered one, or a deregistered one that has not released it yet. */
export function imageUsingSnapshot(region: RegionState, snapshotId: string, t: number): string | undefined {
  for (const image of region.images.values()) {
    const registered = image.deregisteredAt === undefined || image.deregisteredAt > t;
    const notReleased = image.snapshotsReleasedAt !== undefined && image.snapshotsReleasedAt > t;
    if ((registered || notReleased) && image.mappings.some((m) => m.snapshotId === snapshotId)) return image.id;
  }
  return undefined;
}

function toSdkSnapshot(ctx: OperationContext, snapshot: SnapshotRecord): Snapshot {
  const done = ctx.now >= snapshot.completedAt;
  const span = Math.max(1, snapshot.completedAt - snapshot.createdAt);
  const progress = done ? 100 : Math.floor((99 * (ctx.now - snapshot.createdAt)) / span);
  return {
    SnapshotId: snapshot.id,
    VolumeId: snapshot.volumeId,
    VolumeSize: snapshot.sizeGiB,
    OwnerId: snapshot.ownerId,
    State: done ? 'completed' : 'pending',
    Progress: `${progress}%`,
    StartTime: new Date(snapshot.createdAt),
    Description: snapshot.description,
    Encrypted: snapshot.encrypted,
    KmsKeyId: snapshot.kmsKeyId,
    StorageTier: 'standard',
    Tags: tagList(snapshot.tags),
  };
}

const READERS: FieldReaders<Snapshot> = {
  'snapshot-id': (s) => s.SnapshotId,
  'status': (s) => s.State,
  'volume-id': (s) => s.VolumeId,
  'volume-size': (s) => String(s.VolumeSize),
  'owner-id': (s) => s.OwnerId,
  'description': (s) => s.Description,
  'encrypted': (s) => String(s.Encrypted),
  'progress': (s) => s.Progress,
};

/** The account's own snapshot, or the error EC2 gives. */
export function findOwnSnapshot(ctx: OperationContext, id: string | undefined): SnapshotRecord {
  if (!isEc2Id(id, 'snap')) throw ec2Error('InvalidSnapshotID.Malformed', `Invalid id: "${id}" (expecting "snap-...")`);
  const snapshot = ctx.region.snapshots.get(id);
  if (!snapshot || !snapshotExists(snapshot, ctx.now) || snapshot.ownerId !== ctx.accountId) {
    throw ec2Error('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
  }
  return snapshot;
}

export function describeSnapshots(ctx: OperationContext, input: DescribeSnapshotsRequest): DescribeSnapshotsResult {
  checkFilters(input.Filters, READERS);
  (input.SnapshotIds ?? []).forEach((id) => findOwnSnapshot(ctx, id));
  const owners = (input.OwnerIds ?? []).map((owner) => (owner === 'self' ? ctx.accountId : owner));
  const wanted = input.SnapshotIds?.length ? new Set(input.SnapshotIds) : undefined;
  const Snapshots = [...ctx.region.snapshots.values()]
    .filter((s) => snapshotExists(s, ctx.now) && s.ownerId === ctx.accountId)
    .filter((s) => (!wanted || wanted.has(s.id)) && (!owners.length || owners.includes(s.ownerId)))
    .map((s) => ({ record: s, sdk: toSdkSnapshot(ctx, s) }))
    .filter(({ record, sdk }) => matchesFilters(sdk, record.tags, input.Filters, READERS))
    .map(({ sdk }) => sdk);
  return { Snapshots };
}

export function deleteSnapshot(ctx: OperationContext, input: DeleteSnapshotRequest): Record<string, never> {
  const snapshot = findOwnSnapshot(ctx, input.SnapshotId);
  const user = imageUsingSnapshot(ctx.region, snapshot.id, ctx.now);
  if (user) throw ec2Error('InvalidSnapshot.InUse', `The snapshot ${snapshot.id} is currently in use by ${user}`);
  snapshot.deletedAt = ctx.now;
  return {};
}

/** Deletes an own snapshot no registered image uses (DeregisterImage's DeleteAssociatedSnapshots). */
export function deleteSnapshotIfUnused(ctx: OperationContext, id: string): boolean {
  const snapshot = ctx.region.snapshots.get(id);
  if (!snapshot || snapshot.ownerId !== ctx.accountId || !snapshotExists(snapshot, ctx.now)) return false;
  if (imageUsingSnapshot(ctx.region, id, ctx.now)) return false;
  snapshot.deletedAt = ctx.now;
  return true;
}
