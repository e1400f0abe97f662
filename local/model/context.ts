/** What every simulated operation gets: the region it runs in, the time, randomness and faults. */
import type { IdFactory, Prng } from './ids';
import type { CommandEnding } from '../faults';
import type { RegionState } from './records';
import type { DueEvent, EventDelivery } from './service-events';
import type { Range, Timings } from './timings';

/** The parts of the fault rules the model consults (see `local/faults.ts`). */
export interface FaultHooks {
  /** True when no instance's SSM agent ever comes online. */
  readonly agentNeverOnline: boolean;
  /** The rule text when CreateImage must end `failed`. */
  readonly imageFailure: string | undefined;
  /** True when CreateImage's image must stay pending. */
  readonly imageNeverAvailable: boolean;
  /** The rule text when every download of a document (`aws:downloadContent`) must fail. */
  readonly downloadFailure: string | undefined;
  /** True when a stopping instance must never reach `stopped`. */
  readonly instanceNeverStops: boolean;
  /** True when Spot has no capacity for any request (`capacity:spot`). */
  readonly noSpotCapacity: boolean;
  /** How long a deregistered image's snapshots stay in use (`snapshot-in-use:<seconds>`), instead of the usual moment. */
  readonly snapshotInUseMs?: number;
  /** The account's On-Demand vCPU quota, when a fault sets one. */
  readonly vcpuLimit?: number;
  /** How EC2's and SSM's EventBridge events are delivered (`event:drop`, `event:late`). */
  readonly eventDelivery: EventDelivery;
  /** How long a new instance, image or command stays invisible to Describe, CreateTags, Terminate and GetCommandInvocation (0: none). */
  readonly consistencyWindowMs: number;
  /** The rule text when provisioning step `n` (the n-th SendCommand, from 1) must fail. */
  stepFailure(n: number): string | undefined;
  /** The rule text when the n-th command to an instance launched from a baked image (test `n`) must fail. */
  testFailure(n: number): string | undefined;
  /** True when provisioning step `n` must never finish. */
  stepHangs(n: number): boolean;
  /** True when RunInstances must report no capacity for this instance type (everywhere, or in one of these zone names/ids). */
  noCapacity(instanceType: string, zones?: readonly string[]): boolean;
  /** True when the instance type is not offered in the Availability Zone (one of its name and id). */
  unsupportedIn(instanceType: string, zones: readonly string[]): boolean;
  /** How SSM ends (or holds back) provisioning step n, other than by exit code. */
  stepEnding(n: number): { readonly ending: CommandEnding; readonly text: string } | undefined;
  /** The rule text when CopyImage's copies into `region` must end `failed`. */
  copyFailure(region: string): string | undefined;
  /** True when CopyImage's copies into `region` must stay pending. */
  copyNeverAvailable(region: string): boolean;
}

export interface OperationContext {
  /** `Date.now()` when the call arrived. */
  readonly now: number;
  readonly region: RegionState;
  readonly accountId: string;
  /** Organization and organizational unit ARNs the account belongs to (launch permissions may name them). */
  readonly memberships: readonly string[];
  readonly prng: Prng;
  readonly ids: IdFactory;
  readonly timings: Timings;
  readonly faults: FaultHooks;
  /** Known instance profile names; undefined accepts any name. */
  readonly instanceProfiles?: ReadonlySet<string>;
  /** This account's state in another region, created on first use (CopyImage reads its source there). */
  regionNamed(name: string): RegionState;
  /** The region's state in the other accounts of the simulated world (peers), where they have used it. */
  otherAccountsRegions(name: string): RegionState[];
  /** A duration in the range, from the seeded generator. */
  pick(range: Range): number;
  /** Counts SendCommand calls that were accepted, from 1, across the account. */
  nextCommandNumber(): number;
  /** Schedules the EventBridge event of a change the operation just planned (`service-events.ts`). */
  expectEvent(due: DueEvent): void;
}
