/**
 * `bakery build <recipeName | recipe.json>`: starts a bake. Without --follow it waits only until Prepare
 * has checked the recipe (so an unknown recipe is reported at once), then prints the build id and the
 * console link; with --follow it shows the bake live and ends with its manifest.
 */
import { dirname } from 'node:path';
import { localSources, stageLocalSources } from '../../src/staging/local-sources';
import { formatStagingLocation } from '../../src/staging/staging-location';
import { buildInput, checkBuildId, newBuildId } from '../bake/build-input';
import { ExecutionView } from '../bake/execution-view';
import { followBake } from '../bake/follow';
import { followOutput, StartInfo } from '../bake/follow-output';
import { consoleUrl } from '../bake/format';
import { Outcome, outcomeOf } from '../bake/outcome';
import { prepareError } from '../bake/prepare-errors';
import { summaryLines } from '../bake/summary';
import { stagingLocationOf } from '../find-bakery';
import type { Session } from '../session';
import { leave, reportFollowResult } from './follow-result';
import { liveOutputOf } from './live-output';

export interface BuildOptions {
  readonly follow?: boolean;
  readonly override: string[];
  readonly name?: string;
  /** Seconds between two polls. */
  readonly interval: number;
}

/** Longest wait for Prepare without --follow. */
const PREPARE_WAIT_MS = 30_000;

export async function runBuild(session: Session, recipeArgument: string, options: BuildOptions): Promise<number> {
  const { input, recipe, file } = buildInput(recipeArgument, options.override);
  const buildId = options.name === undefined ? newBuildId(recipe) : checkBuildId(options.name);
  const sfn = await session.stepFunctions();
  const bakery = await session.bakery();
  const staged = file === undefined ? input : await withStagedFiles(session, input, file);
  const started = await sfn.startExecution(bakery.stateMachineArn, buildId, staged);
  const info: StartInfo = {
    buildId,
    executionArn: started.arn,
    recipe,
    stateMachine: bakery.name,
    consoleUrl: consoleUrl(started.arn),
    startDate: started.startDate,
    attached: false,
  };
  if (options.follow) {
    const output = followOutput(session.terminal, session.json);
    const result = await followBake(sfn, info, output, {
      intervalMs: options.interval * 1000,
      leave: (message) => leave(session, output, message),
      liveOutput: await liveOutputOf(session),
    });
    return reportFollowResult(session, info, output, result);
  }
  return startedOnly(session, info, Math.min(options.interval * 1000, 1000));
}

/** The input with the recipe's local files uploaded to the bakery's staging location and named there by URI. */
async function withStagedFiles(session: Session, input: Record<string, unknown>, file: string): Promise<Record<string, unknown>> {
  const sources = localSources(input.recipe, dirname(file));
  if (sources.length === 0) return input;
  const location = await stagingLocationOf(await session.stepFunctions(), await session.bakery());
  const recipe = await stageLocalSources(input.recipe, dirname(file), location, await session.staging(location.bucket));
  if (!session.json) session.terminal.err.write(`Staged ${sources.map((source) => source.given).join(', ')} in ${formatStagingLocation(location)}\n`);
  return { ...input, recipe };
}

/** Waits until Prepare has checked the recipe (or the bake ended), then says where the bake is. */
async function startedOnly(session: Session, info: StartInfo, intervalMs: number): Promise<number> {
  const sfn = await session.stepFunctions();
  const view = new ExecutionView();
  const deadline = Date.now() + PREPARE_WAIT_MS;
  let ended: { outcome: Outcome; seconds: number } | undefined;
  for (;;) {
    const execution = await sfn.describeExecution(info.executionArn);
    view.apply(await sfn.eventsAfter(info.executionArn, view.lastEventId));
    if (execution.status !== 'RUNNING') {
      const outcome = outcomeOf(execution, view);
      const error = prepareError(outcome, info.consoleUrl);
      if (error) throw error;
      ended = { outcome, seconds: ((execution.stopDate ?? new Date()).getTime() - execution.startDate.getTime()) / 1000 };
      break;
    }
    if (view.state?.build || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const { out, colors } = session.terminal;
  if (session.json) {
    const end = ended ? { status: ended.outcome.status, succeeded: ended.outcome.succeeded, manifest: ended.outcome.manifest } : { status: 'RUNNING' };
    out.write(`${JSON.stringify({ ...startedJson(info), ...end })}\n`);
    return ended && !ended.outcome.succeeded ? 1 : 0;
  }
  out.write(`Started build ${colors.bold(info.buildId)} of recipe ${info.recipe} on ${info.stateMachine}\n`);
  if (info.consoleUrl) out.write(`  console: ${info.consoleUrl}\n`);
  if (!ended) {
    out.write(`  follow:  bakery status ${info.buildId} --follow\n`);
    return 0;
  }
  // A bake can end at once: a rebuild that is not needed (SKIPPED).
  for (const line of summaryLines(ended.outcome, ended.seconds, colors)) out.write(`${line}\n`);
  return ended.outcome.succeeded ? 0 : 1;
}

function startedJson(info: StartInfo) {
  const { buildId, executionArn, recipe, stateMachine, consoleUrl: url } = info;
  return { buildId, executionArn, recipe, stateMachine, consoleUrl: url };
}
