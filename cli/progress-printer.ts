/**
 * Prints a bake's progress as it happens: one line per phase (its start time and outcome), one per
 * provisioning step, then a summary. Used for simulated bakes and, through `print`, for bakes followed in AWS.
 */
import { STEP_KINDS } from '../lambda/shared/step-kinds';
import type { ProgressEvent } from '../local/progress';
import type { SimulatedBake } from '../local/simulate-bake';

/** Step kinds line up in one column. */
const KIND_WIDTH = Math.max(...STEP_KINDS.map((kind) => kind.length));

interface Writable {
  write(text: string): unknown;
}

export class ProgressPrinter {
  private start?: number;
  private openPhase?: { name: string; at: number; detail?: string };

  constructor(private readonly out: Writable) {}

  public header(recipePath: string, faults: readonly string[]): void {
    const withFaults = faults.length > 0 ? ` with faults ${faults.join(', ')}` : '';
    this.out.write(`Baking ${recipePath} in the simulator${withFaults}\n`);
  }

  public print(event: ProgressEvent): void {
    const at = event.at.getTime();
    this.start ??= at;
    if (event.kind === 'phase') {
      this.closePhase(at, 'ok');
      this.openPhase = { name: event.phase, at, detail: event.detail };
    } else if (event.kind === 'step') {
      const { result } = event;
      this.out.write(`           step ${result.step}/${event.count} ${result.kind.padEnd(KIND_WIDTH)} ${result.status} (exit ${result.exitCode}) ${result.seconds} s\n`);
    } else {
      this.closePhase(at, event.manifest.status === 'SUCCEEDED' || event.manifest.status === 'SKIPPED' ? 'ok' : event.manifest.status);
    }
  }

  public summary(bake: SimulatedBake): void {
    const { manifest } = bake;
    const simulated = formatDuration(bake.simulatedSeconds);
    if (manifest.status === 'SKIPPED') {
      this.out.write(`SKIPPED after ${simulated} of simulated time, nothing launched: ${manifest.skippedBecause ?? 'no rebuild needed'}\n`);
    } else if (bake.status === 'SUCCEEDED') {
      const amis = manifest.artifacts.map((artifact) => `${artifact.amiId} (${artifact.name}, ${artifact.region})`).join(', ');
      this.out.write(`SUCCEEDED in ${simulated} of simulated time: ${amis}\n`);
    } else {
      this.out.write(`FAILED in ${simulated} of simulated time, in phase ${manifest.error?.phase ?? 'unknown'}\n`);
      this.out.write(`${indent(manifest.error?.message ?? bake.error?.cause ?? '')}\n`);
    }
    const leaks = manifest.leakedResources.length;
    this.out.write(leaks === 0 ? 'Nothing left behind in the simulated account.\n' : `LEAKED: ${manifest.leakedResources.join(', ')}\n`);
  }

  private closePhase(at: number, outcome: string): void {
    if (!this.openPhase) return;
    const { name, detail } = this.openPhase;
    const started = formatClock((this.openPhase.at - (this.start ?? at)) / 1000);
    const seconds = ((at - this.openPhase.at) / 1000).toFixed(1);
    this.out.write(`  ${started}  ${name.padEnd(15)} ${outcome.padEnd(6)} ${seconds.padStart(7)} s${detail ? `  ${detail}` : ''}\n`);
    this.openPhase = undefined;
  }
}

function formatClock(totalSeconds: number): string {
  const seconds = Math.floor(totalSeconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

function formatDuration(seconds: number): string {
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
