/**
 * CopyImage, answered in the region the request goes to (the target): a copy of an image of this account, or of
 * one shared with it whose snapshots are shared too, from the source region. The copy gets its id at once and new
 * snapshots of the same sizes; it is `pending` for `copyBaseMs` plus `copyPerGiBMs` per GiB, then `available`
 * (or `failed`, or forever `pending`, under the `copy:<region>` fault rules). Copies of encrypted snapshots stay
 * encrypted; a repeated ClientToken returns the first copy instead of making another.
 */
import type { CopyImageRequest, CopyImageResult } from '@aws-sdk/client-ec2';
import { isCatalogOwner } from './catalog';
import { settlesAt } from './consistency';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { isEc2Id } from './ids';
import { checkNewImageName, imageStateAt, planImageEnd } from './images';
import { awsManagedEbsKeyArn, kmsKeyArn } from './kms';
import { stableStringify } from './launch';
import type { ImageDeviceMapping, ImageRecord, ImageStateName, SnapshotRecord, TagMap } from './records';
import { applyTags, tagList, tagsByResourceType, tagsFor } from './tags';
import { Timeline } from './timeline';
import { anySnapshot, visibleImage } from './visibility';

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function required(value: string | undefined, name: string): string {
  if (!value) throw ec2Error('MissingParameter', `The request must contain the parameter ${name}`);
  return value;
}

/** What must match for a repeated ClientToken to count as the same request. */
function fingerprintOf(input: CopyImageRequest): string {
  const { ClientToken: _token, DryRun: _dryRun, ...rest } = input;
  return stableStringify(rest);
}

/** The copy an earlier request with the same client token made, if any. */
function earlierCopy(ctx: OperationContext, input: CopyImageRequest): CopyImageResult | undefined {
  if (!input.ClientToken) return undefined;
  const earlier = [...ctx.region.images.values()]
    .find((image) => image.ownerId === ctx.accountId && image.copy?.clientToken === input.ClientToken);
  if (!earlier) return undefined;
  if (earlier.copy?.fingerprint !== fingerprintOf(input)) {
    throw ec2Error('IdempotentParameterMismatch',
      `The client token you have provided is associated with a resource that is already deleted or has different parameters: '${input.ClientToken}'.`);
  }
  return { ImageId: earlier.id };
}

/** The available image to copy, visible to this account in the source region, or EC2's error. */
function sourceImage(ctx: OperationContext, input: CopyImageRequest): { image: ImageRecord; region: string } {
  const region = required(input.SourceRegion, 'SourceRegion');
  if (!REGION_PATTERN.test(region)) throw ec2Error('InvalidParameterValue', `Value (${region}) for parameter SourceRegion is invalid.`);
  const id = required(input.SourceImageId, 'SourceImageId');
  if (!isEc2Id(id, 'ami')) throw ec2Error('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
  const image = visibleImage(ctx, id, region);
  if (!image) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
  const state = imageStateAt(image, ctx.now);
  if (state !== 'available') {
    throw ec2Error('InvalidAMIID.Unavailable', `The AMI ID '${id}' is currently ${state} and may not be used for this operation`);
  }
  return { image, region };
}

/** Another account's image can be copied only when its snapshots are shared with this account or public. */
function checkStorageAccess(ctx: OperationContext, image: ImageRecord, region: string): void {
  if (image.ownerId === ctx.accountId || isCatalogOwner(image.ownerId)) return;
  const readable = image.mappings.every((m) => {
    const permissions = anySnapshot(ctx, m.snapshotId, region)?.createVolumePermissions;
    return !!permissions && (permissions.has('all') || permissions.has(ctx.accountId));
  });
  if (!readable) throw ec2Error('InvalidRequest', 'You do not have permission to access the storage of this ami');
}

/** The KMS key a copy of one snapshot is encrypted with, or undefined when the copy is not encrypted. */
function copyKey(ctx: OperationContext, input: CopyImageRequest, source: { image: ImageRecord; region: string }, mapping: ImageDeviceMapping):
string | undefined {
  if (input.Encrypted !== true && !mapping.encrypted) return undefined;
  if (input.KmsKeyId) return kmsKeyArn(input.KmsKeyId, ctx.region.name, ctx.accountId);
  const sameRegionOwnSource = source.region === ctx.region.name && source.image.ownerId === ctx.accountId;
  const sourceKey = mapping.encrypted ? anySnapshot(ctx, mapping.snapshotId, source.region)?.kmsKeyId : undefined;
  return sameRegionOwnSource && sourceKey ? sourceKey : awsManagedEbsKeyArn(ctx.region.name, ctx.accountId);
}

/** The copy's tags: the source's with CopyImageTags, then those TagSpecifications give images. */
function copyTags(source: ImageRecord, copyImageTags: boolean | undefined, specified: TagMap): TagMap {
  const tags = new Map(copyImageTags ? source.tags : []);
  applyTags(tags, tagList(specified));
  return tags;
}

export function copyImage(ctx: OperationContext, input: CopyImageRequest): CopyImageResult {
  required(input.SourceRegion, 'SourceRegion');
  required(input.SourceImageId, 'SourceImageId');
  required(input.Name, 'Name');
  const earlier = earlierCopy(ctx, input);
  if (earlier) return earlier;
  if (input.KmsKeyId && input.Encrypted !== true) {
    throw ec2Error('InvalidParameterDependency', 'The parameter KmsKeyId requires the parameter Encrypted to be set.');
  }
  const name = checkNewImageName(ctx, input.Name);
  if ((input.Description ?? '').length > 255) {
    throw ec2Error('InvalidParameterValue', 'The description of an image can be at most 255 characters long.');
  }
  const source = sourceImage(ctx, input);
  checkStorageAccess(ctx, source.image, source.region);
  const tags = tagsByResourceType(input.TagSpecifications, ['image', 'snapshot'], 'CopyImage');
  const imageId = ctx.ids.ec2('ami');
  const totalGiB = source.image.mappings.reduce((sum, m) => sum + m.sizeGiB, 0);
  const readyAt = ctx.now + ctx.pick(ctx.timings.copyBaseMs) + totalGiB * ctx.pick(ctx.timings.copyPerGiBMs);
  const copies = source.image.mappings.map((mapping) => {
    const kmsKeyId = copyKey(ctx, input, source, mapping);
    const snapshot: SnapshotRecord = {
      id: ctx.ids.ec2('snap'),
      ownerId: ctx.accountId,
      volumeId: 'vol-ffffffff',
      sizeGiB: anySnapshot(ctx, mapping.snapshotId, source.region)?.sizeGiB ?? mapping.sizeGiB,
      encrypted: kmsKeyId !== undefined,
      kmsKeyId,
      description: `Copied for DestinationAmi ${imageId} from SourceAmi ${source.image.id} for SourceSnapshot ${mapping.snapshotId}.`,
      createdAt: ctx.now,
      completedAt: readyAt,
      tags: tagsFor(tags, 'snapshot'),
    };
    return { snapshot, mapping: { ...mapping, snapshotId: snapshot.id, encrypted: snapshot.encrypted } };
  });
  const failure = ctx.faults.copyFailure(ctx.region.name);
  const image: ImageRecord = {
    id: imageId,
    name,
    description: input.Description ?? `[Copied ${source.image.id} from ${source.region}] ${source.image.name}`,
    ownerId: ctx.accountId,
    public: false,
    architecture: source.image.architecture,
    platform: source.image.platform,
    rootDeviceName: source.image.rootDeviceName,
    mappings: copies.map((c) => c.mapping),
    createdAt: ctx.now,
    state: new Timeline<ImageStateName>(ctx.now, 'pending'),
    stateReason: failure
      ? { code: 'Server.InternalError', message: `Server.InternalError: Internal error on image copy (injected by fault rule ${failure})` }
      : undefined,
    tags: copyTags(source.image, input.CopyImageTags, tagsFor(tags, 'image')),
    ...(source.image.rootFiles ? { rootFiles: source.image.rootFiles } : {}),
    ...(source.image.generalized ? { generalized: true } : {}),
    imageLocation: `${ctx.accountId}/${name}`,
    launchPermissions: new Map(),
    copy: { sourceRegion: source.region, sourceImageId: source.image.id, clientToken: input.ClientToken, fingerprint: fingerprintOf(input) },
    settlesAt: settlesAt(ctx),
  };
  if (!ctx.faults.copyNeverAvailable(ctx.region.name)) planImageEnd(ctx, image, readyAt, failure ? 'failed' : 'available');
  copies.forEach(({ snapshot }) => ctx.region.snapshots.set(snapshot.id, snapshot));
  ctx.region.images.set(imageId, image);
  return { ImageId: imageId };
}
