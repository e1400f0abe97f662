/**
 * `bakery status <buildId> [--follow]`: one build. Running: its phase, step n of m and the last lines of
 * output; ended: its manifest in short. With --follow a running build is shown live until it ends.
 */
import { ExecutionView } from '../bake/execution-view';
import { followBake } from '../bake/follow';
import { followOutput, StartInfo } from '../bake/follow-output';
import { cleanLine, consoleUrl, formatDuration, formatTime } from '../bake/format';
import { outcomeOf, recipeOf } from '../bake/outcome';
import { summaryLines } from '../bake/summary';
import type { Session } from '../session';
import { leave, reportFollowResult } from './follow-result';
import { liveOutputOf } from './live-output';

export interface StatusOptions {
  readonly follow?: boolean;
  /** Seconds between two polls, with --follow. */
  readonly interval: number;
}

export async function runStatus(session: Session, buildId: string, options: StatusOptions): Promise<number> {
  // The ARN first: an execution ARN names the region the clients are made for.
  const executionArn = await session.executionArn(buildId);
  const sfn = await session.stepFunctions();
  const execution = await sfn.describeExecution(executionArn);
  const info: StartInfo = {
    buildId: execution.name,
    executionArn,
    recipe: recipeOf(execution),
    stateMachine: execution.stateMachineArn.split(':')[6] ?? '',
    consoleUrl: consoleUrl(executionArn),
    startDate: execution.startDate,
    attached: true,
  };
  if (options.follow && execution.status === 'RUNNING') {
    const output = followOutput(session.terminal, session.json);
    const result = await followBake(sfn, info, output, {
      intervalMs: options.interval * 1000,
      leave: (message) => leave(session, output, message),
      liveOutput: await liveOutputOf(session),
    });
    return reportFollowResult(session, info, output, result);
  }
  const view = new ExecutionView();
  view.apply(await sfn.eventsAfter(executionArn, 0));
  const end = execution.stopDate ?? new Date();
  const seconds = (end.getTime() - execution.startDate.getTime()) / 1000;
  const running = execution.status === 'RUNNING';
  const outcome = running ? undefined : outcomeOf(execution, view);
  const snapshot = view.snapshot();
  const { out, colors } = session.terminal;
  if (session.json) {
    out.write(`${JSON.stringify({
      buildId: info.buildId,
      executionArn,
      recipe: info.recipe,
      status: outcome?.manifest.status === 'SKIPPED' ? 'SKIPPED' : execution.status,
      succeeded: outcome?.succeeded ?? false,
      startDate: execution.startDate.toISOString(),
      ...(execution.stopDate ? { stopDate: execution.stopDate.toISOString() } : {}),
      seconds: Math.round(seconds),
      ...(running ? {
        phase: snapshot.phase ?? null,
        step: snapshot.step ?? null,
        stepCount: snapshot.count ?? null,
        state: snapshot.stateName ?? null,
        outputTail: snapshot.tail,
      } : {}),
      ...(outcome?.error ? { error: outcome.error } : {}),
      ...(outcome?.cause ? { cause: outcome.cause } : {}),
      ...(outcome ? { manifest: outcome.manifest } : {}),
      consoleUrl: info.consoleUrl,
    })}\n`);
    return options.follow && outcome && !outcome.succeeded ? 1 : 0;
  }
  const field = (name: string, value: string) => out.write(`${colors.bold(name.padEnd(9))}${value}\n`);
  field('Build', info.buildId);
  field('Recipe', info.recipe || '-');
  field('Started', `${formatTime(execution.startDate)} (${running ? `running for ${formatDuration(seconds)}` : `took ${formatDuration(seconds)}`})`);
  if (info.consoleUrl) field('Console', info.consoleUrl);
  if (running) {
    const step = snapshot.step !== undefined ? `, step ${snapshot.step} of ${snapshot.count}` : '';
    field('Status', `${colors.cyan('RUNNING')} in ${snapshot.phase ?? 'prepare'}${step}${snapshot.stateName ? ` (${snapshot.stateName})` : ''}`);
    for (const line of snapshot.tail) out.write(`  ${colors.dim('│')} ${cleanLine(line)}\n`);
    out.write(`${colors.dim(`Follow it: bakery status ${info.buildId} --follow`)}\n`);
    return 0;
  }
  const { manifest } = outcome!;
  if (manifest.phases.length > 0) field('Phases', manifest.phases.map((phase) => `${phase.name} ${formatDuration(phase.seconds)}`).join(', '));
  const results = [['Steps', manifest.steps], ['Tests', manifest.tests ?? []], ['On failure', manifest.onFailure ?? []]] as const;
  for (const [label, list] of results) {
    if (list.length > 0) field(label, list.map((step) => `${step.step} ${step.kind} ${step.status} ${formatDuration(step.seconds)}`).join(', '));
  }
  for (const line of summaryLines(outcome!, seconds, colors)) out.write(`${line}\n`);
  // With --follow the exit code says how the bake ended, as it does for `build --follow`.
  return options.follow && !outcome!.succeeded ? 1 : 0;
}
