/**
 * How a followed bake is shown. On a terminal: the phase and step lines as they end, and under them a
 * live block (spinner, phase, step n of m, elapsed time, the running state, the last lines of output).
 * Elsewhere: the same lines, plus each new line of output, one after another. With --json: one JSON
 * object per line.
 */
import type { ExecutionView, Snapshot, WatchEvent } from './execution-view';
import { cleanLine, formatClock } from './format';
import type { Outcome } from './outcome';
import { summaryLines } from './summary';
import { ProgressPrinter } from '../progress-printer';
import { LiveRegion, Terminal, Writable } from '../terminal';

export interface StartInfo {
  readonly buildId: string;
  readonly executionArn: string;
  readonly recipe: string;
  /** The state machine's name. */
  readonly stateMachine: string;
  readonly consoleUrl: string;
  readonly startDate: Date;
  /** True when following a bake started earlier (`bakery status --follow`). */
  readonly attached: boolean;
}

export interface FollowOutput {
  start(info: StartInfo): void;
  update(events: readonly WatchEvent[], view: ExecutionView): void;
  /** A message in between (stopping, detaching). */
  note(text: string): void;
  /** Clears the live block while a question is asked. */
  pause(): void;
  resume(): void;
  /** The last events, then (unless `brief`) the summary and the manifest. */
  finish(outcome: Outcome, events: readonly WatchEvent[], seconds: number, brief: boolean): void;
  /** Stops live drawing; safe to call more than once. */
  close(): void;
}

/** Lines of output shown under the live status line. */
const LIVE_TAIL_LINES = 6;
const INDENT = '           ';

export function followOutput(terminal: Terminal, json: boolean): FollowOutput {
  if (json) return new JsonOutput(terminal.out);
  return new TextOutput(terminal);
}

class TextOutput implements FollowOutput {
  private readonly live?: LiveRegion;
  private readonly printer: ProgressPrinter;
  private startDate = new Date();
  private snapshot: Snapshot = { tail: [] };

  constructor(private readonly terminal: Terminal) {
    if (terminal.interactive) this.live = new LiveRegion(terminal, (spinner) => this.liveLines(spinner));
    this.printer = new ProgressPrinter(this.target);
  }

  public start(info: StartInfo): void {
    const { bold, dim } = this.terminal.colors;
    this.startDate = info.startDate;
    const verb = info.attached ? 'Following' : 'Started';
    this.target.write(`${verb} build ${bold(info.buildId)} of recipe ${info.recipe || '(unknown)'} on ${info.stateMachine}\n`);
    if (info.consoleUrl) this.target.write(`${dim(info.consoleUrl)}\n`);
    this.live?.start();
  }

  public update(events: readonly WatchEvent[], view: ExecutionView): void {
    this.snapshot = view.snapshot();
    for (const event of events) this.print(event);
    this.live?.refresh();
  }

  public note(text: string): void {
    this.target.write(`${this.terminal.colors.yellow(text)}\n`);
  }

  public pause(): void {
    this.live?.pause();
  }

  public resume(): void {
    this.live?.resume();
  }

  public finish(outcome: Outcome, events: readonly WatchEvent[], seconds: number, brief: boolean): void {
    for (const event of events) this.print(event);
    this.close();
    if (brief) return;
    for (const line of summaryLines(outcome, seconds, this.terminal.colors)) this.terminal.out.write(`${line}\n`);
    this.terminal.out.write(`${JSON.stringify(outcome.manifest, null, 2)}\n`);
  }

  public close(): void {
    this.live?.stop();
  }

  private get target(): Writable {
    return this.live ?? this.terminal.out;
  }

  private print(event: WatchEvent): void {
    const { dim } = this.terminal.colors;
    if (event.kind === 'step-started') {
      this.target.write(`${INDENT}step ${event.step}/${event.count} started: ${event.label}\n`);
    } else if (event.kind === 'output') {
      // On a terminal the live block shows the last lines; elsewhere every line is printed once.
      if (!this.live) for (const line of event.lines) this.target.write(`${INDENT}${dim('|')} ${cleanLine(line)}\n`);
    } else {
      this.printer.print(event);
    }
  }

  private liveLines(spinner: string): string[] {
    const { bold, dim } = this.terminal.colors;
    const { phase, step, count, stateName, tail } = this.snapshot;
    const parts = [bold(phase ?? 'starting')];
    if (step !== undefined) parts.push(`step ${step} of ${count}`);
    parts.push(formatClock((Date.now() - this.startDate.getTime()) / 1000));
    if (stateName) parts.push(dim(stateName));
    return [`${spinner} ${parts.join(dim(' · '))}`, ...tail.slice(-LIVE_TAIL_LINES).map((line) => dim(`  │ ${cleanLine(line)}`))];
  }
}

class JsonOutput implements FollowOutput {
  private buildId = '';

  constructor(private readonly out: Writable) {}

  public start(info: StartInfo): void {
    this.buildId = info.buildId;
    this.line({
      event: info.attached ? 'following' : 'started',
      buildId: info.buildId,
      executionArn: info.executionArn,
      recipe: info.recipe,
      stateMachine: info.stateMachine,
      consoleUrl: info.consoleUrl,
      startDate: info.startDate.toISOString(),
    });
  }

  public update(events: readonly WatchEvent[]): void {
    for (const event of events) this.print(event);
  }

  public note(text: string): void {
    this.line({ event: 'note', message: text });
  }

  public pause(): void {}

  public resume(): void {}

  public finish(outcome: Outcome, events: readonly WatchEvent[], seconds: number): void {
    for (const event of events) this.print(event);
    this.line({
      event: 'finished',
      buildId: this.buildId,
      status: outcome.status,
      succeeded: outcome.succeeded,
      seconds: Math.round(seconds),
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.cause ? { cause: outcome.cause } : {}),
      manifest: outcome.manifest,
    });
  }

  public close(): void {}

  private print(event: WatchEvent): void {
    switch (event.kind) {
      case 'phase':
        this.line({ event: 'phase', phase: event.phase, at: event.at.toISOString(), ...(event.detail ? { detail: event.detail } : {}) });
        break;
      case 'step':
        this.line({ event: 'step', ...event.result, count: event.count });
        break;
      case 'step-started':
        this.line({ event: 'step-started', step: event.step, count: event.count, label: event.label, commandId: event.commandId });
        break;
      case 'output':
        this.line({ event: 'output', step: event.step, lines: event.lines.map(cleanLine) });
        break;
      default:
        // The end is reported by `finish`, with the outcome.
        break;
    }
  }

  private line(value: object): void {
    this.out.write(`${JSON.stringify(value)}\n`);
  }
}
