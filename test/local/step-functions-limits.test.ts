/**
 * Step Functions' limits in the local runner: the 262,144-byte payload limit (`States.DataLimitExceeded`, which no
 * Catch handles) and the 25,000-event history limit, on small state machines run by the real BakeRun.
 */
import { BakeRun } from '../../local/bake-run';
import { MAX_HISTORY_EVENTS } from '../../local/execution-history';
import { SimulatedAccount } from '../../local/model';
import { ProgressTracker } from '../../local/progress';
import type { SimulatedLambda } from '../../local/simulated-lambda';
import { MAX_PAYLOAD_BYTES, payloadBytes, payloadLimitFailure } from '../../local/step-functions-limits';
import type { SynthesizedBakery } from '../../local/synthesized-bakery';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:bakery-run-step';
const EXECUTION = { name: 'limits', arn: 'arn:aws:states:us-east-1:123456789012:execution:bakery:limits', startTime: new Date(0), region: 'us-east-1', account: '123456789012' };

/** A bakery whose state machine is `states`, with one function that the fake Lambda answers. */
function bakeryWith(states: Record<string, unknown>, startAt: string): SynthesizedBakery {
  return {
    definition: { StartAt: startAt, States: states } as SynthesizedBakery['definition'],
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:bakery',
    rules: [],
    functions: new Map([[FUNCTION_ARN, { step: 'run-step', environment: {} }]]),
    parameters: new Map(),
    buckets: [],
    documents: new Map(),
    deployedObjects: [],
    tags: {},
    subnets: [],
  };
}

/** Runs the state machine; the Lambda function returns what `respond` makes of its payload. */
async function run(bakery: SynthesizedBakery, respond: (payload: any) => unknown, maxHistoryEvents?: number) {
  const lambda = { invoke: async (_fn: unknown, payload: unknown) => respond(payload) } as unknown as SimulatedLambda;
  const runner = new BakeRun(bakery, lambda, new ProgressTracker(), new SimulatedAccount({ faults: [] }), { maxHistoryEvents });
  return runner.execute({ phases: [] }, EXECUTION);
}

/** One task whose every error (`States.ALL`) is caught and leads to "Caught". */
const CAUGHT_TASK = bakeryWith({
  Work: { Type: 'Task', Resource: FUNCTION_ARN, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
  Caught: { Type: 'Pass', End: true },
}, 'Work');

describe('payload size', () => {
  test('is measured in UTF-8 bytes of the JSON text, and the limit is 262,144 bytes', () => {
    expect(payloadBytes({ a: 'é' })).toBe(10);
    const justFits = 'x'.repeat(MAX_PAYLOAD_BYTES - 2);
    expect(payloadLimitFailure('Work', 'output', justFits)).toBeUndefined();
    expect(payloadLimitFailure('Work', 'output', `${justFits}x`)?.name).toBe('States.DataLimitExceeded');
  });

  test('a task result over the limit fails the execution with States.DataLimitExceeded, which States.ALL does not catch', async () => {
    const outcome = await run(CAUGHT_TASK, () => ({ phases: [], log: 'é'.repeat(MAX_PAYLOAD_BYTES / 2) }));

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.name).toBe('States.DataLimitExceeded');
    expect(outcome.error?.cause).toContain("The state/task 'Work' returned a result with a size exceeding the maximum number of bytes service limit");
    expect(outcome.manifest.error?.message).toContain('States.DataLimitExceeded');
    const entered = outcome.history.map((event) => event.stateEnteredEventDetails?.name).filter(Boolean);
    expect(entered).toEqual(['Work']);
    expect(outcome.history[outcome.history.length - 1]).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.DataLimitExceeded' } });
  });

  test('a state input over the limit after Parameters fails before the task runs', async () => {
    const big = bakeryWith({
      Work: { Type: 'Task', Resource: FUNCTION_ARN, Parameters: { 'phases.$': '$.phases', 'padding': 'x'.repeat(MAX_PAYLOAD_BYTES) }, End: true },
    }, 'Work');
    let invoked = false;

    const outcome = await run(big, () => { invoked = true; return {}; });

    expect(outcome.error).toMatchObject({ name: 'States.DataLimitExceeded' });
    expect(outcome.error?.cause).toContain("'Work' has an input");
    expect(invoked).toBe(false);
  });

  test('a Pass state output over the limit fails the execution', async () => {
    const pass = bakeryWith({
      Grow: { Type: 'Pass', Result: 'x'.repeat(MAX_PAYLOAD_BYTES + 1), Next: 'After' },
      After: { Type: 'Pass', End: true },
    }, 'Grow');

    const outcome = await run(pass, () => ({}));

    expect(outcome.error?.name).toBe('States.DataLimitExceeded');
    expect(outcome.error?.cause).toContain("'Grow' has an output");
  });

  test('a result just under the limit passes', async () => {
    const outcome = await run(CAUGHT_TASK, () => ({ log: 'x'.repeat(MAX_PAYLOAD_BYTES - 20) }));

    expect(outcome.status).toBe('SUCCEEDED');
  });
});

describe('history events', () => {
  /** A loop that never ends by itself: Pass (count) → Choice → Pass ... */
  const endlessLoop = bakeryWith({
    'Count': { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Again?' },
    'Again?': { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThanEquals: 0, Next: 'Count' }], Default: 'Done' },
    'Done': { Type: 'Succeed' },
  }, 'Start');
  (endlessLoop.definition.States as Record<string, unknown>).Start = { Type: 'Pass', Result: { n: 0 }, Next: 'Count' };

  test('an execution that reaches 25,000 history events fails, and its history ends there', async () => {
    const outcome = await run(endlessLoop, () => ({}));

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.name).toBe('States.Runtime');
    expect(outcome.error?.cause).toContain(`maximum number of history events (${MAX_HISTORY_EVENTS})`);
    expect(outcome.history).toHaveLength(MAX_HISTORY_EVENTS);
    expect(outcome.history[MAX_HISTORY_EVENTS - 1].type).toBe('ExecutionFailed');
  }, 60_000);

  test('a Lambda task writes the events Step Functions writes: entered, scheduled, started, succeeded, exited', async () => {
    const outcome = await run(CAUGHT_TASK, () => ({}), 100);

    expect(outcome.history.map((event) => event.type)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
  });
});
