/**
 * The execution history of a simulated bake in the shape Step Functions' `GetExecutionHistory` returns:
 * typed events (`TaskStateEntered`, `LambdaFunctionSucceeded`, `TaskStateExited`, `MapIterationStarted`,
 * `ExecutionSucceeded`, ...) with ids, timestamps and JSON text inputs and outputs. It is recorded from
 * aws-local-stepfunctions' event log, so tools that read a real history read this one too.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { StateMachine } from 'aws-local-stepfunctions';

/** One event of the local engine's log. */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncIterable<infer E> ? E : never;

/** How an execution ended, for the last event. */
export type ExecutionEnd =
  | { readonly status: 'SUCCEEDED'; readonly output: unknown }
  | { readonly status: 'FAILED'; readonly error: string; readonly cause: string }
  | { readonly status: 'ABORTED' | 'TIMED_OUT'; readonly error: string; readonly cause: string };

const STATE_TYPES: Record<string, string> = {
  Task: 'Task', Choice: 'Choice', Wait: 'Wait', Pass: 'Pass', Map: 'Map', Parallel: 'Parallel', Succeed: 'Succeed', Fail: 'Fail',
};

/** Step Functions' limit on the events of one execution's history: the execution fails when it reaches it. */
export const MAX_HISTORY_EVENTS = 25_000;

/** How each Task state calls its resource: a Lambda function (`LambdaFunction*` events) or another service (`Task*` events). */
export type TaskKind = 'lambda' | 'service';

/**
 * Collects the events of one execution as they happen, as many as Step Functions writes: a Lambda task is
 * entered, scheduled, started, succeeds or fails (again scheduled and started on each retry) and exited; a Map
 * state is entered, started, succeeds and is exited; a Wait, Choice or Pass state is entered and exited.
 */
export class ExecutionHistory {
  public readonly events: HistoryEvent[] = [];
  /** Task states whose last attempt failed: a Catch leaves them without a success event. */
  private readonly failedTasks = new Set<string>();

  /**
   * @param taskKinds how each Task state (by name) calls its resource; a state not named calls a Lambda function.
   * @param maxEvents the history limit (Step Functions': 25,000).
   */
  constructor(private readonly taskKinds: ReadonlyMap<string, TaskKind> = new Map(), public readonly maxEvents = MAX_HISTORY_EVENTS) {}

  /** True when the history has room for nothing but the event that ends the execution. */
  public get full(): boolean {
    return this.events.length >= this.maxEvents - 1;
  }

  /** Records one event of the local engine's log (nested Map events included). */
  public record(event: EventLog): void {
    const at = new Date(event.timestamp);
    switch (event.type) {
      case 'ExecutionStarted':
        this.add(at, 'ExecutionStarted', { executionStartedEventDetails: { input: text(event.input) } });
        return;
      case 'StateEntered':
        this.add(at, `${stateType(event.state.type)}StateEntered`, { stateEnteredEventDetails: { name: event.state.name, input: text(event.state.input) } });
        if (event.state.type === 'Task') this.addTaskStart(at, event.state.name);
        if (event.state.type === 'Map') this.add(at, 'MapStateStarted', {});
        return;
      case 'StateExited':
        if (event.state.type === 'Task' && !this.failedTasks.delete(attemptKey(event))) this.addTaskSucceeded(at, event.state.name, event.state.output);
        if (event.state.type === 'Map') this.add(at, 'MapStateSucceeded', {});
        this.add(at, `${stateType(event.state.type)}StateExited`, { stateExitedEventDetails: { name: event.state.name, output: text(event.state.output) } });
        return;
      case 'StateFailed':
        if (event.state.type !== 'Task') return;
        this.failedTasks.add(attemptKey(event));
        this.addTaskFailed(at, event.state.name, event.Error, text(event.Cause));
        return;
      case 'StateRetried':
        if (event.state.type !== 'Task') return;
        this.failedTasks.delete(attemptKey(event));
        this.addTaskStart(at, event.state.name);
        return;
      case 'MapIterationStarted':
        this.add(at, 'MapIterationStarted', { mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index } });
        return;
      case 'MapIterationSucceeded':
        this.add(at, 'MapIterationSucceeded', { mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index } });
        return;
      case 'MapIterationFailed':
        this.add(at, 'MapIterationFailed', { mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index } });
        return;
      default:
        return;
    }
  }

  private isLambda(stateName: string): boolean {
    return this.taskKinds.get(stateName) !== 'service';
  }

  private addTaskStart(at: Date, stateName: string): void {
    if (this.isLambda(stateName)) {
      this.add(at, 'LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: stateName } });
      this.add(at, 'LambdaFunctionStarted', {});
    } else {
      this.add(at, 'TaskScheduled', { taskScheduledEventDetails: { resource: stateName, resourceType: 'events', region: '', parameters: '{}' } });
      this.add(at, 'TaskStarted', { taskStartedEventDetails: { resource: stateName, resourceType: 'events' } });
    }
  }

  private addTaskSucceeded(at: Date, stateName: string, output: unknown): void {
    if (this.isLambda(stateName)) this.add(at, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: text(output) } });
    else this.add(at, 'TaskSucceeded', { taskSucceededEventDetails: { resource: stateName, resourceType: 'events', output: text(output) } });
  }

  private addTaskFailed(at: Date, stateName: string, error: string, cause: string): void {
    if (this.isLambda(stateName)) this.add(at, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause } });
    else this.add(at, 'TaskFailed', { taskFailedEventDetails: { resource: stateName, resourceType: 'events', error, cause } });
  }

  /** Records how the execution ended (the local engine reports stops and timeouts as errors). */
  public end(at: Date, end: ExecutionEnd): void {
    if (end.status === 'SUCCEEDED') {
      this.add(at, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: text(end.output) } });
    } else if (end.status === 'FAILED') {
      this.add(at, 'ExecutionFailed', { executionFailedEventDetails: { error: end.error, cause: end.cause } });
    } else if (end.status === 'ABORTED') {
      this.add(at, 'ExecutionAborted', { executionAbortedEventDetails: { error: end.error, cause: end.cause } });
    } else {
      this.add(at, 'ExecutionTimedOut', { executionTimedOutEventDetails: { error: end.error, cause: end.cause } });
    }
  }

  private add(timestamp: Date, type: string, details: Partial<HistoryEvent>): void {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, timestamp, type: type as HistoryEvent['type'], ...details });
  }
}

/** A state within its Map iteration: parallel copy branches run states of the same name. */
function attemptKey(event: { state: { name: string }; index?: number }): string {
  return `${event.state.name}#${event.index ?? ''}`;
}

function stateType(type: string): string {
  return STATE_TYPES[type] ?? type;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}
