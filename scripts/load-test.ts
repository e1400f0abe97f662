/**
 * `npx projen load-test`: many bakes of the example recipes at once, in one simulated account with AWS's real
 * API rate limits, on one virtual clock, as concurrent executions of one state machine would run. Prints one line
 * per recipe and, last, `load test: <N> concurrent bakes, <S> succeeded, <F> failed, <L> leaked resources`.
 * Exits non-zero when a bake failed or anything was left behind.
 *
 * Options: `--bakes <n>` (default 100), `--seed <n>` (default 1).
 */
import '../cli/warnings';
import { EXAMPLE_RECIPE_FILES, exampleRecipe } from './example-recipes';
import { SimulatedAccount } from '../local/model';
import { simulateBakes, SimulateBakeOptions, SimulatedBake } from '../local/simulate-bake';
const START = new Date('2030-09-01T08:00:00Z');
/** The bakes start within this much virtual time of each other, as a burst of schedules or CI jobs would. */
const START_SPREAD_MS = 60_000;

interface Options {
  readonly bakes: number;
  readonly seed: number;
}

function readOptions(argv: readonly string[]): Options {
  const value = (flag: string, fallback: number): number => {
    const index = argv.indexOf(flag);
    if (index < 0) return fallback;
    const parsed = Number(argv[index + 1]);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} takes a whole number from 1, not '${argv[index + 1] ?? ''}'`);
    return parsed;
  };
  return { bakes: value('--bakes', 100), seed: value('--seed', 1) };
}

/**
 * The n-th bake: an example recipe under a name of its own (image names and parameters are unique per account and
 * region, and each bake keeps its own retention), starting at its moment of the spread.
 */
function bakeNumber(n: number, total: number): SimulateBakeOptions {
  const { document, folder } = exampleRecipe(EXAMPLE_RECIPE_FILES[n % EXAMPLE_RECIPE_FILES.length]);
  const name = `${document.name}-${n + 1}`;
  const recipe = {
    ...document,
    name,
    ami: { ...document.ami, name: `${name}-{{timestamp}}` },
    ...(document.distribution?.ssmParameter ? { distribution: { ...document.distribution, ssmParameter: `/images/${name}/latest` } } : {}),
  };
  return {
    recipe,
    stageFrom: folder,
    executionName: `${name}-load`,
    startTime: new Date(START.getTime() + Math.floor((n * START_SPREAD_MS) / total)),
  };
}

/** What the bakes made that is still in the account and was not handed over as an artifact. */
function leftBehind(account: SimulatedAccount, bakes: readonly SimulatedBake[]): string[] {
  const handedOver = bakes.flatMap((bake) => bake.manifest.artifacts.flatMap((artifact) => [artifact.amiId, ...artifact.snapshotIds]));
  return account.leakedResources(START.getTime(), handedOver);
}

function summary(bakes: readonly SimulatedBake[]): string[] {
  const byRecipe = new Map<string, SimulatedBake[]>();
  for (const bake of bakes) {
    const recipe = bake.executionName.replace(/-\d+-load$/, '');
    byRecipe.set(recipe, [...byRecipe.get(recipe) ?? [], bake]);
  }
  return [...byRecipe].map(([recipe, runs]) => {
    const seconds = runs.map((run) => run.simulatedSeconds).sort((a, b) => a - b);
    const failures = runs.filter((run) => run.status !== 'SUCCEEDED').map((run) => `${run.executionName}: ${run.error?.name ?? run.status}`);
    return `${recipe.padEnd(20)} ${String(runs.length).padStart(4)} bakes, median ${seconds[Math.floor(seconds.length / 2)]} s simulated`
      + `${failures.length ? `; failed: ${failures.join(', ')}` : ''}`;
  });
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const account = new SimulatedAccount({ seed: options.seed });
  const startedAt = process.hrtime.bigint();
  const bakes = await simulateBakes(account, Array.from({ length: options.bakes }, (_, n) => bakeNumber(n, options.bakes)));
  const realSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const succeeded = bakes.filter((bake) => bake.status === 'SUCCEEDED').length;
  const leaked = leftBehind(account, bakes);
  const throttled = account.calls.filter((call) => call.error === 'RequestLimitExceeded' || call.error === 'ThrottlingException').length;
  for (const line of summary(bakes)) console.log(line);
  console.log(`${account.calls.length} API calls, ${throttled} throttled; ${realSeconds.toFixed(1)} s real time`);
  if (leaked.length > 0) console.log(`left behind: ${leaked.join(', ')}`);
  console.log(`load test: ${bakes.length} concurrent bakes, ${succeeded} succeeded, ${bakes.length - succeeded} failed, ${leaked.length} leaked resources`);
  process.exitCode = succeeded === bakes.length && leaked.length === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
