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

/** Collects the events of one execution as they happen. */
export class ExecutionHistory {
  public readonly events: HistoryEvent[] = [];

  /** Records one event of the local engine's log (nested Map events included). */
  public record(event: EventLog): void {
    const at = new Date(event.timestamp);
    switch (event.type) {
      case 'ExecutionStarted':
        this.add(at, 'ExecutionStarted', { executionStartedEventDetails: { input: text(event.input) } });
        return;
      case 'StateEntered':
        this.add(at, `${stateType(event.state.type)}StateEntered`, { stateEnteredEventDetails: { name: event.state.name, input: text(event.state.input) } });
        if (event.state.type === 'Task') this.add(at, 'LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: event.state.name } });
        return;
      case 'StateExited':
        if (event.state.type === 'Task') this.add(at, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: text(event.state.output) } });
        this.add(at, `${stateType(event.state.type)}StateExited`, { stateExitedEventDetails: { name: event.state.name, output: text(event.state.output) } });
        return;
      case 'StateFailed':
      case 'StateRetried':
        if (event.state.type === 'Task' && 'Error' in event) {
          this.add(at, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: event.Error, cause: text(event.Cause) } });
        }
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

function stateType(type: string): string {
  return STATE_TYPES[type] ?? type;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}
