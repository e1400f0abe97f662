/**
 * Phase bookkeeping: each phase is marked when it starts; its duration is the time until the next
 * phase starts (the last one runs until now). The manifest and the CLI show these.
 */
import type { PhaseMark, PhaseName } from './types';

/**
 * The phase list with `name` started now appended. Entering the phase the list already ends with
 * changes nothing, so a retried step does not restart the clock.
 */
export function enterPhase(phases: readonly PhaseMark[] | undefined, name: PhaseName): PhaseMark[] {
  const list = [...(phases ?? [])];
  if (list[list.length - 1]?.name === name) return list;
  return [...list, { name, startedAt: new Date().toISOString() }];
}

/** The phase the bake is in: the last one entered. */
export function currentPhase(phases: readonly PhaseMark[] | undefined): PhaseName | undefined {
  return phases?.[phases.length - 1]?.name;
}

/** Whole seconds each phase took: until the next phase started, the last one until now. */
export function phaseSeconds(phases: readonly PhaseMark[] | undefined): { name: PhaseName; seconds: number }[] {
  const list = phases ?? [];
  const now = Date.now();
  return list.map((phase, index) => {
    const end = index + 1 < list.length ? Date.parse(list[index + 1].startedAt) : now;
    return { name: phase.name, seconds: Math.max(0, Math.round((end - Date.parse(phase.startedAt)) / 1000)) };
  });
}

/** Whole seconds since an ISO time. */
export function secondsSince(isoTime: string): number {
  return Math.max(0, Math.round((Date.now() - Date.parse(isoTime)) / 1000));
}
