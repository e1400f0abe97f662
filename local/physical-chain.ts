/**
 * The physical chain of a bake: the time AWS itself spent on what the bake waited for, one after the other. The
 * build instance from launch until its SSM agent is online, each command from send to end (reboots included), the stop,
 * the image from CreateImage until available, the test instance likewise, and the slowest copy. A bake that noticed
 * each change the instant it happened, and spent no time of its own between them, would take this long; what a
 * bake takes beyond it is its overhead (waits that wake late, its own steps, Step Functions and Lambda).
 */
import type { SimulatedAccount } from './model';
import type { ImageRecord, InstanceRecord, InvocationRecord, RegionState } from './model/records';
import { TAG_KEYS } from '../src/contract';

/** One span of the chain. */
export interface ChainLink {
  readonly what: string;
  readonly seconds: number;
}

export interface PhysicalChain {
  readonly seconds: number;
  readonly links: readonly ChainLink[];
}

/** The physical chain of the bake `buildId`, from what the account recorded. */
export function physicalChain(account: SimulatedAccount, buildId: string): PhysicalChain {
  const home = account.region();
  const ofBuild = (tags: Map<string, string>) => tags.get(TAG_KEYS.buildId) === buildId;
  const instances = [...home.instances.values()].filter((instance) => ofBuild(instance.tags)).sort((a, b) => a.createdAt - b.createdAt);
  const images = [...home.images.values()].filter((image) => ofBuild(image.tags) && !image.copy);
  const links = [
    ...instances.flatMap((instance) => instanceLinks(home, instance)),
    ...images.flatMap((image) => imageLink('image', image)),
    ...images.flatMap((image) => slowestCopy(account, image)),
  ];
  return { seconds: links.reduce((sum, link) => sum + link.seconds, 0), links };
}

/** An instance from launch until its agent is online, then its commands (with the reboots they ask for), then its stop. */
function instanceLinks(region: RegionState, instance: InstanceRecord): ChainLink[] {
  const running = instance.state.firstAt('running', instance.createdAt);
  if (running === undefined) return [];
  const links: ChainLink[] = [{ what: `${instance.id} launch until agent online`, seconds: (running + instance.agentDelayMs - instance.createdAt) / 1000 }];
  const stopping = instance.state.firstAt('stopping', running);
  const stopped = stopping === undefined ? undefined : instance.state.firstAt('stopped', stopping);
  const end = stopping ?? Infinity;
  for (const invocation of invocationsOn(region, instance.id)) {
    if (invocation.sentAt < end) links.push({ what: `command ${invocation.commandId}`, seconds: (invocation.endAt - invocation.sentAt) / 1000 });
  }
  if (stopping !== undefined && stopped !== undefined) links.push({ what: `${instance.id} stop`, seconds: (stopped - stopping) / 1000 });
  return links;
}

function invocationsOn(region: RegionState, instanceId: string): InvocationRecord[] {
  return [...region.invocations.values()].filter((invocation) => invocation.instanceId === instanceId).sort((a, b) => a.sentAt - b.sentAt);
}

/** An image from its request until available. */
function imageLink(what: string, image: ImageRecord): ChainLink[] {
  const available = image.state.firstAt('available', image.createdAt);
  return available === undefined ? [] : [{ what: `${what} ${image.id}`, seconds: (available - image.createdAt) / 1000 }];
}

/** The copies of an image wait side by side: the slowest is the chain's. */
function slowestCopy(account: SimulatedAccount, source: ImageRecord): ChainLink[] {
  const copies = account.regionNames()
    .flatMap((name) => [...account.region(name).images.values()].filter((image) => image.copy?.sourceImageId === source.id))
    .flatMap((image) => imageLink('copy', image));
  return copies.length === 0 ? [] : [copies.reduce((a, b) => (b.seconds > a.seconds ? b : a))];
}
