/**
 * How a bake ended, from its execution: the manifest (the execution's output, or the one the failure
 * cleanup made), and for executions the workflow did not end itself (stopped, timed out, or failed
 * without its cleanup) a manifest made here from the last state the history shows.
 */
import { ExecutionView, parseJson } from './execution-view';
import { isPlainObject } from '../../lambda/shared/deep-merge';
import { failedManifest, recipeNameOf } from '../../lambda/shared/manifest';
import { currentPhase } from '../../lambda/shared/phases';
import type { Manifest, PhaseMark } from '../../lambda/shared/types';
import type { ExecutionDetails } from '../aws/step-functions';

export interface Outcome {
  /** The execution's status. */
  readonly status: string;
  /** True when the bake did what was asked: SUCCEEDED (including a SKIPPED manifest: no rebuild was needed). */
  readonly succeeded: boolean;
  readonly manifest: Manifest;
  readonly error?: string;
  readonly cause?: string;
}

export function outcomeOf(execution: ExecutionDetails, view: ExecutionView): Outcome {
  const error = execution.error ?? view.ended?.error;
  const cause = execution.cause ?? view.ended?.cause;
  const output = parseJson(execution.output ?? view.ended?.output);
  if (execution.status === 'SUCCEEDED' && isManifest(output)) {
    return { status: execution.status, succeeded: true, manifest: output };
  }
  if (execution.status === 'FAILED' && view.failure) {
    return { status: execution.status, succeeded: false, manifest: view.failure.manifest, error, cause };
  }
  const message = endMessage(execution.status, view.stateName, error, cause);
  return { status: execution.status, succeeded: execution.status === 'SUCCEEDED', manifest: madeManifest(execution, view, message), error, cause };
}

/** True for what the runner hands back as a manifest. */
export function isManifest(value: unknown): value is Manifest {
  return isPlainObject(value) && typeof value.status === 'string' && Array.isArray(value.artifacts);
}

/** The execution input (`recipeName`, or the inline recipe's name). */
export function recipeOf(execution: Pick<ExecutionDetails, 'input'>): string {
  return recipeNameOf(parseJson(execution.input));
}

function endMessage(status: string, stateName: string | undefined, error?: string, cause?: string): string {
  const where = stateName ? ` in state "${stateName}"` : '';
  if (status === 'ABORTED') return `the execution was stopped${where}; the bakery's cleanup function removes what the bake made`;
  if (status === 'TIMED_OUT') return `the execution timed out${where}; the bakery's cleanup function removes what the bake made`;
  return [error, cause].filter(Boolean).join(': ') || `the execution ended ${status}${where}`;
}

/** A manifest for an execution that ended without the workflow making one. */
function madeManifest(execution: ExecutionDetails, view: ExecutionView, message: string): Manifest {
  const state = view.state ?? { phases: [] };
  const phase = currentPhase(state.phases) ?? 'prepare';
  const step = phase === 'provision' && state.provision ? Math.min(state.provision.index + 1, state.provision.count) : null;
  const recipe = recipeNameOf(view.input ?? parseJson(execution.input));
  const status = (['FAILED', 'ABORTED', 'TIMED_OUT'].includes(execution.status) ? execution.status : 'FAILED') as Manifest['status'];
  const manifest = failedManifest(state, execution.name, recipe, { phase, step, message }, []);
  return { ...manifest, status, phases: phasesUntil(state.phases, execution.stopDate ?? new Date()) };
}

/** Whole seconds each phase took, the last one until `end`. */
function phasesUntil(marks: readonly PhaseMark[], end: Date): Manifest['phases'] {
  return marks.map((mark, index) => {
    const until = index + 1 < marks.length ? Date.parse(marks[index + 1].startedAt) : end.getTime();
    return { name: mark.name, seconds: Math.max(0, Math.round((until - Date.parse(mark.startedAt)) / 1000)) };
  });
}
