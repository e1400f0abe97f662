/**
 * How long things take in the simulated account, in virtual milliseconds. Each is a range; the
 * model picks a value in it with the account's seeded generator.
 */
export type Range = readonly [min: number, max: number];

export interface Timings {
  /** API latency the SDK bridge waits before answering. */
  readonly apiLatencyMs: Range;
  /** RunInstances/StartInstances until `running`. */
  readonly bootMs: Range;
  /** StopInstances until `stopped`. */
  readonly stopMs: Range;
  /** TerminateInstances until `terminated`. */
  readonly terminateMs: Range;
  /** From `running` until the SSM agent is `Online`. */
  readonly agentOnlineMs: Range;
  /** A reboot (exit 194, CreateImage without NoReboot): agent `ConnectionLost` for this long. */
  readonly rebootMs: Range;
  /** From `running` until the SSM agent is `Online` on Windows, from an image that was not generalised. */
  readonly windowsAgentOnlineMs: Range;
  /** The same from a generalised image: the first boot runs Sysprep's specialize pass and Windows setup. */
  readonly windowsFirstBootAgentOnlineMs: Range;
  /** A Windows restart (exit 3010, CreateImage without NoReboot). */
  readonly windowsRebootMs: Range;
  /** SendCommand until GetCommandInvocation knows the invocation. */
  readonly invocationVisibleMs: Range;
  /** SendCommand until the agent starts the script (`Pending` → `InProgress`). */
  readonly invocationStartMs: Range;
  /** CreateImage until `available`: base time ... */
  readonly imageBaseMs: Range;
  /** ... plus this much per GiB of the instance's volumes. */
  readonly imagePerGiBMs: Range;
  /** CopyImage until `available`: base time ... */
  readonly copyBaseMs: Range;
  /** ... plus this much per GiB of the source image's snapshots. */
  readonly copyPerGiBMs: Range;
  /** DeregisterImage until its snapshots are released: DeleteSnapshot answers InvalidSnapshot.InUse until then. */
  readonly snapshotReleaseMs: Range;
  /** How long terminated instances stay visible in DescribeInstances. */
  readonly terminatedVisibleMs: number;
  /** From a change until EventBridge delivers EC2's or SSM's event about it. */
  readonly eventDeliveryMs: Range;
  /** How much later still under the `event:late` fault. */
  readonly lateEventMs: Range;
  /** Under the `event:ahead` fault, how long before the APIs show the change its event arrives. */
  readonly aheadEventMs: Range;
}

export const DEFAULT_TIMINGS: Timings = {
  apiLatencyMs: [50, 300],
  bootMs: [10_000, 20_000],
  stopMs: [30_000, 60_000],
  terminateMs: [18_000, 22_000],
  agentOnlineMs: [20_000, 60_000],
  rebootMs: [30_000, 45_000],
  windowsAgentOnlineMs: [90_000, 150_000],
  windowsFirstBootAgentOnlineMs: [240_000, 420_000],
  windowsRebootMs: [90_000, 180_000],
  invocationVisibleMs: [800, 1_200],
  invocationStartMs: [1_500, 3_000],
  imageBaseMs: [90_000, 150_000],
  imagePerGiBMs: [4_000, 8_000],
  copyBaseMs: [180_000, 360_000],
  copyPerGiBMs: [5_000, 15_000],
  snapshotReleaseMs: [0, 4_000],
  terminatedVisibleMs: 60 * 60 * 1000,
  eventDeliveryMs: [500, 2_000],
  lateEventMs: [60_000, 300_000],
  aheadEventMs: [1_000, 5_000],
};
