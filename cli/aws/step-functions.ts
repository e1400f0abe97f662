/**
 * The Step Functions calls the CLI makes, behind a small interface: find the bakery's state machine,
 * start, describe, list and stop its executions (bakes), and read an execution's history as it grows.
 */
import {
  DescribeExecutionCommand, GetExecutionHistoryCommand, HistoryEvent, ListExecutionsCommand, ListStateMachinesCommand,
  ListTagsForResourceCommand, SFNClient, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { AwsOptions, awsFailure, clientConfig } from './clients';
import { CliError, UsageError } from '../errors';

export type { HistoryEvent };

export interface StateMachineSummary {
  readonly arn: string;
  readonly name: string;
}

export interface ExecutionSummary {
  readonly arn: string;
  /** The execution name: the build id. */
  readonly name: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE. */
  readonly status: string;
  readonly startDate: Date;
  readonly stopDate?: Date;
}

export interface ExecutionDetails extends ExecutionSummary {
  readonly stateMachineArn: string;
  /** The execution input and output, as JSON text. */
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface StepFunctionsApi {
  /** The region the calls go to (from --region, the profile or the environment). */
  region(): Promise<string>;
  /** Every state machine in the region. */
  listStateMachines(): Promise<StateMachineSummary[]>;
  /** The tags of a state machine, as a map. */
  tagsOf(stateMachineArn: string): Promise<Record<string, string>>;
  startExecution(stateMachineArn: string, name: string, input: unknown): Promise<{ arn: string; startDate: Date }>;
  describeExecution(executionArn: string): Promise<ExecutionDetails>;
  /** The history events with an id above `afterId`, oldest first. */
  eventsAfter(executionArn: string, afterId: number): Promise<HistoryEvent[]>;
  /** One page of executions, newest first. */
  listExecutions(stateMachineArn: string, maxResults: number, nextToken?: string): Promise<{ executions: ExecutionSummary[]; nextToken?: string }>;
  stopExecution(executionArn: string, cause: string): Promise<void>;
}

/** Events read per history page; the newest come first, so a poll usually needs one page. */
const HISTORY_PAGE = 200;

/** `StepFunctionsApi` on the AWS SDK's Step Functions client. */
export class SdkStepFunctions implements StepFunctionsApi {
  /** The SDK client (the simulator attaches itself to it). */
  public readonly client: SFNClient;

  constructor(private readonly options: AwsOptions) {
    this.client = new SFNClient(clientConfig(options));
  }

  public async region(): Promise<string> {
    return this.call('resolving the region', () => this.client.config.region());
  }

  public async listStateMachines(): Promise<StateMachineSummary[]> {
    const machines: StateMachineSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('ListStateMachines', () => this.client.send(new ListStateMachinesCommand({ maxResults: 1000, nextToken })));
      for (const machine of page.stateMachines ?? []) machines.push({ arn: machine.stateMachineArn!, name: machine.name! });
      nextToken = page.nextToken;
    } while (nextToken);
    return machines;
  }

  public async tagsOf(stateMachineArn: string): Promise<Record<string, string>> {
    const { tags } = await this.call('ListTagsForResource', () => this.client.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn })),
      { ResourceNotFound: () => stateMachineMissing(stateMachineArn), InvalidArn: () => stateMachineMissing(stateMachineArn) });
    return Object.fromEntries((tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? '']));
  }

  public async startExecution(stateMachineArn: string, name: string, input: unknown): Promise<{ arn: string; startDate: Date }> {
    const result = await this.call('StartExecution',
      () => this.client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) })),
      {
        ExecutionAlreadyExists: () => new CliError(`build id ${name} was used before on this bakery`, 'choose another --name, or leave --name out for a new id'),
        InvalidName: () => new UsageError(`build id "${name}" is not a valid execution name`, 'use 1 to 80 letters, digits, "-" and "_"'),
        StateMachineDoesNotExist: () => stateMachineMissing(stateMachineArn),
        InvalidExecutionInput: (error) => new CliError(`the bake input was refused: ${error.message}`, 'an input must be JSON of at most 256 KB'),
      });
    return { arn: result.executionArn!, startDate: result.startDate ?? new Date() };
  }

  public async describeExecution(executionArn: string): Promise<ExecutionDetails> {
    const execution = await this.call('DescribeExecution', () => this.client.send(new DescribeExecutionCommand({ executionArn })),
      { ExecutionDoesNotExist: () => buildMissing(executionArn), InvalidArn: () => buildMissing(executionArn) });
    return {
      arn: execution.executionArn!,
      name: execution.name!,
      status: execution.status ?? 'RUNNING',
      startDate: execution.startDate!,
      stopDate: execution.stopDate,
      stateMachineArn: execution.stateMachineArn!,
      input: execution.input,
      output: execution.output,
      error: execution.error,
      cause: execution.cause,
    };
  }

  public async eventsAfter(executionArn: string, afterId: number): Promise<HistoryEvent[]> {
    const newer: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('GetExecutionHistory',
        () => this.client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: HISTORY_PAGE, nextToken })),
        { ExecutionDoesNotExist: () => buildMissing(executionArn) });
      for (const event of page.events ?? []) {
        if ((event.id ?? 0) <= afterId) return newer.reverse();
        newer.push(event);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return newer.reverse();
  }

  public async listExecutions(stateMachineArn: string, maxResults: number, nextToken?: string) {
    const page = await this.call('ListExecutions', () => this.client.send(new ListExecutionsCommand({ stateMachineArn, maxResults, nextToken })),
      { StateMachineDoesNotExist: () => stateMachineMissing(stateMachineArn) });
    const executions = (page.executions ?? []).map((execution) => ({
      arn: execution.executionArn!,
      name: execution.name!,
      status: execution.status ?? 'RUNNING',
      startDate: execution.startDate!,
      stopDate: execution.stopDate,
    }));
    return { executions, nextToken: page.nextToken };
  }

  public async stopExecution(executionArn: string, cause: string): Promise<void> {
    await this.call('StopExecution', () => this.client.send(new StopExecutionCommand({ executionArn, cause })),
      { ExecutionDoesNotExist: () => buildMissing(executionArn) });
  }

  private async call<T>(operation: string, send: () => Promise<T>, known: Record<string, (error: Error) => Error> = {}): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const handle = known[(error as Error)?.name];
      throw handle ? handle(error as Error) : awsFailure(operation, error, this.options);
    }
  }
}

function buildMissing(executionArn: string): CliError {
  const parts = executionArn.split(':');
  const [stateMachine, name] = parts.length >= 8 ? [parts[6], parts[7]] : ['this bakery', executionArn];
  return new CliError(`no build ${name} on state machine ${stateMachine}`, 'bakery list shows the recent builds (check --region and --profile too)');
}

function stateMachineMissing(stateMachineArn: string): CliError {
  return new CliError(`state machine ${stateMachineArn} does not exist`, 'check --state-machine, --region and --profile');
}
