/**
 * The three loops that run steps with the same handlers (run-step, check-step): provisioning the build
 * instance, testing the new image on a test instance, and the best-effort `onFailure` steps after a
 * provisioning step failed. Which one runs follows from the state: a caught failure means `onFailure`, test
 * progress means the tests, anything else provisioning.
 */
import { InvalidState } from './errors';
import { requireInstanceId, requireProvision } from './state';
import type { ProvisioningStep } from './step-schema';
import type { BakeState, BuildContext, ProvisionProgress } from './types';
import { sysprepSteps } from './windows/sysprep-step';
import type { StepAt, StepList } from '../../src/recipe/step-lists';

export interface StepStage {
  /** The recipe field that holds the stage's steps. */
  readonly list: StepList;
  /** How failures and logs name a step of this stage: "step", "test step", "failure step". */
  readonly noun: string;
  /** True when a step that fails is recorded and the next one runs (the `onFailure` steps). */
  readonly bestEffort: boolean;
}

export const PROVISION_STAGE: StepStage = { list: 'steps', noun: 'step', bestEffort: false };
export const TEST_STAGE: StepStage = { list: 'tests', noun: 'test step', bestEffort: false };
export const ON_FAILURE_STAGE: StepStage = { list: 'onFailure', noun: 'failure step', bestEffort: true };

/** The stage the state is in. */
export function activeStage(state: BakeState): StepStage {
  if (state.failedPhase) return ON_FAILURE_STAGE;
  return state.tests ? TEST_STAGE : PROVISION_STAGE;
}

/** The stage's steps: the recipe's (none when it has no such list), and for a Windows build's provisioning, the generalise step last. */
export function stageSteps(build: BuildContext, stage: StepStage): ProvisioningStep[] {
  const steps = build.recipe[stage.list] ?? [];
  return stage === PROVISION_STAGE ? [...steps, ...sysprepSteps(build)] : steps;
}

/** The stage's progress; the `onFailure` loop starts at its first step. */
export function stageProgress(state: BakeState, build: BuildContext, stage: StepStage, step: string): ProvisionProgress {
  if (stage === TEST_STAGE) return state.tests!;
  if (stage === ON_FAILURE_STAGE) return state.onFailure ?? { index: 0, count: stageSteps(build, stage).length, results: [] };
  return requireProvision(state, step);
}

/** The instance the stage's steps run on: the test instance for tests, else the build instance. */
export function stageInstanceId(state: BakeState, stage: StepStage, step: string): string {
  if (stage !== TEST_STAGE) return requireInstanceId(state, step);
  if (!state.tests?.instanceId) throw new InvalidState(`the ${step} step needs "tests.instanceId" (set when the test instance launched); check the state machine definition`);
  return state.tests.instanceId;
}

/** The state with the stage's progress replaced. */
export function withStageProgress(state: BakeState, stage: StepStage, progress: ProvisionProgress): BakeState {
  if (stage === TEST_STAGE) return { ...state, tests: progress };
  if (stage === ON_FAILURE_STAGE) return { ...state, onFailure: progress };
  return { ...state, provision: progress };
}

/** The step the progress points at, with where it is in the recipe; throws when there is none. */
export function currentStep(build: BuildContext, stage: StepStage, progress: ProvisionProgress, step: string): StepAt<ProvisioningStep> {
  const steps = stageSteps(build, stage);
  const current = steps[progress.index];
  if (!current) throw new InvalidState(`${step}: no ${stage.noun} ${progress.index + 1}; the recipe has ${steps.length}`);
  return { list: stage.list, index: progress.index, step: current };
}

/** "step 2 of 5", "test step 1 of 2". */
export function stepOfCount(stage: StepStage, progress: ProvisionProgress): string {
  return `${stage.noun} ${progress.index + 1} of ${progress.count}`;
}
