/**
 * The simulated AWS account: per-region EC2 and SSM state, the call log, the faults, and the
 * leak check. `invoke` is what the SDK bridge calls for every request.
 */
import { FaultSet } from '../faults';
import { installCatalog } from './catalog';
import type { OperationContext } from './context';
import { SimulatedAwsError, ServiceName } from './errors';
import { hashString, IdFactory, Prng } from './ids';
import { isRegistered } from './images';
import { logEvents, LogEvent } from './invocations';
import { AccountJournal, operationsOf } from './operations';
import { RegionState } from './records';
import { snapshotExists } from './snapshots';
import type { ParameterValidationFailure } from './ssm-parameters';
import { regionFromJson, regionToJson, RegionStateJson } from './state';
import { DEFAULT_TIMINGS, Range, Timings } from './timings';
import { volumeIsGoing } from './volumes';

export interface SimulatedAccountOptions {
  /** Seed of every random choice (ids, durations, output); the same seed gives the same run. Default 1. */
  readonly seed?: number;
  /** The region used when a client does not name one. Default 'us-east-1'. */
  readonly region?: string;
  /** Default '123456789012'. */
  readonly accountId?: string;
  /** Fault rules (see `local/faults.ts`), or a ready FaultSet. */
  readonly faults?: string | readonly string[] | FaultSet;
  /** Overrides of the default durations. */
  readonly timings?: Partial<Timings>;
  /** Instance profile names RunInstances accepts; by default any name is accepted. */
  readonly instanceProfiles?: readonly string[];
}

/** One event on the account's default EventBridge bus. */
export interface BusEvent {
  readonly at: number;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
}

/** One API call the account answered (or refused). */
export interface CallRecord {
  readonly service: ServiceName;
  readonly operation: string;
  readonly region: string;
  readonly at: number;
  /** The error code when the call failed. */
  readonly error?: string;
}

/**
 * A saved account (`SimulatedAccount.toState()`): plain JSON. The public catalog is not in it (a loaded
 * account recreates it); faults, timings, the call log, metrics and events are not either (they belong to a run).
 */
export interface SimulatedAccountState {
  /** The format; `SimulatedAccount.fromState` refuses others. */
  readonly version: 1;
  readonly accountId: string;
  readonly defaultRegion: string;
  /** The latest time the account has seen (epoch ms): a loaded account's clock never goes back before it. */
  readonly latestNow: number;
  /** The random generator's state, so ids made after loading do not repeat earlier ones. */
  readonly prngState: number;
  readonly regions: RegionStateJson[];
}

/** Options for an account loaded from a saved state (its id, region and randomness come from the state). */
export type LoadedAccountOptions = Omit<SimulatedAccountOptions, 'seed' | 'accountId' | 'region'>;

export interface CallFilter {
  readonly service?: ServiceName;
  readonly operation?: string;
  readonly region?: string;
}

export class SimulatedAccount implements AccountJournal {
  /**
   * An account as `toState` saved it: every region's instances, volumes, images, snapshots, parameters, command
   * invocations, launch templates and client tokens, the random generator (ids stay unique) and the latest time.
   * Faults and timings come from `options`, as for a new account; the SendCommand count starts again from 1, so
   * `step:<n>` fault rules count the steps of the run that loaded it.
   */
  static fromState(state: SimulatedAccountState, options: LoadedAccountOptions = {}): SimulatedAccount {
    if (!state || state.version !== 1) {
      throw new Error(`unsupported simulated account state (version ${String((state as { version?: unknown } | undefined)?.version)}; expected 1)`);
    }
    const account = new SimulatedAccount({ ...options, accountId: state.accountId, region: state.defaultRegion });
    account.prng.restore(state.prngState);
    account.latestNow = state.latestNow;
    for (const region of state.regions) regionFromJson(account.region(region.name), region);
    return account;
  }

  readonly accountId: string;
  readonly defaultRegion: string;
  readonly faults: FaultSet;
  readonly timings: Timings;
  readonly prng: Prng;
  readonly ids: IdFactory;
  /** Every call, in order. */
  readonly calls: CallRecord[] = [];
  /** Embedded-metric-format records the runner wrote (CloudWatch metrics), in order. */
  readonly metrics: Record<string, unknown>[] = [];
  /** Events put on the default EventBridge bus (by the state machine's putEvents tasks), in order. */
  readonly events: BusEvent[] = [];
  /** `aws:ec2:image` parameter values that failed SSM's asynchronous validation. */
  readonly parameterValidationFailures: ParameterValidationFailure[] = [];
  private readonly regions = new Map<string, RegionState>();
  private readonly instanceProfiles?: ReadonlySet<string>;
  private commandCount = 0;
  private latestNow = 0;

  constructor(options: SimulatedAccountOptions = {}) {
    this.accountId = options.accountId ?? '123456789012';
    this.defaultRegion = options.region ?? 'us-east-1';
    this.faults = options.faults instanceof FaultSet ? options.faults : new FaultSet(options.faults ?? []);
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.prng = new Prng(options.seed ?? 1);
    this.ids = new IdFactory(this.prng);
    this.instanceProfiles = options.instanceProfiles ? new Set(options.instanceProfiles) : undefined;
  }

  /** The state of a region, created with the public catalog on first use. */
  region(name: string = this.defaultRegion): RegionState {
    let region = this.regions.get(name);
    if (!region) {
      const ids = new IdFactory(new Prng(hashString(`${this.accountId}/${name}`)));
      region = new RegionState(name, { vpc: ids.ec2('vpc'), subnet: ids.ec2('subnet'), sg: ids.ec2('sg') });
      installCatalog(region);
      this.regions.set(name, region);
    }
    return region;
  }

  /** The regions in use (each holds the public catalog plus whatever the account made there). */
  regionNames(): string[] {
    return [...this.regions.keys()];
  }

  /** The account as plain JSON, to save it and carry on later with `SimulatedAccount.fromState`. */
  toState(): SimulatedAccountState {
    return {
      version: 1,
      accountId: this.accountId,
      defaultRegion: this.defaultRegion,
      latestNow: this.now(),
      prngState: this.prng.currentState,
      regions: [...this.regions.values()].map(regionToJson),
    };
  }

  /**
   * The account's time: the (possibly faked) clock, but never earlier than the latest time the account has
   * seen, so an account inspected after a bake on the virtual clock still sees the bake's end state.
   */
  now(): number {
    this.latestNow = Math.max(this.latestNow, Date.now());
    return this.latestNow;
  }

  /** The context operations run in, at the current (possibly faked) time. */
  context(regionName: string = this.defaultRegion): OperationContext {
    return {
      now: this.now(),
      region: this.region(regionName),
      accountId: this.accountId,
      prng: this.prng,
      ids: this.ids,
      timings: this.timings,
      faults: this.faults,
      instanceProfiles: this.instanceProfiles,
      pick: (range: Range) => this.prng.int(range[0], range[1]),
      nextCommandNumber: () => ++this.commandCount,
    };
  }

  /**
   * Answers one API call: consults the faults, runs the operation, records the call.
   * Throws a `SimulatedAwsError` as AWS would.
   */
  invoke(service: ServiceName, operation: string, input: object = {}, regionName: string = this.defaultRegion): unknown {
    const at = this.now();
    try {
      const fault = this.faults.apiFault(service, operation);
      if (fault) throw fault;
      const handler = operationsOf(service)[operation];
      if (!handler) {
        throw new SimulatedAwsError(service, service === 'ec2' ? 'InvalidAction' : 'UnknownOperationException',
          `The local simulator does not implement ${service.toUpperCase()} ${operation}`);
      }
      const result = handler(this.context(regionName), input, this);
      this.calls.push({ service, operation, region: regionName, at });
      return result;
    } catch (error) {
      this.calls.push({ service, operation, region: regionName, at, error: error instanceof Error ? error.name : String(error) });
      throw error;
    }
  }

  /** How many calls match the filter (all calls without one); a string filters by operation name. */
  callCount(filter: CallFilter | string = {}): number {
    const f: CallFilter = typeof filter === 'string' ? { operation: filter.replace(/Command$/, '') } : filter;
    return this.calls.filter((c) => (!f.service || c.service === f.service)
      && (!f.operation || c.operation === f.operation)
      && (!f.region || c.region === f.region)).length;
  }

  /** The virtual latency the SDK bridge waits before answering a call. */
  latencyMs(): number {
    return this.prng.int(this.timings.apiLatencyMs[0], this.timings.apiLatencyMs[1]);
  }

  /**
   * Ids of every resource created at or after `sinceMs` that still exists now, in every region:
   * instances not shutting down or terminated, images not deregistered, snapshots and volumes
   * not deleted. Ids in `keep` (e.g. the AMIs and snapshots a bake is meant to produce) are left out.
   */
  leakedResources(sinceMs = 0, keep: readonly string[] = []): string[] {
    const now = this.now();
    const kept = new Set(keep);
    const found: { id: string; at: number }[] = [];
    for (const region of this.regions.values()) {
      for (const i of region.instances.values()) {
        const state = i.state.valueAt(now);
        if (state !== 'shutting-down' && state !== 'terminated') found.push({ id: i.id, at: i.createdAt });
      }
      for (const image of region.images.values()) {
        if (image.ownerId === this.accountId && isRegistered(image, now)) found.push({ id: image.id, at: image.createdAt });
      }
      for (const s of region.snapshots.values()) {
        if (s.ownerId === this.accountId && snapshotExists(s, now)) found.push({ id: s.id, at: s.createdAt });
      }
      for (const v of region.volumes.values()) {
        if (!volumeIsGoing(region, v, now)) found.push({ id: v.id, at: v.createdAt });
      }
    }
    return found
      .filter((r) => r.at >= sinceMs && !kept.has(r.id))
      .sort((a, b) => a.at - b.at)
      .map((r) => r.id);
  }

  /** Stores a parameter directly (set-up for tests and the simulator; not counted as a call). */
  putParameter(name: string, value: string, options: { region?: string; dataType?: string; type?: string } = {}): void {
    const region = this.region(options.region);
    const existing = region.parameters.get(name);
    region.parameters.set(name, {
      name,
      type: options.type ?? 'String',
      dataType: options.dataType ?? 'text',
      value,
      version: (existing?.version ?? 0) + 1,
      lastModified: this.now(),
    });
  }

  /** The command output written so far to a CloudWatch log group (CloudWatchOutputConfig). */
  logEvents(logGroupName: string, regionName: string = this.defaultRegion): LogEvent[] {
    return logEvents(this.context(regionName), logGroupName);
  }
}
