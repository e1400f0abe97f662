/**
 * Who sees which image: its owner, everyone when it is public, and the accounts, organizations and
 * organizational units its launch permissions name. Lookups also find the images of the other accounts of
 * the simulated world (an account's peers), so an image shared with a peer is visible to that peer.
 */
import { isCatalogOwner } from './catalog';
import type { OperationContext } from './context';
import type { ImageRecord, RegionState, SnapshotRecord } from './records';

/** True while the image is registered (not deregistered) at `t`. */
export function isRegistered(image: ImageRecord, t: number): boolean {
  return image.deregisteredAt === undefined || image.deregisteredAt > t;
}

/** True when the account may see the image: its own, public, or shared with it, its organization or one of its OUs. */
export function isVisibleTo(ctx: OperationContext, image: ImageRecord): boolean {
  const granted = image.launchPermissions;
  return image.public || image.ownerId === ctx.accountId || granted.has('all') || granted.has(ctx.accountId)
    || ctx.memberships.some((arn) => granted.has(arn));
}

function ownRegion(ctx: OperationContext, regionName: string): RegionState {
  return regionName === ctx.region.name ? ctx.region : ctx.regionNamed(regionName);
}

/**
 * Every image known in a region, visible or not: the account's own view of it (its images and the public
 * catalog) first, then the images other accounts of the world made there.
 */
export function imagesOfRegion(ctx: OperationContext, regionName: string = ctx.region.name): ImageRecord[] {
  const others = ctx.otherAccountsRegions(regionName)
    .flatMap((region) => [...region.images.values()].filter((image) => !isCatalogOwner(image.ownerId)));
  return [...ownRegion(ctx, regionName).images.values(), ...others];
}

/** An image with this id in the region, whoever owns it and whether or not it is registered or visible. */
export function anyImage(ctx: OperationContext, id: string, regionName: string = ctx.region.name): ImageRecord | undefined {
  return ownRegion(ctx, regionName).images.get(id)
    ?? ctx.otherAccountsRegions(regionName).map((region) => region.images.get(id)).find((image) => image !== undefined);
}

/** A registered image the account can see in the region, or undefined. */
export function visibleImage(ctx: OperationContext, id: string, regionName: string = ctx.region.name): ImageRecord | undefined {
  const image = anyImage(ctx, id, regionName);
  return image && isRegistered(image, ctx.now) && isVisibleTo(ctx, image) ? image : undefined;
}

/** A snapshot with this id in the region, in this account or another account of the world. */
export function anySnapshot(ctx: OperationContext, id: string, regionName: string = ctx.region.name): SnapshotRecord | undefined {
  return ownRegion(ctx, regionName).snapshots.get(id)
    ?? ctx.otherAccountsRegions(regionName).map((region) => region.snapshots.get(id)).find((snapshot) => snapshot !== undefined);
}
