/** What every simulated operation gets: the region it runs in, the time, randomness and faults. */
import type { IdFactory, Prng } from './ids';
import type { RegionState } from './records';
import type { Range, Timings } from './timings';

/** The parts of the fault rules the model consults (see `local/faults.ts`). */
export interface FaultHooks {
  /** True when no instance's SSM agent ever comes online. */
  readonly agentNeverOnline: boolean;
  /** The rule text when CreateImage must end `failed`. */
  readonly imageFailure: string | undefined;
  /** True when CreateImage's image must stay pending. */
  readonly imageNeverAvailable: boolean;
  /** True when a stopping instance must never reach `stopped`. */
  readonly instanceNeverStops: boolean;
  /** The rule text when provisioning step `n` (the n-th SendCommand, from 1) must fail. */
  stepFailure(n: number): string | undefined;
  /** True when provisioning step `n` must never finish. */
  stepHangs(n: number): boolean;
  /** True when RunInstances must report no capacity for this instance type. */
  noCapacity(instanceType: string): boolean;
}

export interface OperationContext {
  /** `Date.now()` when the call arrived. */
  readonly now: number;
  readonly region: RegionState;
  readonly accountId: string;
  readonly prng: Prng;
  readonly ids: IdFactory;
  readonly timings: Timings;
  readonly faults: FaultHooks;
  /** Known instance profile names; undefined accepts any name. */
  readonly instanceProfiles?: ReadonlySet<string>;
  /** A duration in the range, from the seeded generator. */
  pick(range: Range): number;
  /** Counts SendCommand calls that were accepted, from 1, across the account. */
  nextCommandNumber(): number;
}
