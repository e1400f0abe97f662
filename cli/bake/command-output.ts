/**
 * A provisioning command's output as SSM Run Command wrote it to CloudWatch Logs: `<commandId>/<instanceId>/<plugin>/stdout`
 * and `.../stderr` (see `output-streams.ts`), in the log group named by the state machine's `cdk-ami-bakery:output-log-group`
 * tag. `bakery logs` prints it whole; a followed bake shows the running step's lines as they come.
 */
import type { StepCommand } from './execution-view';
import { outputPlugin, outputStream } from '../../lambda/shared/output-streams';
import { PROVISION_STAGE, stageSteps } from '../../lambda/shared/step-stage';
import type { BakeState } from '../../lambda/shared/types';
import type { LogLine, LogsApi } from '../aws/logs';

const STREAMS = ['stdout', 'stderr'] as const;

/** The SSM plugin whose streams hold the command's output, from the step it ran. */
export function commandPlugin(state: BakeState | undefined, command: StepCommand): string {
  const build = state?.build;
  return (build && outputPlugin(stageSteps(build, PROVISION_STAGE)[command.step - 1], build.platform)) ?? 'aws-runShellScript';
}

type StreamLine = LogLine & { stream: string };

/** Standard output and error of one command, in time order (standard output first at the same instant). */
export async function commandOutput(logs: LogsApi, logGroup: string, command: StepCommand, plugin: string): Promise<StreamLine[]> {
  const streams = await Promise.all(STREAMS.map(async (stream) => {
    const events = await logs.streamEvents(logGroup, outputStream(command.commandId, command.instanceId, plugin, stream));
    return (events ?? []).map((event) => ({ ...event, stream }));
  }));
  return inTimeOrder(streams.flat());
}

/**
 * Commands' output as it grows, for a followed bake: each read of a command goes on in each stream from where the
 * last one ended (CloudWatch Logs' forward token), so a line is fetched once however often the bake is polled.
 */
export class GrowingOutput {
  private readonly read = new Map<string, { readonly lines: LogLine[]; readonly token?: string }>();

  constructor(private readonly logs: LogsApi, private readonly logGroup: string) {}

  /** Everything the command has written so far, as `commandOutput` gives it. */
  public async of(command: StepCommand, plugin: string): Promise<StreamLine[]> {
    const streams = await Promise.all(STREAMS.map(async (stream) => {
      const lines = await this.grown(outputStream(command.commandId, command.instanceId, plugin, stream));
      return lines.map((line) => ({ ...line, stream }));
    }));
    return inTimeOrder(streams.flat());
  }

  private async grown(logStreamName: string): Promise<LogLine[]> {
    const known = this.read.get(logStreamName) ?? { lines: [] };
    const more = await this.logs.streamEventsAfter(this.logGroup, logStreamName, known.token);
    if (!more) return known.lines;
    const now = { lines: [...known.lines, ...more.lines], token: more.nextToken };
    this.read.set(logStreamName, now);
    return now.lines;
  }
}

function inTimeOrder(lines: StreamLine[]): StreamLine[] {
  return lines.map((line, order) => ({ line, order }))
    .sort((a, b) => a.line.timestamp - b.line.timestamp || a.order - b.order)
    .map(({ line }) => line);
}
