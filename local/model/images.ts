/**
 * AMIs: DescribeImages, CreateImage (snapshots of the instance's volumes, pending → available or
 * failed) and DeregisterImage (which leaves the snapshots behind, as AWS does),
 * deprecation (Enable/DisableImageDeprecation) and deregistration protection
 * (Enable/DisableImageDeregistrationProtection).
 */
import type {
  CreateImageRequest, CreateImageResult, DeregisterImageRequest, DeregisterImageResult, DescribeImagesRequest,
  DescribeImagesResult, DisableImageDeprecationRequest, DisableImageDeprecationResult, DisableImageDeregistrationProtectionRequest,
  DisableImageDeregistrationProtectionResult, EnableImageDeprecationRequest, EnableImageDeprecationResult,
  EnableImageDeregistrationProtectionRequest, EnableImageDeregistrationProtectionResult, Image,
} from '@aws-sdk/client-ec2';
import { isSettled, settledImage, settlesAt } from './consistency';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { checkFilters, FieldReaders, matchesFilters } from './filters';
import { isEc2Id } from './ids';
import { findInstance, instanceStateAt } from './instances';
import type { ImageRecord, ImageStateName, InstanceRecord, SnapshotRecord } from './records';
import { changeEvent } from './service-events';
import { deleteSnapshotIfUnused, snapshotsOfInstance } from './snapshots';
import { tagList, tagsByResourceType, tagsFor } from './tags';
import { Timeline } from './timeline';
import { anyImage, imagesOfRegion, isRegistered, isVisibleTo, visibleImage } from './visibility';

export { isRegistered } from './visibility';

const NAME_PATTERN = /^[a-zA-Z0-9()[\] ./\-'@_]{3,128}$/;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const YEAR_MS = 365 * DAY_MS;
/** How long protection enabled WithCooldown outlasts DisableImageDeregistrationProtection. */
export const DEREGISTRATION_COOLDOWN_MS = DAY_MS;

/**
 * A registered image this account can see, or EC2's error for a malformed or unknown id; also `InvalidAMIID.NotFound`
 * for an image made so recently that EC2 does not know it yet (eventual consistency).
 */
export function findImage(ctx: OperationContext, id: string | undefined): ImageRecord {
  if (!isEc2Id(id, 'ami')) throw ec2Error('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
  const image = visibleImage(ctx, id);
  if (!image) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
  return settledImage(ctx, image);
}

/** A registered image of this account, or EC2's error (UnauthorizedOperation for others' images). */
export function findOwnImage(ctx: OperationContext, id: string | undefined): ImageRecord {
  const image = findImage(ctx, id);
  if (image.ownerId !== ctx.accountId) {
    throw ec2Error('UnauthorizedOperation', `You are not authorized to modify image ${id}: it is owned by ${image.ownerId}.`,
      { httpStatusCode: 403 });
  }
  return image;
}

/** The image's state at `t`. */
export function imageStateAt(image: ImageRecord, t: number): ImageStateName {
  return image.state.valueAt(t);
}

/** True when the image is deprecated at `t` (it still launches; others see it only when they ask for it). */
export function isDeprecated(image: ImageRecord, t: number): boolean {
  return image.deprecateAt !== undefined && image.deprecateAt <= t;
}

/** The end of the cooldown when protection enabled WithCooldown was disabled less than 24 hours ago. */
function cooldownEnd(image: ImageRecord, t: number): number | undefined {
  const disabledAt = image.deregistrationProtection?.disabledAt;
  if (disabledAt === undefined) return undefined;
  const end = disabledAt + DEREGISTRATION_COOLDOWN_MS;
  return t < end ? end : undefined;
}

/**
 * The image's `DeregistrationProtection` as DescribeImages reports it: `disabled`, `enabled-with-cooldown`,
 * `enabled-without-cooldown`, or `disabled after <time>` while a cooldown runs.
 */
export function deregistrationProtectionAt(image: ImageRecord, t: number): string {
  const protection = image.deregistrationProtection;
  if (protection?.enabled) return protection.withCooldown ? 'enabled-with-cooldown' : 'enabled-without-cooldown';
  const end = cooldownEnd(image, t);
  return end === undefined ? 'disabled' : `disabled after ${new Date(end).toISOString()}`;
}

function toSdkImage(ctx: OperationContext, image: ImageRecord): Image {
  const state = imageStateAt(image, ctx.now);
  return {
    ImageId: image.id,
    Name: image.name,
    Description: image.description || undefined,
    OwnerId: image.ownerId,
    ImageOwnerAlias: image.ownerAlias,
    Public: image.public || image.launchPermissions.has('all'),
    State: state,
    StateReason: state === 'failed' ? { Code: image.stateReason?.code, Message: image.stateReason?.message } : undefined,
    Architecture: image.architecture,
    Platform: image.platform === 'windows' ? 'windows' as Image['Platform'] : undefined,
    PlatformDetails: image.platform === 'windows' ? 'Windows' : 'Linux/UNIX',
    UsageOperation: image.platform === 'windows' ? 'RunInstances:0002' : 'RunInstances',
    CreationDate: new Date(image.createdAt).toISOString(),
    ImageLocation: image.imageLocation,
    ImageType: 'machine',
    RootDeviceName: image.rootDeviceName,
    RootDeviceType: 'ebs',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    SriovNetSupport: 'simple',
    ImdsSupport: image.imdsSupport as Image['ImdsSupport'],
    DeprecationTime: image.deprecateAt !== undefined ? new Date(image.deprecateAt).toISOString() : undefined,
    DeregistrationProtection: deregistrationProtectionAt(image, ctx.now),
    SourceInstanceId: image.sourceInstanceId,
    SourceImageId: image.copy?.sourceImageId,
    SourceImageRegion: image.copy?.sourceRegion,
    BlockDeviceMappings: image.mappings.map((m) => ({
      DeviceName: m.deviceName,
      Ebs: {
        SnapshotId: m.snapshotId,
        VolumeSize: m.sizeGiB,
        VolumeType: m.volumeType as 'gp2',
        DeleteOnTermination: m.deleteOnTermination,
        Encrypted: m.encrypted,
      },
    })),
    Tags: tagList(image.tags),
  };
}

const READERS: FieldReaders<Image> = {
  'name': (i) => i.Name,
  'architecture': (i) => i.Architecture,
  'state': (i) => i.State,
  'image-id': (i) => i.ImageId,
  'owner-id': (i) => i.OwnerId,
  'owner-alias': (i) => i.ImageOwnerAlias,
  'platform': (i) => i.Platform,
  'is-public': (i) => String(i.Public),
  'root-device-name': (i) => i.RootDeviceName,
  'root-device-type': (i) => i.RootDeviceType,
  'description': (i) => i.Description,
  'image-type': (i) => i.ImageType,
  'virtualization-type': (i) => i.VirtualizationType,
  'creation-date': (i) => i.CreationDate,
  'block-device-mapping.snapshot-id': (i) => i.BlockDeviceMappings?.map((m) => m.Ebs?.SnapshotId),
  'block-device-mapping.encrypted': (i) => i.BlockDeviceMappings?.map((m) => String(m.Ebs?.Encrypted)),
  'source-image-id': (i) => i.SourceImageId,
  'source-image-region': (i) => i.SourceImageRegion,
};

function ownerMatches(ctx: OperationContext, image: ImageRecord, owners: string[] | undefined): boolean {
  if (!owners?.length) return true;
  return owners.some((owner) => (owner === 'self' ? image.ownerId === ctx.accountId
    : owner === 'amazon' ? image.ownerAlias === 'amazon'
      : image.ownerId === owner));
}

export function describeImages(ctx: OperationContext, input: DescribeImagesRequest): DescribeImagesResult {
  checkFilters(input.Filters, READERS);
  for (const id of input.ImageIds ?? []) {
    if (!isEc2Id(id, 'ami')) throw ec2Error('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
    const image = anyImage(ctx, id);
    if (!image || !isVisibleTo(ctx, image)) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
    settledImage(ctx, image);
  }
  const wanted = input.ImageIds?.length ? new Set(input.ImageIds) : undefined;
  // Deprecated images of other owners show only when asked for by id or with IncludeDeprecated.
  const showDeprecated = (image: ImageRecord) => !!wanted || input.IncludeDeprecated === true
    || image.ownerId === ctx.accountId || !isDeprecated(image, ctx.now);
  const Images = imagesOfRegion(ctx)
    .filter((image) => isRegistered(image, ctx.now) && isVisibleTo(ctx, image) && isSettled(ctx, image) && showDeprecated(image))
    .filter((image) => (!wanted || wanted.has(image.id)) && ownerMatches(ctx, image, input.Owners))
    .map((image) => ({ image, sdk: toSdkImage(ctx, image) }))
    .filter(({ image, sdk }) => matchesFilters(sdk, image.tags, input.Filters, READERS))
    .map(({ sdk }) => sdk);
  return { Images };
}

/** The name of a new image (CreateImage, CopyImage) in the context's region, or EC2's error. */
export function checkNewImageName(ctx: OperationContext, name: string | undefined): string {
  if (!name) throw ec2Error('MissingParameter', 'The request must contain the parameter Name');
  if (!NAME_PATTERN.test(name)) {
    throw ec2Error('InvalidAMIName.Malformed',
      `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '[', ']', ' ', '.', '-', '/', '\\'', '@' and '_': ${name}`);
  }
  const clash = [...ctx.region.images.values()]
    .find((image) => image.ownerId === ctx.accountId && image.name === name && isRegistered(image, ctx.now));
  if (clash) throw ec2Error('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${clash.id}`);
  return name;
}

function checkInstanceForImage(ctx: OperationContext, instance: InstanceRecord): void {
  const state = instanceStateAt(instance, ctx.now);
  if (state !== 'running' && state !== 'stopped') {
    throw ec2Error('IncorrectInstanceState',
      `The instance '${instance.id}' is not in a state from which an image can be created (state: ${state}).`);
  }
}

/** Reboots the instance (CreateImage without NoReboot) and returns how long that takes. */
function rebootForImage(ctx: OperationContext, instance: InstanceRecord, noReboot: boolean | undefined): number {
  if (noReboot || instanceStateAt(instance, ctx.now) !== 'running') return 0;
  const rebootMs = ctx.pick(instance.platform === 'windows' ? ctx.timings.windowsRebootMs : ctx.timings.rebootMs);
  instance.reboots.push({ start: ctx.now, end: ctx.now + rebootMs });
  return rebootMs;
}

/** Schedules when a new image (made or copied) ends `pending`, with EC2's `EC2 AMI State Change` event. */
export function planImageEnd(ctx: OperationContext, image: ImageRecord, at: number, value: 'available' | 'failed'): void {
  image.state.reschedule(ctx.now, [{ at, value }]);
  ctx.expectEvent(changeEvent(image.state, image.id, at, value, () => ({
    'source': 'aws.ec2',
    'detail-type': 'EC2 AMI State Change',
    'resources': [`arn:aws:ec2:${ctx.region.name}::image/${image.id}`],
    'detail': { RequestId: `${image.id}-request`, ImageId: image.id, State: value, ErrorMessage: image.stateReason?.message ?? '' },
  })));
}

export function createImage(ctx: OperationContext, input: CreateImageRequest): CreateImageResult {
  const instance = findInstance(ctx, input.InstanceId);
  const name = checkNewImageName(ctx, input.Name);
  if ((input.Description ?? '').length > 255) {
    throw ec2Error('InvalidParameterValue', 'The description of an image can be at most 255 characters long.');
  }
  checkInstanceForImage(ctx, instance);
  const tags = tagsByResourceType(input.TagSpecifications, ['image', 'snapshot'], 'CreateImage');
  const imageId = ctx.ids.ec2('ami');
  const rebootMs = rebootForImage(ctx, instance, input.NoReboot);
  const volumes = snapshotsOfInstance(ctx, instance);
  const totalGiB = volumes.reduce((sum, v) => sum + v.volume.sizeGiB, 0);
  const readyAt = ctx.now + rebootMs + ctx.pick(ctx.timings.imageBaseMs) + totalGiB * ctx.pick(ctx.timings.imagePerGiBMs);
  const snapshots: SnapshotRecord[] = volumes.map(({ volume }) => ({
    id: ctx.ids.ec2('snap'),
    ownerId: ctx.accountId,
    volumeId: volume.id,
    sizeGiB: volume.sizeGiB,
    encrypted: volume.encrypted,
    kmsKeyId: volume.kmsKeyId,
    description: `Created by CreateImage(${instance.id}) for ${imageId}`,
    createdAt: ctx.now,
    completedAt: readyAt,
    tags: tagsFor(tags, 'snapshot'),
  }));
  const failure = ctx.faults.imageFailure;
  const image: ImageRecord = {
    id: imageId,
    name,
    description: input.Description ?? '',
    ownerId: ctx.accountId,
    public: false,
    architecture: instance.architecture,
    platform: instance.platform,
    rootDeviceName: instance.rootDeviceName,
    mappings: volumes.map(({ volume }, i) => ({
      deviceName: volume.device,
      snapshotId: snapshots[i].id,
      sizeGiB: volume.sizeGiB,
      volumeType: volume.volumeType,
      deleteOnTermination: volume.deleteOnTermination,
      encrypted: volume.encrypted,
    })),
    createdAt: ctx.now,
    state: new Timeline<ImageStateName>(ctx.now, 'pending'),
    stateReason: failure
      ? { code: 'Server.InternalError', message: `Server.InternalError: Internal error on image creation (injected by fault rule ${failure})` }
      : undefined,
    tags: tagsFor(tags, 'image'),
    sourceInstanceId: instance.id,
    rootFiles: { files: new Set(instance.files), contents: new Map(instance.contents ?? []) },
    ...(instance.generalized ? { generalized: true } : {}),
    imageLocation: `${ctx.accountId}/${name}`,
    launchPermissions: new Map(),
    settlesAt: settlesAt(ctx),
  };
  if (!ctx.faults.imageNeverAvailable) planImageEnd(ctx, image, readyAt, failure ? 'failed' : 'available');
  snapshots.forEach((snapshot) => ctx.region.snapshots.set(snapshot.id, snapshot));
  ctx.region.images.set(imageId, image);
  return { ImageId: imageId };
}

export function deregisterImage(ctx: OperationContext, input: DeregisterImageRequest): DeregisterImageResult {
  const image = findOwnImage(ctx, input.ImageId);
  if (image.deregistrationProtection?.enabled) {
    throw ec2Error('InvalidParameterValue',
      `Cannot deregister ${image.id}: deregistration protection is enabled for the image. Disable it with DisableImageDeregistrationProtection first.`);
  }
  const cooldown = cooldownEnd(image, ctx.now);
  if (cooldown !== undefined) {
    throw ec2Error('InvalidParameterValue',
      `Cannot deregister ${image.id}: deregistration protection is enabled until ${new Date(cooldown).toISOString()} (24-hour cooldown after it was disabled).`);
  }
  image.deregisteredAt = ctx.now;
  const DeleteSnapshotResults = input.DeleteAssociatedSnapshots ? image.mappings.map((m) => ({
    SnapshotId: m.snapshotId,
    ReturnCode: deleteSnapshotIfUnused(ctx, m.snapshotId) ? 'success' as const : 'skipped' as const,
  })) : undefined;
  // EC2 releases the snapshots of a deregistered image a moment later (longer on a bad day).
  image.snapshotsReleasedAt = ctx.now + (ctx.faults.snapshotInUseMs ?? ctx.pick(ctx.timings.snapshotReleaseMs));
  return DeleteSnapshotResults ? { Return: true, DeleteSnapshotResults } : { Return: true };
}

/** A DeprecateAt value (Date, ISO string or epoch ms) as epoch ms, or EC2's error. */
function deprecateAtMs(value: unknown): number {
  if (value === undefined || value === null || value === '') throw ec2Error('MissingParameter', 'The request must contain the parameter DeprecateAt');
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(String(value));
  if (Number.isNaN(ms)) throw ec2Error('InvalidParameterValue', `Value (${String(value)}) for parameter DeprecateAt is invalid.`);
  return ms;
}

export function enableImageDeprecation(ctx: OperationContext, input: EnableImageDeprecationRequest): EnableImageDeprecationResult {
  const image = findOwnImage(ctx, input.ImageId);
  // EC2 rounds the seconds to the nearest minute.
  const at = Math.round(deprecateAtMs(input.DeprecateAt) / MINUTE_MS) * MINUTE_MS;
  if (at < ctx.now) {
    throw ec2Error('InvalidParameterValue', `The deprecation time ${new Date(at).toISOString()} for ${image.id} is in the past. Specify a time in the future.`);
  }
  const isPublic = image.public || image.launchPermissions.has('all');
  const limit = isPublic ? image.createdAt + 2 * YEAR_MS : ctx.now + 10 * YEAR_MS;
  if (at > limit) {
    throw ec2Error('InvalidParameterValue', isPublic
      ? `The deprecation time for public AMI ${image.id} can be at most 2 years after its creation date.`
      : `The deprecation time ${new Date(at).toISOString()} for ${image.id} is more than 10 years from now.`);
  }
  image.deprecateAt = at;
  return { Return: true };
}

export function disableImageDeprecation(ctx: OperationContext, input: DisableImageDeprecationRequest): DisableImageDeprecationResult {
  const image = findOwnImage(ctx, input.ImageId);
  image.deprecateAt = undefined;
  return { Return: true };
}

export function enableImageDeregistrationProtection(
  ctx: OperationContext,
  input: EnableImageDeregistrationProtectionRequest,
): EnableImageDeregistrationProtectionResult {
  const image = findOwnImage(ctx, input.ImageId);
  image.deregistrationProtection = { enabled: true, withCooldown: input.WithCooldown === true };
  return { Return: deregistrationProtectionAt(image, ctx.now) };
}

export function disableImageDeregistrationProtection(
  ctx: OperationContext,
  input: DisableImageDeregistrationProtectionRequest,
): DisableImageDeregistrationProtectionResult {
  const image = findOwnImage(ctx, input.ImageId);
  const current = image.deregistrationProtection;
  if (current?.enabled) {
    image.deregistrationProtection = { enabled: false, withCooldown: current.withCooldown, disabledAt: current.withCooldown ? ctx.now : undefined };
  }
  return { Return: deregistrationProtectionAt(image, ctx.now) };
}
