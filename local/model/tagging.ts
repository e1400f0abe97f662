/** CreateTags / DeleteTags on the resources the model knows. */
import type { CreateTagsRequest, DeleteTagsRequest } from '@aws-sdk/client-ec2';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { findImage } from './images';
import { findInstance } from './instances';
import type { TagMap } from './records';
import { snapshotExists } from './snapshots';
import { applyTags } from './tags';
import { volumeStateAt } from './volumes';

function tagsOfResource(ctx: OperationContext, id: string): TagMap {
  const prefix = id.split('-')[0];
  if (prefix === 'i') return findInstance(ctx, id).tags;
  if (prefix === 'ami') return findImage(ctx, id).tags;
  if (prefix === 'snap') {
    const snapshot = ctx.region.snapshots.get(id);
    if (!snapshot || !snapshotExists(snapshot, ctx.now) || snapshot.ownerId !== ctx.accountId) {
      throw ec2Error('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    }
    return snapshot.tags;
  }
  if (prefix === 'vol') {
    const volume = ctx.region.volumes.get(id);
    if (!volume || volumeStateAt(ctx.region, volume, ctx.now) === 'deleted') {
      throw ec2Error('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
    }
    return volume.tags;
  }
  if (prefix === 'lt') {
    const template = ctx.region.launchTemplates.get(id);
    if (!template) throw ec2Error('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
    return template.tags;
  }
  throw ec2Error('InvalidID', `The ID '${id}' is not valid`);
}

export function createTags(ctx: OperationContext, input: CreateTagsRequest): Record<string, never> {
  const targets = (input.Resources ?? []).map((id) => tagsOfResource(ctx, id));
  if (!targets.length) throw ec2Error('MissingParameter', 'The request must contain the parameter resourceIdSet');
  targets.forEach((tags) => applyTags(tags, input.Tags));
  return {};
}

export function deleteTags(ctx: OperationContext, input: DeleteTagsRequest): Record<string, never> {
  const targets = (input.Resources ?? []).map((id) => tagsOfResource(ctx, id));
  for (const tags of targets) {
    for (const tag of input.Tags ?? [...tags.keys()].map((Key) => ({ Key, Value: undefined }))) {
      if (tag.Key !== undefined && (tag.Value === undefined || tags.get(tag.Key) === tag.Value)) tags.delete(tag.Key);
    }
  }
  return {};
}
