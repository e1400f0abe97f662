/** Tags: validation, conversion to the SDK's `{ Key, Value }` lists, and TagSpecifications. */
import type { Tag, TagSpecification } from '@aws-sdk/client-ec2';
import { ec2Error } from './errors';
import type { TagMap } from './records';

const MAX_TAGS = 50;

/** Tags as the SDK returns them, or undefined when there are none (as EC2 omits the field). */
export function tagList(tags: TagMap): Tag[] | undefined {
  if (tags.size === 0) return undefined;
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

/** Checks and adds `tags` to `target`, following EC2's tag rules. */
export function applyTags(target: TagMap, tags: readonly Tag[] | undefined): void {
  for (const tag of tags ?? []) {
    const key = tag.Key ?? '';
    const value = tag.Value ?? '';
    if (key.length < 1 || key.length > 128) {
      throw ec2Error('InvalidParameterValue', `Tag key must be between 1 and 128 characters: '${key}'`);
    }
    if (value.length > 256) {
      throw ec2Error('InvalidParameterValue', `Tag value exceeds the maximum length of 256 characters (tag '${key}')`);
    }
    if (key.toLowerCase().startsWith('aws:')) {
      throw ec2Error('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use: '${key}'`);
    }
    target.set(key, value);
  }
  if (target.size > MAX_TAGS) {
    throw ec2Error('TagLimitExceeded', `The maximum number of tags per resource (${MAX_TAGS}) was exceeded`);
  }
}

/**
 * The tags a TagSpecifications list gives each resource type, after checking that every type is
 * one the operation can tag.
 */
export function tagsByResourceType(
  specs: readonly TagSpecification[] | undefined,
  allowed: readonly string[],
  operation: string,
): Map<string, TagMap> {
  const byType = new Map<string, TagMap>();
  for (const spec of specs ?? []) {
    const type = spec.ResourceType ?? '';
    if (!allowed.includes(type)) {
      throw ec2Error('InvalidParameterValue', `'${type}' is not a valid taggable resource type for ${operation}.`);
    }
    const tags = byType.get(type) ?? new Map<string, string>();
    applyTags(tags, spec.Tags);
    byType.set(type, tags);
  }
  return byType;
}

/** A copy of the tags for `type`, empty when the specifications named none. */
export function tagsFor(byType: Map<string, TagMap>, type: string): TagMap {
  return new Map(byType.get(type) ?? []);
}
