/**
 * `bakery logs <buildId> [--step n]`: the whole output of the build's provisioning commands. The command
 * ids come from the execution history (what "Start provisioning step" returned); SSM Run Command wrote each
 * command's output to `<commandId>/<instanceId>/<plugin>/stdout` and `.../stderr` (see `output-streams.ts`)
 * in the log group named by the state machine's `cdk-ami-bakery:output-log-group` tag.
 */
import { commandOutput, commandPlugin } from '../bake/command-output';
import { ExecutionView } from '../bake/execution-view';
import { CliError } from '../errors';
import { outputLogGroupOf } from '../find-bakery';
import type { Session } from '../session';

export interface LogsOptions {
  readonly step?: number;
}

export async function runLogs(session: Session, buildId: string, options: LogsOptions): Promise<number> {
  const executionArn = await session.executionArn(buildId);
  const sfn = await session.stepFunctions();
  const logGroup = await outputLogGroupOf(sfn, await session.bakery());
  const view = new ExecutionView();
  view.apply(await sfn.eventsAfter(executionArn, 0));
  const count = view.state?.provision?.count ?? view.state?.build?.recipe.steps.length ?? 0;
  const commands = view.commands.filter((command) => options.step === undefined || command.step === options.step);
  if (commands.length === 0) throw noCommands(buildId, options.step, view);
  const { out, err, colors } = session.terminal;
  for (const command of commands) {
    const lines = await commandOutput(await session.logs(), logGroup, command, commandPlugin(view.state, command));
    if (session.json) {
      for (const line of lines) out.write(`${JSON.stringify({ step: command.step, commandId: command.commandId, ...line })}\n`);
      continue;
    }
    // One command: its output alone, ready to pipe. Several: a header before each, as `tail` does for several files.
    if (commands.length > 1) out.write(`${colors.bold(`==> step ${command.step} of ${count}: command ${command.commandId} on ${command.instanceId} <==`)}\n`);
    if (lines.length === 0) err.write(`bakery: no output in ${logGroup} for step ${command.step} (command ${command.commandId}) yet\n`);
    for (const line of lines) {
      const text = line.message.endsWith('\n') ? line.message : `${line.message}\n`;
      out.write(line.stream === 'stderr' ? colors.red(text) : text);
    }
  }
  return 0;
}

function noCommands(buildId: string, step: number | undefined, view: ExecutionView): CliError {
  const ran = new Set(view.commands.map((command) => command.step)).size;
  const count = view.state?.provision?.count ?? view.state?.build?.recipe.steps.length;
  if (step === undefined) {
    return new CliError(`build ${buildId} ran no provisioning step`, `bakery status ${buildId} shows where it is`);
  }
  if (count !== undefined && step > count) {
    return new CliError(`build ${buildId} has ${count} step(s), not ${step}`, `pass --step 1 to --step ${count}`);
  }
  return new CliError(`step ${step} of build ${buildId} has not started (${ran} step(s) started)`, `bakery status ${buildId} shows where it is`);
}
