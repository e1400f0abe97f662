/**
 * Step Functions and CloudWatch Logs for the `bakery` CLI against the simulator (`--simulate`): the bakery's
 * state machine, tagged as the construct tags it; `StartExecution` runs the whole bake in the simulator (on
 * its virtual clock, in about a second) and keeps the execution, history included, in the account; then
 * `DescribeExecution` and `GetExecutionHistory` play it back at `speed` times real time, so following a bake
 * looks as it would against AWS. `GetLogEvents` reads the command output the simulated SSM agent wrote.
 *
 *     const service = new SimulatedStepFunctions(account, { speed: 30 });
 *     service.attach(sfnClient, logsClient);
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { SimulatedAccount } from './model';
import type { Json } from './model/state';
import { SIMULATOR_MIDDLEWARE_NAME, MiddlewareStackLike } from './sdk-bridge';
import { simulateBake, simulatedDevelopmentBakery } from './simulate-bake';
import { defaultSimulationStart } from './simulation-start';
import { executionInputProblem } from './step-functions-limits';
import { executionArnFor } from '../src/contract';

/** One execution as the account keeps it. */
interface ExecutionRecord {
  readonly executionArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  readonly stopDate: number;
  readonly status: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** Real time (epoch ms) the execution was started at: playback runs from here. */
  readonly startedAtRealMs: number;
  readonly history: (Omit<HistoryEvent, 'timestamp'> & { timestamp: number })[];
}

export interface SimulatedStepFunctionsOptions {
  /** Virtual seconds per real second when playing an execution back; `Infinity` shows every execution as finished. @default 30 */
  readonly speed?: number;
}

type Handler = (input: any) => Promise<unknown> | unknown;

interface HistoryRequest {
  readonly executionArn: string;
  readonly nextToken?: string;
  readonly maxResults?: number;
  readonly reverseOrder?: boolean;
}

/** A Step Functions error, as the SDK would throw it. */
class SfnError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class SimulatedStepFunctions {
  private readonly speed: number;
  /** A development bakery: recipe files are baked as ad-hoc recipes within its bounds. */
  private readonly bakery = simulatedDevelopmentBakery();

  constructor(private readonly account: SimulatedAccount, options: SimulatedStepFunctionsOptions = {}) {
    this.speed = options.speed ?? 30;
  }

  /** Answers the Step Functions and CloudWatch Logs calls of these clients from now on. */
  public attach(...clients: { middlewareStack: MiddlewareStackLike }[]): void {
    for (const client of clients) {
      client.middlewareStack.add((next: any, context: { commandName?: string }) => async (args: { input: object }) => {
        const handler = this.handlers()[(context.commandName ?? '').replace(/Command$/, '')];
        if (!handler) return next(args);
        return { output: { ...(await handler(args.input) as object), $metadata: { httpStatusCode: 200 } }, response: {} };
      }, { step: 'initialize', name: SIMULATOR_MIDDLEWARE_NAME, priority: 'high' });
    }
  }

  private handlers(): Record<string, Handler> {
    return {
      ListStateMachines: () => ({ stateMachines: [{ stateMachineArn: this.bakery.stateMachineArn, name: 'bakery', type: 'STANDARD', creationDate: new Date(0) }] }),
      ListTagsForResource: (input: { resourceArn: string }) => ({ tags: this.tagsOf(input.resourceArn) }),
      StartExecution: (input: { stateMachineArn: string; name?: string; input?: string }) => this.start(input),
      DescribeExecution: (input: { executionArn: string }) => this.describe(this.find(input.executionArn)),
      GetExecutionHistory: (input: HistoryRequest) => this.historyPage(input),
      ListExecutions: (input: { stateMachineArn: string; maxResults?: number; nextToken?: string }) => this.list(input),
      StopExecution: (input: { executionArn: string }) => this.stop(input.executionArn),
      GetLogEvents: (input: { logGroupName: string; logStreamName: string; nextToken?: string; startFromHead?: boolean }) => this.logEvents(input),
    };
  }

  private tagsOf(resourceArn: string): { key: string; value: string }[] {
    this.requireStateMachine(resourceArn);
    return Object.entries(this.bakery.tags).map(([key, value]) => ({ key, value }));
  }

  private requireStateMachine(arn: string): void {
    if (arn !== this.bakery.stateMachineArn) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  }

  private async start(input: { stateMachineArn: string; name?: string; input?: string }): Promise<object> {
    this.requireStateMachine(input.stateMachineArn);
    const tooLarge = executionInputProblem(input.input ?? '');
    if (tooLarge) throw new SfnError('InvalidExecutionInput', tooLarge);
    const name = input.name ?? `bake-${Date.now().toString(36)}`;
    if (this.records().some((record) => record.name === name)) {
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${this.executionArn(name)}'`);
    }
    const startDate = defaultSimulationStart(this.account.now() + 1000);
    const bake = await simulateBake({
      bakery: this.bakery, account: this.account, input: JSON.parse(input.input ?? '{}'), executionName: name, startTime: new Date(startDate),
    });
    const last = bake.history[bake.history.length - 1];
    const record: ExecutionRecord = {
      executionArn: this.executionArn(name),
      name,
      input: input.input ?? '{}',
      startDate,
      stopDate: new Date(last.timestamp!).getTime(),
      status: bake.status,
      ...(bake.status === 'SUCCEEDED' ? { output: JSON.stringify(bake.manifest) } : { error: bake.error?.name, cause: bake.error?.cause }),
      startedAtRealMs: Date.now(),
      history: bake.history.map((event) => ({ ...event, timestamp: new Date(event.timestamp!).getTime() })),
    };
    this.account.executions.push(record as unknown as Json);
    return { executionArn: record.executionArn, startDate: new Date(startDate) };
  }

  private executionArn(name: string): string {
    return executionArnFor(this.bakery.stateMachineArn, name);
  }

  private records(): ExecutionRecord[] {
    return this.account.executions as unknown as ExecutionRecord[];
  }

  private find(executionArn: string): ExecutionRecord {
    const record = this.records().find((candidate) => candidate.executionArn === executionArn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  /** The virtual time the playback of an execution has reached. */
  private playedUntil(record: ExecutionRecord): number {
    if (this.speed === Infinity) return Infinity;
    return record.startDate + (Date.now() - record.startedAtRealMs) * this.speed;
  }

  private isOver(record: ExecutionRecord): boolean {
    return this.playedUntil(record) >= record.stopDate;
  }

  private describe(record: ExecutionRecord): object {
    const over = this.isOver(record);
    return {
      executionArn: record.executionArn,
      stateMachineArn: this.bakery.stateMachineArn,
      name: record.name,
      status: over ? record.status : 'RUNNING',
      startDate: new Date(record.startDate),
      input: record.input,
      ...(over ? { stopDate: new Date(record.stopDate), output: record.output, error: record.error, cause: record.cause } : {}),
    };
  }

  private historyPage(input: HistoryRequest): object {
    const record = this.find(input.executionArn);
    const until = this.playedUntil(record);
    const visible = record.history.filter((event) => event.timestamp <= until).map((event) => ({ ...event, timestamp: new Date(event.timestamp) }));
    const ordered = input.reverseOrder ? visible.reverse() : visible;
    const start = Number(input.nextToken ?? 0);
    const size = Math.min(input.maxResults || 100, 1000);
    const page = ordered.slice(start, start + size);
    return { events: page, ...(start + size < ordered.length ? { nextToken: String(start + size) } : {}) };
  }

  private list(input: { stateMachineArn: string; maxResults?: number; nextToken?: string }): object {
    this.requireStateMachine(input.stateMachineArn);
    const newestFirst = [...this.records()].reverse().map((record) => this.describe(record) as Record<string, unknown>);
    const start = Number(input.nextToken ?? 0);
    const size = input.maxResults || 100;
    const executions = newestFirst.slice(start, start + size)
      .map(({ input: _input, output: _output, error: _error, cause: _cause, ...summary }) => summary);
    return { executions, ...(start + size < newestFirst.length ? { nextToken: String(start + size) } : {}) };
  }

  /**
   * The simulator runs a bake to its end when it starts, so it cannot stop one half-way; it says so rather than
   * pretend. `bakery simulate` can stop a bake at a chosen state.
   */
  private stop(executionArn: string): never {
    const record = this.find(executionArn);
    const state = this.isOver(record) ? 'it has ended' : 'the simulator has already run it to its end';
    throw new SfnError('ValidationException', `cannot stop simulated execution ${record.name}: ${state}`);
  }

  /** A log line shows once the playback of the execution that wrote it has reached it. */
  private isPlayed(timestamp: number): boolean {
    const writer = this.records().find((record) => record.startDate <= timestamp && timestamp <= record.stopDate);
    return !writer || timestamp <= this.playedUntil(writer);
  }

  private logEvents(input: { logGroupName: string; logStreamName: string; nextToken?: string }): object {
    const events = this.account.logEvents(input.logGroupName)
      .filter((event) => event.logStreamName === input.logStreamName && this.isPlayed(event.timestamp));
    if (events.length === 0 && !this.account.logEvents(input.logGroupName).length) {
      throw new SfnError('ResourceNotFoundException', `The specified log group does not exist: ${input.logGroupName}`);
    }
    const start = Number(input.nextToken?.replace(/^f\//, '') ?? 0);
    const page = events.slice(start, start + 10_000);
    return {
      events: page.map((event) => ({ timestamp: event.timestamp, message: event.message, ingestionTime: event.timestamp })),
      nextForwardToken: `f/${start + page.length}`,
      nextBackwardToken: `b/${start}`,
    };
  }
}
