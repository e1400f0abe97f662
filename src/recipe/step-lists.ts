/**
 * The recipe fields that hold steps: `steps` provision the build instance, `tests` run on an instance
 * launched from the new image, and `onFailure` runs on the build instance, best effort, after a step failed.
 * Every check and transformation of steps (catalog checks, staged files, registered documents) walks all three.
 *
 * This file has no imports, so the constructs, the CLI and the handlers share it.
 */
export const STEP_LISTS = ['steps', 'tests', 'onFailure'] as const;

export type StepList = typeof STEP_LISTS[number];

/** One step and where it is in the recipe. */
export interface StepAt<S> {
  readonly list: StepList;
  /** Counted from 0. */
  readonly index: number;
  readonly step: S;
}

/** Every step of a recipe document, list by list, in order; lists that are missing or not arrays are skipped. */
export function stepsIn<S>(document: unknown): StepAt<S>[] {
  if (typeof document !== 'object' || document === null) return [];
  const fields = document as Partial<Record<StepList, unknown>>;
  return STEP_LISTS.flatMap((list) => {
    const steps = fields[list];
    return Array.isArray(steps) ? steps.map((step: S, index) => ({ list, index, step })) : [];
  });
}

/** Where a step is, as problems name it: `steps[2]`, `tests[0]`. */
export function stepPath(at: { readonly list: StepList; readonly index: number }): string {
  return `${at.list}[${at.index}]`;
}
