/**
 * `bakery list [--recipe name] [--limit n]`: the bakery's newest builds, one row each. ListExecutions
 * gives status and times; DescribeExecution adds the input (the recipe) and the output (the manifest).
 */
import type { ExecutionDetails } from '../aws/step-functions';
import { parseJson } from '../bake/execution-view';
import { formatAmis, formatDuration, formatTime, table } from '../bake/format';
import { isManifest, recipeOf } from '../bake/outcome';
import { mapLimit } from '../concurrency';
import type { Session } from '../session';

export interface ListOptions {
  readonly recipe?: string;
  readonly limit: number;
}

/** Executions looked at, at most, to find `limit` builds of one recipe. */
const MAX_SCANNED = 1000;

export interface BuildRow {
  readonly buildId: string;
  readonly executionArn: string;
  readonly recipe: string;
  /** The execution's status, or SKIPPED for a bake that found no rebuild needed. */
  readonly status: string;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly seconds: number;
  readonly amis: { region: string; amiId: string }[];
}

export async function runList(session: Session, options: ListOptions): Promise<number> {
  const bakery = await session.bakery();
  const rows = await buildRows(session, bakery.stateMachineArn, options);
  const { out, colors } = session.terminal;
  if (session.json) {
    out.write(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    const which = options.recipe ? ` of recipe ${options.recipe}` : '';
    out.write(`No builds${which} on ${bakery.name} yet. Start one: bakery build <recipe>\n`);
    return 0;
  }
  const header = ['BUILD ID', 'RECIPE', 'STATUS', 'STARTED', 'DURATION', 'AMIS'];
  out.write(table(header, rows.map((row) => [
    row.buildId, row.recipe || '-', row.status, formatTime(new Date(row.startDate)), formatDuration(row.seconds), formatAmis(row.amis),
  ]), colors.bold));
  return 0;
}

async function buildRows(session: Session, stateMachineArn: string, options: ListOptions): Promise<BuildRow[]> {
  const sfn = await session.stepFunctions();
  const rows: BuildRow[] = [];
  let scanned = 0;
  let nextToken: string | undefined;
  do {
    const pageSize = options.recipe ? 100 : Math.min(options.limit - rows.length, 100);
    const page = await sfn.listExecutions(stateMachineArn, pageSize, nextToken);
    scanned += page.executions.length;
    const details = await mapLimit(page.executions, 5, (execution) => sfn.describeExecution(execution.arn));
    for (const execution of details) {
      const row = rowOf(execution);
      if (rows.length < options.limit && (!options.recipe || row.recipe === options.recipe)) rows.push(row);
    }
    nextToken = page.nextToken;
  } while (nextToken && rows.length < options.limit && scanned < MAX_SCANNED);
  return rows;
}

function rowOf(execution: ExecutionDetails): BuildRow {
  const output = parseJson(execution.output);
  const manifest = execution.status === 'SUCCEEDED' && isManifest(output) ? output : undefined;
  const end = execution.stopDate ?? new Date();
  return {
    buildId: execution.name,
    executionArn: execution.arn,
    recipe: recipeOf(execution),
    status: manifest?.status === 'SKIPPED' ? 'SKIPPED' : execution.status,
    startDate: execution.startDate.toISOString(),
    ...(execution.stopDate ? { stopDate: execution.stopDate.toISOString() } : {}),
    seconds: Math.round((end.getTime() - execution.startDate.getTime()) / 1000),
    amis: (manifest?.artifacts ?? []).map((artifact) => ({ region: artifact.region, amiId: artifact.amiId })),
  };
}
