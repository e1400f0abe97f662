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

/** Standard output and error of one command, in time order (standard output first at the same instant). */
export async function commandOutput(
  logs: LogsApi, logGroup: string, command: StepCommand, plugin: string,
): Promise<(LogLine & { stream: string })[]> {
  const streams = await Promise.all(STREAMS.map(async (stream) => {
    const events = await logs.streamEvents(logGroup, outputStream(command.commandId, command.instanceId, plugin, stream));
    return (events ?? []).map((event) => ({ ...event, stream }));
  }));
  return streams.flat().map((line, order) => ({ line, order }))
    .sort((a, b) => a.line.timestamp - b.line.timestamp || a.order - b.order)
    .map(({ line }) => line);
}
