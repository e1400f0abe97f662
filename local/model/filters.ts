/** EC2 `Filters` matching: wildcards, tag filters, and rejecting filter names AWS would reject. */
import type { Filter } from '@aws-sdk/client-ec2';
import { ec2Error } from './errors';
import type { TagMap } from './records';

/** True when `value` matches an EC2 filter pattern (`*` any run of characters, `?` one character). */
export function wildcardMatch(pattern: string, value: string): boolean {
  const regex = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 's').test(value);
}

/** How to read one named field of a resource; a field may have several values (or none). */
export type FieldReaders<R> = Record<string, (resource: R) => (string | undefined)[] | string | undefined>;

function matchesOne<R>(resource: R, tags: TagMap, filter: Filter, readers: FieldReaders<R>): boolean {
  const name = filter.Name ?? '';
  const patterns = filter.Values ?? [];
  let values: (string | undefined)[];
  if (name.startsWith('tag:')) {
    values = [tags.get(name.slice(4))];
  } else if (name === 'tag-key') {
    values = [...tags.keys()];
  } else if (name === 'tag-value') {
    values = [...tags.values()];
  } else {
    const read = readers[name];
    const raw = read(resource);
    values = Array.isArray(raw) ? raw : [raw];
  }
  return values.some((value) => value !== undefined && patterns.some((pattern) => wildcardMatch(pattern, value)));
}

/** Checks filter names up front, as EC2 does, so a typo fails loudly instead of matching nothing. */
export function checkFilters<R>(filters: readonly Filter[] | undefined, readers: FieldReaders<R>): void {
  for (const filter of filters ?? []) {
    const name = filter.Name ?? '';
    const known = name.startsWith('tag:') || name === 'tag-key' || name === 'tag-value' || name in readers;
    if (!known) {
      throw ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`);
    }
  }
}

/** True when the resource matches every filter (each filter matches any of its values). */
export function matchesFilters<R>(resource: R, tags: TagMap, filters: readonly Filter[] | undefined, readers: FieldReaders<R>): boolean {
  return (filters ?? []).every((filter) => matchesOne(resource, tags, filter, readers));
}
