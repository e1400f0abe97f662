/**
 * The simulated AWS account: per-region EC2 and SSM state, its S3 buckets, the call log, the faults, and
 * the leak check. `invoke` is what the SDK bridge calls for every request. Peer accounts (`addPeer`) live in
 * the same simulated world: they share its clock, faults and timings, and see images shared with them.
 */
import { FaultSet } from '../faults';
import { installCatalog } from './catalog';
import type { OperationContext } from './context';
import type { DocumentContent } from './documents/records';
import { SimulatedAwsError, ServiceName } from './errors';
import type { BakeExecutionRecord } from './executions';
import { hashString, IdFactory, Prng } from './ids';
import { isRegistered } from './images';
import { logEvents, LogEvent } from './invocations';
import { AccountJournal, operationsOf } from './operations';
import { checkPeer, membershipsOf, PeerOptions, PeerTrust, SimulatedWorld } from './peers';
import { ImageRecord, RegionState, SubnetRecord } from './records';
import { BucketRecord, bucketNameProblem, objectRecord } from './s3';
import { ServiceEventStream } from './service-events';
import { snapshotExists } from './snapshots';
import { historyAfter, imageParameters, ParameterValidationFailure } from './ssm-parameters';
import { decodeRecord, encodeRecord, Json, regionFromJson, regionToJson, RegionStateJson } from './state';
import { addSubnet, SubnetSpec } from './subnets';
import { TaskTokens } from './task-tokens';
import { AWS_RATE_LIMITS, RateLimiter, RateLimits } from './throttling';
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
  /**
   * The request-rate limits of EC2 and SSM (token buckets per region and action, `local/model/throttling.ts`), or
   * `false` for none (unit tests that call one API many times at one instant). Default: AWS's defaults.
   */
  readonly rateLimits?: RateLimits | false;
}

/** One event on the account's default EventBridge bus. */
export interface BusEvent {
  readonly at: number;
  /** The name of the event bus it was put on (`default` for the account's default bus). */
  readonly bus: string;
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
  /** S3 buckets and their objects (absent when the account has none). */
  readonly buckets?: Json[];
  /** Peer accounts (absent when there are none): how each was added and what it holds. */
  readonly peers?: SavedPeer[];
  /** Executions of the bakery's state machine started through the simulated Step Functions (absent when none). */
  readonly executions?: Json[];
  /** Every bake the simulator ran in the account, as Step Functions describes its execution (absent when none). */
  readonly bakeExecutions?: BakeExecutionRecord[];
}

/** A peer account in a saved state. */
export interface SavedPeer {
  readonly options: PeerOptions;
  readonly state: SimulatedAccountState;
}

/** An object of a bucket as `SimulatedAccount.objects` lists it. */
export interface StoredObject {
  readonly key: string;
  /** The body as UTF-8 text. */
  readonly body: string;
  readonly bytes: Uint8Array;
  readonly contentType?: string;
  readonly lastModified: number;
}

/** What a peer shares with the account that added it (set by `addPeer`). */
interface PeerWiring {
  readonly world: SimulatedWorld;
  readonly trust: PeerTrust;
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
   * invocations, launch templates and client tokens, its S3 buckets, its peers (with what they hold), the random
   * generator (ids stay unique) and the latest time. Faults and timings come from `options`, as for a new account;
   * the SendCommand count starts again from 1, so `step:<n>` fault rules count the steps of the run that loaded it.
   */
  static fromState(state: SimulatedAccountState, options: LoadedAccountOptions = {}): SimulatedAccount {
    if (!state || state.version !== 1) {
      throw new Error(`unsupported simulated account state (version ${String((state as { version?: unknown } | undefined)?.version)}; expected 1)`);
    }
    const account = new SimulatedAccount({ ...options, accountId: state.accountId, region: state.defaultRegion });
    account.load(state);
    for (const peer of state.peers ?? []) account.addPeer(peer.state.accountId, peer.options).load(peer.state);
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
  /** EC2's and SSM's EventBridge events about the account's resources, for the bake that listens. */
  readonly serviceEvents = new ServiceEventStream();
  /** Task tokens of the `.waitForTaskToken` tasks of running bakes (`SendTaskSuccess`, `SendTaskFailure`). */
  readonly taskTokens = new TaskTokens();
  /** `aws:ec2:image` parameter values that failed SSM's asynchronous validation. */
  readonly parameterValidationFailures: ParameterValidationFailure[] = [];
  /** S3 buckets by name (account-wide, not per region). */
  readonly buckets = new Map<string, BucketRecord>();
  /** Executions of the bakery's state machine (`local/simulated-step-functions.ts`), oldest first, as plain JSON. */
  readonly executions: Json[] = [];
  /** Every bake the simulator ran in the account, as `DescribeExecution` shows it (`local/model/executions.ts`). */
  readonly bakeExecutions: BakeExecutionRecord[] = [];
  /** For a peer: the account that added it, the roles that trust that account, its organization and OUs. */
  readonly trust?: PeerTrust;
  private readonly regions = new Map<string, RegionState>();
  private readonly instanceProfiles?: ReadonlySet<string>;
  private readonly seed: number;
  private readonly world: SimulatedWorld;
  private readonly rateLimits: RateLimits | false;
  private readonly rateLimiter?: RateLimiter;
  private commandCount = 0;

  /** `peer` is for `addPeer`: the world the new account joins and how it trusts the account that added it. */
  constructor(options: SimulatedAccountOptions = {}, peer?: PeerWiring) {
    this.accountId = options.accountId ?? '123456789012';
    this.defaultRegion = options.region ?? 'us-east-1';
    this.faults = options.faults instanceof FaultSet ? options.faults : new FaultSet(options.faults ?? []);
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.seed = options.seed ?? 1;
    this.prng = new Prng(this.seed);
    this.ids = new IdFactory(this.prng);
    this.instanceProfiles = options.instanceProfiles ? new Set(options.instanceProfiles) : undefined;
    this.rateLimits = options.rateLimits ?? AWS_RATE_LIMITS;
    this.rateLimiter = this.rateLimits ? new RateLimiter(this.rateLimits) : undefined;
    this.trust = peer?.trust;
    this.world = peer?.world ?? new SimulatedWorld();
    this.world.accounts.set(this.accountId, this);
  }

  /**
   * Adds another account to this account's simulated world and returns it: a full SimulatedAccount with its own
   * regions, ids and buckets, sharing this account's clock, faults and timings. Its `roles` trust this account
   * (STS AssumeRole from this account returns credentials for them); `organizationArn` and
   * `organizationalUnitArns` say which organization-wide launch permissions reach it.
   */
  addPeer(accountId: string, options: PeerOptions = {}): SimulatedAccount {
    checkPeer(this.world, accountId, options);
    const trust: PeerTrust = {
      trustedAccountId: this.accountId,
      roles: [...options.roles ?? []],
      organizationArn: options.organizationArn,
      organizationalUnitArns: [...options.organizationalUnitArns ?? []],
    };
    return new SimulatedAccount({
      accountId,
      region: this.defaultRegion,
      seed: hashString(`${this.seed}/${accountId}`),
      faults: this.faults,
      timings: this.timings,
      instanceProfiles: this.instanceProfiles ? [...this.instanceProfiles] : undefined,
      rateLimits: this.rateLimits,
    }, { world: this.world, trust });
  }

  /** Another account of this account's simulated world (a peer), or an Error naming the accounts there are. */
  peer(accountId: string): SimulatedAccount {
    const peer = accountId === this.accountId ? undefined : this.world.accounts.get(accountId);
    if (!peer) {
      const known = this.peers().map((p) => p.accountId);
      throw new Error(`no peer account ${accountId} in the simulated world of account ${this.accountId} `
        + `(peers: ${known.length ? known.join(', ') : 'none'}); add it with account.addPeer('${accountId}', …)`);
    }
    return peer;
  }

  /** The other accounts of this account's simulated world, in the order they were added. */
  peers(): SimulatedAccount[] {
    return [...this.world.accounts.values()].filter((account) => account !== this);
  }

  /** Creates an S3 bucket (set-up for tests and the simulator; not counted as a call). Names are unique in the world. */
  createBucket(name: string, options: { region?: string } = {}): void {
    const problem = bucketNameProblem(name);
    if (problem) throw new Error(`invalid bucket name '${name}': ${problem}`);
    const owner = this.bucketOwnerOf(name);
    if (owner) throw new Error(`a bucket named '${name}' already exists (in account ${owner})`);
    this.buckets.set(name, { name, region: options.region ?? this.defaultRegion, createdAt: this.now(), objects: new Map() });
  }

  /** Puts an object as a stack deployment does (set-up for the simulator; not counted as a call). */
  deployObject(bucket: string, key: string, body: Uint8Array): void {
    const record = this.buckets.get(bucket);
    if (!record) throw new Error(`account ${this.accountId} has no bucket named '${bucket}'`);
    record.objects.set(key, objectRecord(key, body, this.now()));
  }

  /** True when this account has a bucket of that name. */
  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  /** The objects of one of the account's buckets, by key, with their bodies as text and bytes. */
  objects(bucket: string): StoredObject[] {
    const record = this.buckets.get(bucket);
    if (!record) throw new Error(`account ${this.accountId} has no bucket named '${bucket}'`);
    return [...record.objects.values()]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((object) => {
        const bytes = new Uint8Array(Buffer.from(object.body, 'base64'));
        return { key: object.key, body: Buffer.from(bytes).toString('utf8'), bytes, contentType: object.contentType, lastModified: object.lastModified };
      });
  }

  /** The account of the simulated world that owns a bucket of that name, if any. */
  bucketOwnerOf(name: string): string | undefined {
    return [...this.world.accounts.values()].find((account) => account.buckets.has(name))?.accountId;
  }

  /** True when `accountId` is an account of this world with a role of that name that trusts this account. */
  canAssume(accountId: string, roleName: string): boolean {
    const trust = accountId === this.accountId ? undefined : this.world.accounts.get(accountId)?.trust;
    return !!trust && trust.trustedAccountId === this.accountId && (trust.roles ?? []).includes(roleName);
  }

  /** Restores regions, buckets, randomness and time from a saved state (not its peers). */
  private load(state: SimulatedAccountState): void {
    this.prng.restore(state.prngState);
    this.world.advanceTo(state.latestNow);
    for (const region of state.regions) regionFromJson(this.region(region.name), region);
    for (const json of state.buckets ?? []) {
      const bucket = decodeRecord<BucketRecord>(json);
      this.buckets.set(bucket.name, bucket);
    }
    this.executions.push(...state.executions ?? []);
    this.bakeExecutions.push(...state.bakeExecutions ?? []);
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

  /**
   * Adds a subnet to a region (set-up for tests and the simulator; not counted as a call): RunInstances refuses subnets
   * the account does not have, as EC2 does. Adding the same id in the same zone again returns the subnet there is.
   */
  addSubnet(spec: SubnetSpec, options: { region?: string } = {}): SubnetRecord {
    return addSubnet(this.region(options.region), spec, this.ids);
  }

  /** The regions in use (each holds the public catalog plus whatever the account made there). */
  regionNames(): string[] {
    return [...this.regions.keys()];
  }

  /** The account as plain JSON, to save it and carry on later with `SimulatedAccount.fromState` (peers included). */
  toState(): SimulatedAccountState {
    const peers = this.peers().filter((peer) => peer.trust?.trustedAccountId === this.accountId);
    return {
      ...this.ownState(),
      ...(peers.length ? { peers: peers.map((peer) => ({ options: peerOptionsOf(peer.trust!), state: peer.ownState() })) } : {}),
    };
  }

  /** This account's own part of a saved state (no peers). */
  private ownState(): SimulatedAccountState {
    return {
      version: 1,
      accountId: this.accountId,
      defaultRegion: this.defaultRegion,
      latestNow: this.now(),
      prngState: this.prng.currentState,
      regions: [...this.regions.values()].map(regionToJson),
      ...(this.buckets.size ? { buckets: [...this.buckets.values()].map(encodeRecord) } : {}),
      ...(this.executions.length ? { executions: this.executions } : {}),
      ...(this.bakeExecutions.length ? { bakeExecutions: this.bakeExecutions } : {}),
    };
  }

  /**
   * The account's time: the (possibly faked) clock, but never earlier than the latest time any account of its
   * world has seen, so an account inspected after a bake on the virtual clock still sees the bake's end state.
   */
  now(): number {
    return this.world.now();
  }

  /** The context operations run in, at the current (possibly faked) time. */
  context(regionName: string = this.defaultRegion): OperationContext {
    return {
      now: this.now(),
      region: this.region(regionName),
      accountId: this.accountId,
      memberships: membershipsOf(this.trust),
      regionNamed: (name) => this.region(name),
      otherAccountsRegions: (name) => this.peers()
        .map((account) => account.regions.get(name))
        .filter((region): region is RegionState => region !== undefined),
      prng: this.prng,
      ids: this.ids,
      timings: this.timings,
      faults: this.faults,
      instanceProfiles: this.instanceProfiles,
      pick: (range: Range) => this.prng.int(range[0], range[1]),
      nextCommandNumber: () => ++this.commandCount,
      expectEvent: (due) => this.serviceEvents.expect({
        now: this.now(),
        region: regionName,
        account: this.accountId,
        delivery: this.faults.eventDelivery,
        deliveryMs: this.timings.eventDeliveryMs,
        lateMs: this.timings.lateEventMs,
        aheadMs: this.timings.aheadEventMs,
      }, due),
    };
  }

  /**
   * Answers one API call: consults the faults and the rate limits (a call that finds its token bucket empty is
   * throttled), runs the operation, records the call. Throws a `SimulatedAwsError` as AWS would.
   */
  invoke(service: ServiceName, operation: string, input: object = {}, regionName: string = this.defaultRegion): unknown {
    const at = this.now();
    try {
      const fault = this.faults.apiFault(service, operation, at) ?? this.rateLimiter?.admit(service, operation, input ?? {}, regionName, at);
      if (fault) throw fault;
      const handler = operationsOf(service)[operation];
      if (!handler) throw unknownOperation(service, operation);
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
   * not deleted; then the SSM parameters set at or after `sinceMs` that point at an image that is gone (or never
   * existed) or at one of those leaked images, in this account and its peers (`parameter:<region>:<name>`, and
   * `parameter:<account>:<region>:<name>` in a peer). Ids in `keep` (e.g. the AMIs and snapshots a bake is meant
   * to produce) are left out.
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
    const leaked = found
      .filter((r) => r.at >= sinceMs && !kept.has(r.id))
      .sort((a, b) => a.at - b.at)
      .map((r) => r.id);
    return [...leaked, ...this.leakedParameters(sinceMs, kept, new Set(leaked))];
  }

  /**
   * Parameters of this account and its peers set at or after `sinceMs` whose image is gone, never existed, or is
   * one of `leakedImages`: a failed bake's rollback left them pointing at what it removed, or at what it left.
   */
  private leakedParameters(sinceMs: number, kept: ReadonlySet<string>, leakedImages: ReadonlySet<string>): string[] {
    const now = this.now();
    const found: { id: string; at: number }[] = [];
    for (const account of [this, ...this.peers()]) {
      for (const region of account.regions.values()) {
        const prefix = account === this ? 'parameter:' : `parameter:${account.accountId}:`;
        for (const parameter of imageParameters(region)) {
          const image = this.imageAnywhere(region.name, parameter.imageId);
          const dangling = !image || !isRegistered(image, now) || leakedImages.has(image.id);
          if (dangling && parameter.lastModified >= sinceMs) found.push({ id: `${prefix}${region.name}:${parameter.name}`, at: parameter.lastModified });
        }
      }
    }
    return found.filter((r) => !kept.has(r.id)).sort((a, b) => a.at - b.at).map((r) => r.id);
  }

  /** The image of that id in the region, in this account's world (its own, the public catalog's or a peer's). */
  private imageAnywhere(regionName: string, imageId: string): ImageRecord | undefined {
    return [this, ...this.peers()].map((account) => account.regions.get(regionName)?.images.get(imageId)).find((image) => image !== undefined);
  }

  /** Stores a parameter directly (set-up for tests and the simulator; not counted as a call). */
  /** An SSM document as a deployed stack makes it (CloudFormation's `NewVersion` update replaces its content). */
  deployDocument(name: string, content: DocumentContent, options: { region?: string } = {}): void {
    const region = this.region(options.region);
    region.documents.set(name, { name, documentType: 'Command', content, createdAt: region.documents.get(name)?.createdAt ?? this.now(), ownerId: this.accountId });
  }

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
      history: historyAfter(existing),
    });
  }

  /** The command output written so far to a CloudWatch log group (CloudWatchOutputConfig). */
  logEvents(logGroupName: string, regionName: string = this.defaultRegion): LogEvent[] {
    return logEvents(this.context(regionName), logGroupName);
  }
}

/** The error a service gives for an operation the simulator does not answer. */
function unknownOperation(service: ServiceName, operation: string): SimulatedAwsError {
  const message = `The local simulator does not implement ${service.toUpperCase()} ${operation}`;
  switch (service) {
    case 'ssm':
      return new SimulatedAwsError(service, 'UnknownOperationException', message);
    case 's3':
      return new SimulatedAwsError(service, 'NotImplemented', message, { httpStatusCode: 501, fault: 'server' });
    default:
      return new SimulatedAwsError(service, 'InvalidAction', message);
  }
}

function peerOptionsOf(trust: PeerTrust): PeerOptions {
  return {
    roles: trust.roles,
    ...(trust.organizationArn ? { organizationArn: trust.organizationArn } : {}),
    organizationalUnitArns: trust.organizationalUnitArns,
  };
}
