/**
 * The EventBridge events EC2 and SSM send about the account's resources: `EC2 Instance State-change Notification`,
 * `EC2 AMI State Change` and `EC2 Command Invocation Status-change Notification`. The model says when one is due
 * as it schedules the change; the event goes out on its region's default bus `eventDeliveryMs` after the change,
 * described as things stand then (a change that was called off sends nothing). Delivery is best effort, as on AWS:
 * the `event:drop` fault loses every event, `event:late` delivers each `lateEventMs` late, and `event:ahead` each
 * `aheadEventMs` before the change shows in the APIs (the event describes the change as planned).
 *
 * Only a running bake listens; with no listener nothing is scheduled, so no timer outlives the virtual clock.
 */
import { createHash } from 'node:crypto';
import type { Timeline } from './timeline';
import type { Range } from './timings';

export interface ServiceEvent {
  readonly 'source': 'aws.ec2' | 'aws.ssm';
  readonly 'detail-type': string;
  readonly 'region': string;
  readonly 'account': string;
  readonly 'time': string;
  readonly 'resources': string[];
  readonly 'detail': Record<string, unknown>;
}

/** What an event says, without where and when it is delivered. */
export type ServiceEventBody = Pick<ServiceEvent, 'source' | 'detail-type' | 'resources' | 'detail'>;

/** An event due at `at`: `describe` runs then, and gives nothing when what it would report did not happen after all. */
export interface DueEvent {
  readonly at: number;
  /** Names the change (resource, new state, time): the delivery delay is drawn from it, not from the account's generator. */
  readonly key: string;
  readonly describe: () => ServiceEventBody | undefined;
}

/**
 * The event of a change planned on a timeline (`what` becomes `value` at `at`), sent only if the change still
 * happens when it is due (a later plan may have called it off).
 */
export function changeEvent<T>(timeline: Timeline<T>, what: string, at: number, value: T, body: () => ServiceEventBody): DueEvent {
  return {
    at,
    key: `${what}:${String(value)}:${at}`,
    describe: () => (timeline.since(at) === at && timeline.valueAt(at) === value ? body() : undefined),
  };
}

/** How events reach listeners: on time, never (`event:drop`), minutes late (`event:late`) or ahead of the APIs (`event:ahead`). */
export type EventDelivery = 'on-time' | 'drop' | 'late' | 'ahead';

export type ServiceEventListener = (event: ServiceEvent) => void;

export interface EventSchedule {
  readonly now: number;
  readonly region: string;
  readonly account: string;
  readonly delivery: EventDelivery;
  readonly deliveryMs: Range;
  readonly lateMs: Range;
  readonly aheadMs: Range;
}

export class ServiceEventStream {
  private readonly listeners = new Set<ServiceEventListener>();

  /** Listens until the returned function is called. */
  subscribe(listener: ServiceEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Schedules the event of a change the model just planned. */
  expect(schedule: EventSchedule, due: DueEvent): void {
    if (this.listeners.size === 0 || schedule.delivery === 'drop' || !Number.isFinite(due.at)) return;
    setTimeout(() => {
      const body = due.describe();
      if (!body) return;
      const event: ServiceEvent = { ...body, region: schedule.region, account: schedule.account, time: new Date(due.at).toISOString() };
      for (const listener of [...this.listeners]) listener(event);
    }, Math.max(0, due.at - schedule.now + deliveryOffset(schedule, due.key)));
  }
}

/** When the event arrives, from the change: later by EventBridge's delivery, or (`event:ahead`) before it. */
function deliveryOffset(schedule: EventSchedule, key: string): number {
  if (schedule.delivery === 'ahead') return -drawn(`${key}#ahead`, schedule.aheadMs);
  return drawn(key, schedule.deliveryMs) + (schedule.delivery === 'late' ? drawn(`${key}#late`, schedule.lateMs) : 0);
}

/** A value in the range drawn from the text's hash, so events leave the account's random sequence as it was. */
function drawn(text: string, [min, max]: Range): number {
  return min + (createHash('sha256').update(text).digest().readUInt32BE(0) % (max - min + 1));
}
