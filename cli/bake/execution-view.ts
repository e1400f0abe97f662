/**
 * What an execution's history says about its bake. Every runner task returns the whole `BakeState`, so
 * the output of each state the execution left holds the phases, the provisioning progress, the running
 * command and its output tail. Events are applied as they arrive; each call returns what changed.
 */
import { isPlainObject } from '../../lambda/shared/deep-merge';
import { TAIL_LINES } from '../../lambda/shared/output-tail';
import { currentPhase } from '../../lambda/shared/phases';
import { stepLabel } from '../../lambda/shared/step-script';
import { PROVISION_STAGE, stageSteps } from '../../lambda/shared/step-stage';
import type { BakeFailure, BakeState, Manifest, PhaseName } from '../../lambda/shared/types';
import { ProgressEvent, ProgressTracker } from '../../local/progress';
import type { HistoryEvent } from '../aws/step-functions';

/** What a person following a bake is told. */
export type WatchEvent =
  | ProgressEvent
  | { readonly kind: 'step-started'; readonly step: number; readonly count: number; readonly label: string; readonly commandId: string; readonly at: Date }
  | { readonly kind: 'output'; readonly step: number; readonly lines: string[]; readonly at: Date };

/** A provisioning command: its step (from 1) and where SSM wrote its output. */
export interface StepCommand {
  readonly step: number;
  readonly commandId: string;
  readonly instanceId: string;
}

/** Where a running bake is. */
export interface Snapshot {
  readonly stateName?: string;
  readonly phase?: PhaseName;
  /** The provisioning step running (from 1) and the number of steps, while in the provision phase. */
  readonly step?: number;
  readonly count?: number;
  /** The last lines of the running step's output. */
  readonly tail: string[];
}

/** How the execution ended, as its history says. */
export interface EndEvent {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  readonly at: Date;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

const END_EVENTS: Record<string, EndEvent['status']> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimedOut: 'TIMED_OUT',
};

export class ExecutionView {
  /** The id of the newest event applied: the next read asks for the events after it. */
  public lastEventId = 0;
  /** The execution input. */
  public input?: unknown;
  /** The newest bake state a state returned. */
  public state?: BakeState;
  /** The state entered last. */
  public stateName?: string;
  /** What "Clean up after failure" returned: the error, cause and FAILED manifest. */
  public failure?: BakeFailure;
  public ended?: EndEvent;
  /** Every provisioning command sent, in order (a retried step may have more than one). */
  public readonly commands: StepCommand[] = [];
  private tail: string[] = [];
  private tailCommand?: string;
  private pending: WatchEvent[] = [];
  private readonly tracker = new ProgressTracker((event) => this.pending.push(event));

  /** Applies events (oldest first) and returns what a person following the bake should be told. */
  public apply(events: readonly HistoryEvent[]): WatchEvent[] {
    for (const event of events) {
      this.applyOne(event);
      this.lastEventId = Math.max(this.lastEventId, event.id ?? 0);
    }
    return this.drain();
  }

  /**
   * Reports the phases only the manifest shows (the final cleanup), placed before `end` (when the
   * execution stopped), then the end.
   */
  public finish(manifest: Manifest, end: Date): WatchEvent[] {
    const marks = this.state?.phases ?? [];
    const lastStart = marks.length > 0 ? Date.parse(marks[marks.length - 1].startedAt) : 0;
    const unseen = manifest.phases.slice(marks.length);
    // Manifest seconds are rounded: never start an unseen phase before the last one reported.
    let start = Math.max(end.getTime() - unseen.reduce((total, phase) => total + phase.seconds * 1000, 0), lastStart);
    for (const phase of unseen) {
      this.pending.push({ kind: 'phase', phase: phase.name, at: new Date(start) });
      start += phase.seconds * 1000;
    }
    this.pending.push({ kind: 'finished', manifest, at: end });
    return this.drain();
  }

  /** The provisioning command of the step running now, if one is. */
  public runningCommand(): StepCommand | undefined {
    const provision = this.state?.provision;
    if (!provision?.commandId || this.ended || currentPhase(this.state?.phases) !== 'provision') return undefined;
    return this.commands.find((command) => command.commandId === provision.commandId && command.step === provision.index + 1);
  }

  /**
   * The running command's output read from its log streams (every line so far): reports the lines not reported yet.
   * The step's own checks report only the end of its output, so while it runs this is where its lines come from.
   */
  public applyLiveOutput(command: StepCommand, lines: readonly string[], at: Date): WatchEvent[] {
    this.switchTail(command.commandId);
    const added = linesAfter(this.tail, lines);
    if (added.length > 0) {
      this.tail = lines.slice(-TAIL_LINES);
      this.pending.push({ kind: 'output', step: command.step, lines: added, at });
    }
    return this.drain();
  }

  public snapshot(): Snapshot {
    const phase = currentPhase(this.state?.phases);
    const provision = this.state?.provision;
    const inProvision = phase === 'provision' && provision !== undefined && provision.count > 0;
    const step = inProvision ? Math.min(provision.index + 1, provision.count) : undefined;
    // The tail is shown while its command's step is the current one (not once the next step is due).
    const tailStep = this.commands.find((command) => command.commandId === this.tailCommand)?.step;
    return {
      stateName: this.stateName,
      phase,
      ...(inProvision ? { step, count: provision.count } : {}),
      tail: inProvision && tailStep === step ? this.tail : [],
    };
  }

  private applyOne(event: HistoryEvent): void {
    const type = event.type ?? '';
    const at = event.timestamp ?? new Date();
    if (type === 'ExecutionStarted') {
      this.input = parseJson(event.executionStartedEventDetails?.input);
    } else if (type.endsWith('StateEntered')) {
      this.stateName = event.stateEnteredEventDetails?.name ?? this.stateName;
    } else if (type.endsWith('StateExited')) {
      this.observe(parseJson(event.stateExitedEventDetails?.output), at);
    } else if (END_EVENTS[type]) {
      const details = event.executionFailedEventDetails ?? event.executionAbortedEventDetails ?? event.executionTimedOutEventDetails;
      const output = event.executionSucceededEventDetails?.output;
      this.ended = { status: END_EVENTS[type], at, output, error: details?.error, cause: details?.cause };
    }
  }

  private observe(output: unknown, at: Date): void {
    if (!isPlainObject(output)) return;
    if (isPlainObject(output.failure) && isPlainObject(output.failure.manifest)) this.failure = output.failure as unknown as BakeFailure;
    if (!Array.isArray(output.phases) || !isPlainObject(output.build)) return;
    const state = output as unknown as BakeState;
    const provision = state.provision;
    const commandId = provision?.commandId;
    if (provision && commandId && !this.commands.some((command) => command.commandId === commandId)) {
      // A step started: first what ended before it, then the step, then its first lines of output.
      this.tracker.observe(state);
      const step = provision.index + 1;
      this.commands.push({ step, commandId, instanceId: state.instanceId ?? '' });
      const recipeStep = state.build && stageSteps(state.build, PROVISION_STAGE)[provision.index];
      this.pending.push({ kind: 'step-started', step, count: provision.count, label: recipeStep ? stepLabel(recipeStep) : 'shell', commandId, at });
      this.followTail(state, at);
    } else {
      // The running step's last lines come before its result.
      this.followTail(state, at);
      this.tracker.observe(state);
    }
    this.state = state;
  }

  /** Keeps the running step's output tail, and reports the lines it gained since the last check. */
  private followTail(state: BakeState, at: Date): void {
    const commandId = state.provision?.commandId;
    if (!commandId) return;
    this.switchTail(commandId);
    const tail = outputTailOf(state);
    if (tail === undefined) return;
    // Lines read from the log streams may be ahead of a check's tail: a tail they already hold adds nothing.
    if (holds(this.tail, tail)) return;
    const added = newLines(this.tail, tail);
    this.tail = tail;
    const step = this.commands.find((command) => command.commandId === commandId)?.step ?? (state.provision?.index ?? 0) + 1;
    if (added.length > 0) this.pending.push({ kind: 'output', step, lines: added, at });
  }

  private switchTail(commandId: string): void {
    if (commandId === this.tailCommand) return;
    this.tailCommand = commandId;
    this.tail = [];
  }

  private drain(): WatchEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}

/**
 * The running step's output tail as Check provisioning step returns it (`provision.outputTail`: the
 * last lines of its standard output and error, as one text or as lines); undefined when the state has none.
 */
export function outputTailOf(state: BakeState): string[] | undefined {
  const provision = state.provision as (BakeState['provision'] & { outputTail?: unknown }) | undefined;
  const tail = provision?.outputTail ?? (state as { outputTail?: unknown }).outputTail;
  if (typeof tail === 'string') return tail.length === 0 ? [] : tail.replace(/\s+$/, '').split(/\r?\n/);
  if (Array.isArray(tail)) return tail.map(String);
  return undefined;
}

/**
 * The lines of a whole output after the last place the lines reported so far (`tail`, its last lines) end; where
 * they are not found, as `newLines` would tell.
 */
export function linesAfter(tail: readonly string[], lines: readonly string[]): string[] {
  if (tail.length === 0) return [...lines];
  for (let end = lines.length; end >= tail.length; end--) {
    if (tail.every((line, index) => lines[end - tail.length + index] === line)) return lines.slice(end);
  }
  return newLines(tail, lines);
}

/** True when `block` is a run of consecutive lines of `lines`. */
function holds(lines: readonly string[], block: readonly string[]): boolean {
  for (let start = 0; start + block.length <= lines.length; start++) {
    if (block.every((line, index) => lines[start + index] === line)) return true;
  }
  return false;
}

/** The lines of `next` after the longest end of `previous` that starts it (both are tails of the same output). */
export function newLines(previous: readonly string[], next: readonly string[]): string[] {
  for (let overlap = Math.min(previous.length, next.length); overlap > 0; overlap--) {
    let matches = true;
    for (let index = 0; index < overlap && matches; index++) matches = previous[previous.length - overlap + index] === next[index];
    if (matches) return next.slice(overlap);
  }
  return [...next];
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
