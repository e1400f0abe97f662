/**
 * The CloudWatch Logs calls the CLI makes: every event of one log stream, oldest first. SSM Run Command
 * writes a command's output to `<commandId>/<instanceId>/<plugin>/stdout` and `.../stderr`.
 */
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AwsOptions, awsFailure, clientConfig } from './clients';
import { CliError } from '../errors';

export interface LogLine {
  readonly timestamp: number;
  readonly message: string;
}

/** Events of a stream read from a point on, and the token to read on from. */
export interface StreamRead {
  readonly lines: LogLine[];
  readonly nextToken?: string;
}

export interface LogsApi {
  /** Every event of the stream, oldest first; undefined when the stream does not exist (nothing was written to it). */
  streamEvents(logGroupName: string, logStreamName: string): Promise<LogLine[] | undefined>;
  /** The stream's events after `token` (from its start without one), oldest first; undefined when the stream does not exist. */
  streamEventsAfter(logGroupName: string, logStreamName: string, token?: string): Promise<StreamRead | undefined>;
}

/** `LogsApi` on the AWS SDK's CloudWatch Logs client. */
export class SdkLogs implements LogsApi {
  /** The SDK client (the simulator attaches itself to it). */
  public readonly client: CloudWatchLogsClient;

  constructor(private readonly options: AwsOptions) {
    this.client = new CloudWatchLogsClient(clientConfig(options));
  }

  public async streamEvents(logGroupName: string, logStreamName: string): Promise<LogLine[] | undefined> {
    return (await this.streamEventsAfter(logGroupName, logStreamName))?.lines;
  }

  public async streamEventsAfter(logGroupName: string, logStreamName: string, token?: string): Promise<StreamRead | undefined> {
    const lines: LogLine[] = [];
    let nextToken = token;
    for (;;) {
      let page;
      try {
        page = await this.client.send(new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true, nextToken }));
      } catch (error) {
        if ((error as Error)?.name !== 'ResourceNotFoundException') throw awsFailure('GetLogEvents', error, this.options);
        if (/log group/i.test((error as Error).message)) {
          throw new CliError(`log group ${logGroupName} does not exist`, 'check --region and --profile: the group is made by the AmiBakery deployment');
        }
        return nextToken === undefined ? undefined : { lines, nextToken };
      }
      for (const event of page.events ?? []) lines.push({ timestamp: event.timestamp ?? 0, message: event.message ?? '' });
      // At the end of the stream CloudWatch Logs returns the token it was given.
      if (!page.nextForwardToken || page.nextForwardToken === nextToken || (page.events ?? []).length === 0) {
        return { lines, nextToken: page.nextForwardToken ?? nextToken };
      }
      nextToken = page.nextForwardToken;
    }
  }
}
