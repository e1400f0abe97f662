/**
 * Step Functions' limits on one execution, as the local runner enforces them: a state's input (after
 * `Parameters`) or output, and a task's result, hold at most 262,144 bytes of UTF-8 JSON (`States.DataLimitExceeded`,
 * which no Retry or Catch matches, not even `States.ALL`); the history holds at most 25,000 events, and an execution
 * that reaches that fails.
 */

/** The most bytes (UTF-8) a state's input or output, or a task's result, may hold. */
export const MAX_PAYLOAD_BYTES = 262_144;

/** How an execution that hit a limit ends. */
export interface LimitFailure {
  readonly name: 'States.DataLimitExceeded' | 'States.Runtime';
  readonly cause: string;
}

/**
 * An error the engine must neither retry nor catch: aws-local-stepfunctions reads `isRetryable` and `isCatchable`
 * as its own `States.Runtime` errors carry them.
 */
export class TerminalStatesError extends Error {
  public readonly isRetryable = false;
  public readonly isCatchable = false;

  constructor(failure: LimitFailure) {
    super(failure.cause);
    this.name = failure.name;
  }
}

/** The size in bytes of a value as Step Functions measures it: its JSON text, in UTF-8. */
export function payloadBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * Why StartExecution refuses this input (`InvalidExecutionInput`: over the payload limit), or undefined when it
 * takes it. Step Functions refuses such an execution before it starts, so no state ever sees the input.
 */
export function executionInputProblem(input: string): string | undefined {
  const bytes = Buffer.byteLength(input, 'utf8');
  return bytes > MAX_PAYLOAD_BYTES ? `The execution input is ${bytes} bytes; Step Functions accepts at most ${MAX_PAYLOAD_BYTES} (input)` : undefined;
}

/** What of a state is measured: its input (after `Parameters`), its output, or a task's result. */
export type PayloadKind = 'input' | 'output' | 'result';

/** The failure when the payload passes the limit, else undefined. */
export function payloadLimitFailure(stateName: string, kind: PayloadKind, value: unknown): LimitFailure | undefined {
  const bytes = payloadBytes(value);
  if (bytes <= MAX_PAYLOAD_BYTES) return undefined;
  const what = kind === 'input' ? 'has an input' : kind === 'result' ? 'returned a result' : 'has an output';
  return {
    name: 'States.DataLimitExceeded',
    cause: `The state/task '${stateName}' ${what} with a size exceeding the maximum number of bytes service limit `
      + `(${bytes.toLocaleString('en-US')} bytes; the limit is ${MAX_PAYLOAD_BYTES.toLocaleString('en-US')}). `
      + 'Keep large data out of the state: store it elsewhere (S3, CloudWatch Logs) and pass a reference.',
  };
}

/** The failure of an execution whose history reached the event limit. */
export function historyLimitFailure(maxEvents: number): LimitFailure {
  return {
    name: 'States.Runtime',
    cause: `The execution reached the maximum number of history events (${maxEvents}). `
      + 'A long poll loop writes several events per check: wait longer between checks, or split the work over executions.',
  };
}
