/**
 * What the account holds now, in every region it has used, as plain JSON: its own images, snapshots,
 * instances and parameters. The public catalog (base images, their snapshots, `/aws/service/` parameters)
 * is left out; gone resources (deregistered images, deleted snapshots, terminated instances no longer
 * listed by DescribeInstances) are too.
 */
import type { SimulatedAccount } from './account';
import { isCatalogOwner } from './catalog';
import { imageStateAt, isRegistered } from './images';
import type { TagMap } from './records';
import { snapshotExists } from './snapshots';
import { isPublicParameter } from './state';

export interface InventoryImage {
  readonly region: string;
  readonly imageId: string;
  readonly name: string;
  readonly state: string;
  readonly tags: Record<string, string>;
  readonly snapshotIds: string[];
  /** Account ids (and `all` when public) the image is shared with. */
  readonly launchPermissions: string[];
  /** ISO time, or null when the image has no deprecation time. */
  readonly deprecationTime: string | null;
}

export interface InventorySnapshot {
  readonly region: string;
  readonly snapshotId: string;
  readonly tags: Record<string, string>;
}

export interface InventoryInstance {
  readonly region: string;
  readonly instanceId: string;
  readonly state: string;
  readonly tags: Record<string, string>;
}

export interface InventoryParameter {
  readonly region: string;
  readonly name: string;
  readonly value: string;
}

export interface Inventory {
  readonly images: InventoryImage[];
  readonly snapshots: InventorySnapshot[];
  readonly instances: InventoryInstance[];
  readonly parameters: InventoryParameter[];
}

function tagObject(tags: TagMap): Record<string, string> {
  return Object.fromEntries(tags);
}

/** The account's own resources at its current time, region by region, oldest first. */
export function inventory(account: SimulatedAccount): Inventory {
  const now = account.now();
  const result: Inventory = { images: [], snapshots: [], instances: [], parameters: [] };
  for (const name of account.regionNames()) {
    const region = account.region(name);
    for (const image of region.images.values()) {
      if (isCatalogOwner(image.ownerId) || !isRegistered(image, now)) continue;
      result.images.push({
        region: name,
        imageId: image.id,
        name: image.name,
        state: imageStateAt(image, now),
        tags: tagObject(image.tags),
        snapshotIds: image.mappings.map((m) => m.snapshotId),
        launchPermissions: [...image.launchPermissions],
        deprecationTime: image.deprecateAt === undefined ? null : new Date(image.deprecateAt).toISOString(),
      });
    }
    for (const snapshot of region.snapshots.values()) {
      if (isCatalogOwner(snapshot.ownerId) || !snapshotExists(snapshot, now)) continue;
      result.snapshots.push({ region: name, snapshotId: snapshot.id, tags: tagObject(snapshot.tags) });
    }
    for (const instance of region.instances.values()) {
      const terminatedAt = instance.state.firstAt('terminated');
      if (terminatedAt !== undefined && now >= terminatedAt + account.timings.terminatedVisibleMs) continue;
      result.instances.push({ region: name, instanceId: instance.id, state: instance.state.valueAt(now), tags: tagObject(instance.tags) });
    }
    for (const parameter of region.parameters.values()) {
      if (isPublicParameter(parameter.name)) continue;
      result.parameters.push({ region: name, name: parameter.name, value: parameter.value });
    }
  }
  return result;
}
