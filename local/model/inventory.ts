/**
 * What the account holds now, in every region it has used, as plain JSON: its own images, snapshots,
 * instances and parameters. The public catalog (base images, their snapshots, `/aws/service/` parameters)
 * is left out; gone resources (deregistered images, deleted snapshots, terminated instances no longer
 * listed by DescribeInstances) are too. An account with peers also lists the peers' parameters.
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

/** A parameter of a peer account (`SimulatedAccount.addPeer`). */
export interface InventoryPeerParameter extends InventoryParameter {
  readonly accountId: string;
}

export interface Inventory {
  readonly images: InventoryImage[];
  readonly snapshots: InventorySnapshot[];
  readonly instances: InventoryInstance[];
  readonly parameters: InventoryParameter[];
  /** Only for an account with peers: the parameters each peer holds. */
  readonly peerParameters?: InventoryPeerParameter[];
}

function tagObject(tags: TagMap): Record<string, string> {
  return Object.fromEntries(tags);
}

/** The parameters an account put, region by region. */
function ownParameters(account: SimulatedAccount): InventoryParameter[] {
  return account.regionNames().flatMap((name) => [...account.region(name).parameters.values()]
    .filter((parameter) => !isPublicParameter(parameter.name))
    .map((parameter) => ({ region: name, name: parameter.name, value: parameter.value })));
}

/** The account's own resources at its current time, region by region, oldest first. */
export function inventory(account: SimulatedAccount): Inventory {
  const now = account.now();
  const peers = account.peers();
  const result: Inventory = {
    images: [],
    snapshots: [],
    instances: [],
    parameters: ownParameters(account),
    ...(peers.length ? { peerParameters: peers.flatMap((peer) => ownParameters(peer).map((p) => ({ accountId: peer.accountId, ...p }))) } : {}),
  };
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
        launchPermissions: [...image.launchPermissions.keys()],
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
  }
  return result;
}
