/**
 * The items of launch permissions (images) and create-volume permissions (snapshots): an account id, the
 * group `all`, an organization ARN or an organizational unit ARN. Both Modify*Attribute calls take them as
 * `Add`/`Remove` lists of one-field objects, or in the older form `OperationType` plus lists of values;
 * both check each value's format the same way.
 */
import type { OperationType } from '@aws-sdk/client-ec2';
import { ec2Error } from './errors';
import type { LaunchPermissionKind } from './records';

export interface PermissionItem {
  readonly kind: LaunchPermissionKind;
  readonly value: string;
}

export interface PermissionChanges {
  readonly add: PermissionItem[];
  readonly remove: PermissionItem[];
}

/** One entry of an `Add` or `Remove` list, as the SDK types it. */
export type PermissionEntry = Partial<Record<LaunchPermissionKind, string>>;

const USER_ID = /^\d{12}$/;
const ORGANIZATION_ARN = /^arn:aws:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN = /^arn:aws:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;

/** The item type EC2 names in InvalidAMIAttributeItemValue. */
const ITEM_TYPE: Record<LaunchPermissionKind, string> = {
  UserId: 'userId',
  Group: 'group',
  OrganizationArn: 'OrganizationArn',
  OrganizationalUnitArn: 'OrganizationalUnitArn',
};

const FORMATS: Record<LaunchPermissionKind, (value: string) => boolean> = {
  UserId: (value) => USER_ID.test(value),
  Group: (value) => value === 'all',
  OrganizationArn: (value) => ORGANIZATION_ARN.test(value),
  OrganizationalUnitArn: (value) => OU_ARN.test(value),
};

/** True when the value has the format of its kind (12 digits, `all`, an organization or OU ARN). */
export function isValidItem(kind: LaunchPermissionKind, value: string): boolean {
  return FORMATS[kind](value);
}

/** The item after checking its value's format, or EC2's InvalidAMIAttributeItemValue. */
export function checkedItem(kind: LaunchPermissionKind, value: string): PermissionItem {
  if (!isValidItem(kind, value)) {
    throw ec2Error('InvalidAMIAttributeItemValue', `Invalid attribute item value "${value}" for ${ITEM_TYPE[kind]} item type.`);
  }
  return { kind, value };
}

/** The kind of an item of a saved permission list, told by its format. */
export function kindOfValue(value: string): LaunchPermissionKind {
  if (value === 'all') return 'Group';
  if (value.includes(':ou/')) return 'OrganizationalUnitArn';
  return value.includes(':organization/') ? 'OrganizationArn' : 'UserId';
}

/** One `Add`/`Remove` entry: exactly one of the fields `kinds` allows, with a valid value. */
function itemOfEntry(entry: PermissionEntry, kinds: readonly LaunchPermissionKind[]): PermissionItem {
  const named = kinds.filter((kind) => entry[kind] !== undefined);
  if (named.length !== 1) {
    throw ec2Error('InvalidParameterCombination', `Each permission must specify exactly one of ${kinds.join(', ')}.`);
  }
  return checkedItem(named[0], String(entry[named[0]]));
}

/** The changes of an `Add`/`Remove` structure (LaunchPermission, CreateVolumePermission). */
export function changesOfModifications(
  modifications: { Add?: PermissionEntry[]; Remove?: PermissionEntry[] },
  kinds: readonly LaunchPermissionKind[],
): PermissionChanges {
  return {
    add: (modifications.Add ?? []).map((entry) => itemOfEntry(entry, kinds)),
    remove: (modifications.Remove ?? []).map((entry) => itemOfEntry(entry, kinds)),
  };
}

/** The changes of the older form: `OperationType` (add or remove) and lists of values of each kind. */
export function changesOfOperation(
  operationType: OperationType | string | undefined,
  lists: readonly (readonly [LaunchPermissionKind, readonly string[] | undefined])[],
): PermissionChanges {
  if (operationType !== 'add' && operationType !== 'remove') {
    throw operationType === undefined
      ? ec2Error('MissingParameter', 'The request must contain the parameter OperationType')
      : ec2Error('InvalidParameterValue', `Value (${operationType}) for parameter OperationType is invalid. Valid values: add, remove`);
  }
  const items = lists.flatMap(([kind, values]) => (values ?? []).map((value) => checkedItem(kind, value)));
  return operationType === 'add' ? { add: items, remove: [] } : { add: [], remove: items };
}

/** Adds then removes the changes' items in a permission map. */
export function applyChanges<K extends string>(permissions: Map<string, K>, changes: PermissionChanges): void {
  changes.add.forEach((item) => permissions.set(item.value, item.kind as K));
  changes.remove.forEach((item) => permissions.delete(item.value));
}

/** A permission map as the SDK lists it: one object per item, with the field its kind names. */
export function permissionList<K extends LaunchPermissionKind>(permissions: ReadonlyMap<string, K> | undefined): Partial<Record<K, string>>[] {
  return [...(permissions ?? new Map<string, K>())].map(([value, kind]) => ({ [kind]: value }) as Partial<Record<K, string>>);
}
