/**
 * Turns the states the runner's handlers return into progress events: a phase began, a provisioning
 * step finished. The CLI prints them live.
 */
import type { BakeState, Manifest, PhaseName, StepResult } from '../lambda/shared/types';

export type ProgressEvent =
  | { readonly kind: 'phase'; readonly phase: PhaseName; readonly at: Date; readonly detail?: string }
  | { readonly kind: 'step'; readonly result: StepResult; readonly count: number; readonly at: Date }
  | { readonly kind: 'finished'; readonly manifest: Manifest; readonly at: Date };

export type ProgressListener = (event: ProgressEvent) => void;

/** Remembers what was reported so each phase and step is reported once. */
export class ProgressTracker {
  private phasesSeen = 0;
  private lastPhaseAt = 0;
  private stepsSeen = 0;

  constructor(private readonly listener: ProgressListener = () => undefined) {}

  /** Reports what a handler's returned state adds over what was seen before. */
  public observe(state: Partial<BakeState> | undefined): void {
    if (!state || typeof state !== 'object' || !state.build) return;
    const phases = state.phases ?? [];
    for (; this.phasesSeen < phases.length; this.phasesSeen++) {
      const mark = phases[this.phasesSeen];
      this.lastPhaseAt = Date.parse(mark.startedAt);
      this.listener({ kind: 'phase', phase: mark.name, at: new Date(mark.startedAt), detail: phaseDetail(mark.name, state) });
    }
    const results = state.provision?.results ?? [];
    for (; this.stepsSeen < results.length; this.stepsSeen++) {
      this.listener({ kind: 'step', result: results[this.stepsSeen], count: state.provision?.count ?? results.length, at: new Date() });
    }
  }

  /** Reports the phases only the manifest shows (the final cleanup), then the end of the bake. */
  public finished(manifest: Manifest): void {
    const end = Date.now();
    const unseen = manifest.phases.slice(this.phasesSeen);
    // Manifest seconds are rounded: never start an unseen phase before the last one reported.
    let start = Math.max(end - unseen.reduce((total, phase) => total + phase.seconds * 1000, 0), this.lastPhaseAt);
    for (const phase of unseen) {
      this.listener({ kind: 'phase', phase: phase.name, at: new Date(start) });
      start += phase.seconds * 1000;
    }
    this.phasesSeen = manifest.phases.length;
    this.listener({ kind: 'finished', manifest, at: new Date(end) });
  }
}

function phaseDetail(phase: PhaseName, state: Partial<BakeState>): string | undefined {
  switch (phase) {
    case 'launch': return state.build ? `source ${state.build.sourceAmiId} (${state.build.sourceImageName})` : undefined;
    case 'wait-for-agent': return state.instanceId ? `${state.instanceId} (${state.instanceType})` : undefined;
    case 'provision': return state.provision ? `${state.provision.count} step(s)` : undefined;
    case 'create-image': return state.build?.amiName;
    default: return undefined;
  }
}
