/**
 * The shapes that travel through the state machine. The recipe document shape is derived from
 * the schema (`recipe-schema.ts`); everything else the handlers pass along is declared here.
 *
 * State stays small: ids, pointers and short output tails only (Step Functions' 256 KB limit).
 */
import type { RetiredImage } from './images';
import type { RecipeDocument } from './recipe-schema';
import type { RetentionReport } from './retention';
import type { StepKind } from './step-kinds';
import type { PhaseName } from '../../src/contract';

export type { PhaseName };

export interface PhaseMark {
  readonly name: PhaseName;
  /** ISO-8601 time the phase started. */
  readonly startedAt: string;
}

/** A region the image is copied to, and the KMS key that encrypts the copy there (none: that region's default EBS key). */
export interface CopyTarget {
  readonly region: string;
  readonly kmsKeyId?: string;
}

/** Everything Prepare resolved once, for all later steps. */
export interface BuildContext {
  readonly buildId: string;
  readonly bakeryId: string;
  readonly region: string;
  readonly recipe: RecipeDocument;
  readonly sourceAmiId: string;
  readonly sourceImageName: string;
  readonly architecture: string;
  readonly rootDeviceName: string;
  readonly platform: 'linux' | 'windows';
  /** The rendered AMI name (placeholders replaced). */
  readonly amiName: string;
  readonly amiDescription: string;
  /** Tags for the AMI and its snapshots (recipe tags + bakery tags). */
  readonly imageTags: Record<string, string>;
  /** Tags for the temporary instance and its volumes (recipe tags + bakery tags). */
  readonly runTags: Record<string, string>;
  /** The regions the image is copied to (`distribution.regions`), in the recipe's order; empty for none. */
  readonly copyTargets: CopyTarget[];
  /** Where the `script` steps whose file starts with `#!` are (`steps[2]`, `tests[0]`): run by their interpreter; the others with bash. */
  readonly scriptsWithShebang?: string[];
  /** True for an ad-hoc recipe (an inline document); its resources carry the `ad-hoc` tag. */
  readonly adHoc?: boolean;
}

/** A bounded poll loop: the state machine waits `seconds`, then calls the check again. */
export interface PollState {
  /** Seconds the next Wait state waits. */
  readonly seconds: number;
  /** ISO time the loop started; the check fails when `budgetSeconds` have passed since. */
  readonly startedAt: string;
  readonly budgetSeconds: number;
  /** Longest wait between two checks. */
  readonly maxSeconds: number;
  /** How much the wait grows from one check to the next, when not the usual ×1.5. */
  readonly growth?: number;
  /** The wait after the first check, from which the waits grow, when not `seconds` itself. */
  readonly thenSeconds?: number;
  /** True when the check times the next one by the work's progress (`nextPollByProgress`). */
  readonly byProgress?: boolean;
  /** For a check timed by progress: the percentage done it saw, so the next can tell a stalled copy from a moving one. */
  readonly percent?: number;
  /** When a check first saw that percentage (ISO time). */
  readonly percentSince?: string;
  /** True when the awaited condition holds; the Choice state leaves the loop. */
  readonly done: boolean;
  readonly attempts: number;
  /**
   * For a wait an event ends: the task's timeouts, one per fallback check, until the budget is spent (the
   * workflow takes the next one each time the task times out) ...
   */
  readonly schedule?: number[];
  /** ... and the current one: the "Await …" task times out after `seconds` (its `TimeoutSecondsPath`). */
  readonly fallback?: { readonly round: number; readonly seconds: number };
}

export interface ProvisionProgress {
  /** Index (from 0) of the step being run. */
  readonly index: number;
  readonly count: number;
  readonly commandId?: string;
  /** How many times the running step was sent: SSM ended the earlier sends without running them (Undeliverable, ...). */
  readonly sends?: number;
  /** The running step's latest output lines (from the command-output log group), for people watching the bake. */
  readonly outputTail?: string[];
  /** Outcomes of finished steps, shown by the CLI and kept in the manifest. */
  readonly results: StepResult[];
}

/** Progress of the tests: the provisioning loop's, plus the test instance launched from the new image. */
export interface TestProgress extends ProvisionProgress {
  readonly instanceId?: string;
  readonly instanceType?: string;
}

export interface StepResult {
  /** Counted from 1, as people count. */
  readonly step: number;
  readonly kind: StepKind;
  readonly status: string;
  readonly exitCode: number;
  readonly seconds: number;
}

/** The error a Catch puts at `$.error`. */
export interface CaughtError {
  readonly Error: string;
  readonly Cause?: string;
}

/** An older image of the same name a bake deregistered (`ami.forceDeregister`). */
export interface ReplacedImage extends RetiredImage {
  readonly imageId: string;
}

/** The whole state passed from step to step. Every handler takes it and returns it updated. */
export interface BakeState {
  /** The execution input, kept until Prepare has read it. */
  readonly input?: unknown;
  readonly executionName?: string;
  readonly build?: BuildContext;
  readonly phases: PhaseMark[];
  readonly instanceId?: string;
  readonly instanceType?: string;
  /** True when the build instance is a Spot instance (`instance.spot`, and Spot had capacity). */
  readonly spot?: boolean;
  readonly provision?: ProvisionProgress;
  /** The tests of the new image (`tests`), set when the test instance launched. */
  readonly tests?: TestProgress;
  /** The best-effort steps run after a provisioning step failed (`onFailure`). */
  readonly onFailure?: ProvisionProgress;
  readonly imageId?: string;
  readonly snapshotIds?: string[];
  readonly poll?: PollState;
  readonly error?: CaughtError;
  /** Set by the per-phase Pass state a Catch leads to. */
  readonly failedPhase?: PhaseName;
  /** ISO time the running provisioning step was sent (set by run-step, read by check-step). */
  readonly stepStartedAt?: string;
  /** Set by cleanup-failure: what the Fail state reports. */
  readonly failure?: BakeFailure;
  /** Set by the distribute step when the recipe has retention rules. */
  readonly retention?: RetentionReport;
  /** Set by create-image when it replaced an older image (`ami.forceDeregister`): what it did with that image. */
  readonly replacedImage?: ReplacedImage;
  /** Set by Prepare when the bake is not needed (`rebuild: "whenSourceChanges"`): the execution's output. */
  readonly skipped?: Manifest;
  /** The copies in other regions, one per `build.copyTargets` entry, set by "Copy image to regions". */
  readonly copies?: Artifact[];
  /** What the distribute step published (`distribution.ssmParameter`), for the manifest and for a rollback. */
  readonly parameters?: PublishedParameter[];
}

/** The state of one branch of "Copy image to regions": the copy of the image into one region. */
export interface CopyState {
  readonly build: BuildContext;
  /** The image in the bakery's own region: the source of the copy. */
  readonly imageId: string;
  readonly target: CopyTarget;
  /** The copy, once CopyImage returned its id. */
  readonly copyId?: string;
  /** The copy's snapshots, once it is available. */
  readonly snapshotIds?: string[];
  /** Whole seconds from CopyImage until the copy was available. */
  readonly copySeconds?: number;
  readonly poll?: PollState;
}

/** An SSM parameter the bake set to its image id. */
export interface PublishedParameter {
  readonly name: string;
  readonly region: string;
  /** The account the parameter is in (another account's, through one of `distribution.ssmParameterRoles`). */
  readonly accountId?: string;
  readonly roleArn?: string;
  readonly value: string;
  readonly version: number;
}

/** The output of the cleanup after a failure; the Fail state reads `error` and `cause`. */
export interface BakeFailure {
  /** The error name (e.g. `ProvisioningStepFailed`). */
  readonly error: string;
  /** What went wrong, for a person. */
  readonly cause: string;
  readonly manifest: Manifest;
}

/** One image a bake hands over: the image in the bakery's region, or a copy in another. */
export interface Artifact {
  readonly region: string;
  readonly amiId: string;
  readonly name: string;
  readonly snapshotIds: string[];
  /** For a copy: whole seconds from CopyImage until it was available. */
  readonly copySeconds?: number;
}

export interface Manifest {
  /** ABORTED and TIMED_OUT are only ever reported by tools that watch an execution (the CLI, the simulator). */
  readonly status: 'SUCCEEDED' | 'SKIPPED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  /** The bakery that ran the bake (rules on its events filter on it). */
  readonly bakeryId?: string;
  readonly buildId: string;
  readonly recipe: string;
  readonly sourceAmiId: string | null;
  readonly artifacts: Artifact[];
  readonly phases: { name: PhaseName; seconds: number }[];
  readonly steps: StepResult[];
  /** Outcomes of the tests of the new image (`tests`); empty when the recipe has none or they did not run. */
  readonly tests: StepResult[];
  /** Outcomes of the steps run after a provisioning step failed (`onFailure`). */
  readonly onFailure?: StepResult[];
  /** The image a failed test left, tagged `cdk-ami-bakery:tested=false` (`keepUntestedImage`). */
  readonly keptUntestedImage?: string;
  readonly leakedResources: string[];
  /** What retention removed, and which images it left alone and why. */
  readonly retention?: RetentionReport;
  /** The older image of the same name this bake deregistered (`ami.forceDeregister`), and its snapshots. */
  readonly replacedImage?: ReplacedImage;
  /** Why a SKIPPED bake made no image (`rebuild: "whenSourceChanges"`); its artifact is the image still current. */
  readonly skippedBecause?: string;
  /** SSM parameters that now hold the new image ids (`distribution.ssmParameter`). */
  readonly parameters?: PublishedParameter[];
  /** Where the manifest was written (`manifestBucket`), as an `s3://` URL. */
  readonly manifestLocation?: string;
  /** Build instances left running on purpose after a failure (the recipe's `keepOnFailure`). */
  readonly keptForInspection?: string[];
  readonly error?: { phase: PhaseName; step: number | null; message: string };
}
