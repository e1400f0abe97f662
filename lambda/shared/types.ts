/**
 * The shapes that travel through the state machine. The recipe document shape is derived from
 * the schema (`recipe-schema.ts`); everything else the handlers pass along is declared here.
 *
 * State stays small: ids, pointers and short output tails only (Step Functions' 256 KB limit).
 */
import type { RecipeDocument } from './recipe-schema';
import type { RetentionReport } from './retention';
import type { PhaseName } from '../../src/workflow/steps';

export type { PhaseName };

export interface PhaseMark {
  readonly name: PhaseName;
  /** ISO-8601 time the phase started. */
  readonly startedAt: string;
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
  /** True when the awaited condition holds; the Choice state leaves the loop. */
  readonly done: boolean;
  readonly attempts: number;
}

export interface ProvisionProgress {
  /** Index (from 0) of the step being run. */
  readonly index: number;
  readonly count: number;
  readonly commandId?: string;
  /** Outcomes of finished steps, shown by the CLI and kept in the manifest. */
  readonly results: StepResult[];
}

export interface StepResult {
  /** Counted from 1, as people count. */
  readonly step: number;
  readonly kind: 'shell' | 'reboot';
  readonly status: string;
  readonly exitCode: number;
  readonly seconds: number;
}

/** The error a Catch puts at `$.error`. */
export interface CaughtError {
  readonly Error: string;
  readonly Cause?: string;
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
  readonly provision?: ProvisionProgress;
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
}

/** The output of the cleanup after a failure; the Fail state reads `error` and `cause`. */
export interface BakeFailure {
  /** The error name (e.g. `ProvisioningStepFailed`). */
  readonly error: string;
  /** What went wrong, for a person. */
  readonly cause: string;
  readonly manifest: Manifest;
}

export interface Artifact {
  readonly region: string;
  readonly amiId: string;
  readonly name: string;
  readonly snapshotIds: string[];
}

export interface Manifest {
  /** ABORTED and TIMED_OUT are only ever reported by tools that watch an execution (the CLI, the simulator). */
  readonly status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  /** The bakery that ran the bake (rules on its events filter on it). */
  readonly bakeryId?: string;
  readonly buildId: string;
  readonly recipe: string;
  readonly sourceAmiId: string | null;
  readonly artifacts: Artifact[];
  readonly phases: { name: PhaseName; seconds: number }[];
  readonly steps: StepResult[];
  readonly leakedResources: string[];
  /** What retention removed, and which images it left alone and why. */
  readonly retention?: RetentionReport;
  /** Build instances left running on purpose after a failure (the recipe's `keepOnFailure`). */
  readonly keptForInspection?: string[];
  readonly error?: { phase: PhaseName; step: number | null; message: string };
}
