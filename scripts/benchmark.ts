/**
 * `npx projen benchmark`: the bakery's speed and cost, side by side with polling only and a Packer-like waiter policy, in one run.
 *
 * - Each example recipe is baked in the simulator over `BENCHMARK_SEEDS` seeds (default 20) under each waiter
 *   policy (scripts/benchmark/bake-policies.ts). For each it prints p50 and p95 of simulated bake time, overhead
 *   above the physical chain, state transitions, Lambda invocations, history events, AWS API calls and cost.
 * - Each handler bundle's size and cold init (median over `BENCHMARK_COLD_STARTS` fresh processes, default 7).
 * - Synthesis time of the simulator's bakery, and of a bakery with `BENCHMARK_SYNTH_RECIPES` realistic recipes
 *   (default 500), unscheduled and with as many scheduled as fit (scripts/benchmark/many-recipes.ts).
 *
 * The last line is `benchmark: overhead p50 <X> s (Packer policy <Y> s), cold init max <Z> ms, largest bundle <W> KB`,
 * with the overhead of the nginx example. Machines are noisy: compare ratios within one run, not times across runs.
 */
import '../cli/warnings';
import { BakeMeasure, bakeUnder, PACKER_POLICY, POLICIES, THIS_PROJECT } from './benchmark/bake-policies';
import { describeCliBundle, measureCliBundle } from './benchmark/cli-bundle';
import { HandlerBundle, measureHandlerBundles } from './benchmark/handler-bundles';
import { measureSynth, reportSynth } from './benchmark/many-recipes';
import { median, percentile } from './benchmark/statistics';
import { EXAMPLE_RECIPE_FILES, exampleRecipe } from './example-recipes';
import { simulatedBakery } from '../local/simulate-bake';

const SEEDS = Number(process.env.BENCHMARK_SEEDS ?? 20);
const COLD_STARTS = Number(process.env.BENCHMARK_COLD_STARTS ?? 7);
const SYNTH_RECIPES = Number(process.env.BENCHMARK_SYNTH_RECIPES ?? 500);
/** Scheduled recipes that fit in one stack beside the bakery's own resources and the unscheduled rest. */
const SCHEDULED_THAT_FIT = 390;
/** The recipe whose overhead the last line reports. */
const HEADLINE_RECIPE = 'nginx.json';

type Metric = [label: string, pick: (bake: BakeMeasure) => number, format: (value: number) => string];
const METRICS: Metric[] = [
  ['bake s', (bake) => bake.seconds, (value) => value.toFixed(0)],
  ['overhead s', (bake) => bake.overheadSeconds, (value) => value.toFixed(1)],
  ['transitions', (bake) => bake.transitions, String],
  ['invocations', (bake) => bake.invocations, String],
  ['history events', (bake) => bake.historyEvents, String],
  ['API calls', (bake) => bake.apiCalls, String],
  ['cost $', (bake) => bake.costUsd, (value) => value.toFixed(5)],
];

const kb = (bytes: number) => (bytes / 1024).toFixed(0);
const p50p95 = (values: number[], format: (value: number) => string) => `${format(percentile(values, 50))} / ${format(percentile(values, 95))}`;

/** Every example recipe under every policy; prints a table per recipe and returns nginx's overhead p50 by policy. */
async function benchmarkBakes(): Promise<Map<string, number>> {
  const headline = new Map<string, number>();
  console.log(`bakes: p50 / p95 over ${SEEDS} seeds, simulated time`);
  for (const file of EXAMPLE_RECIPE_FILES) {
    const recipe = exampleRecipe(file);
    console.log(`\n${file}`);
    console.log(`  ${''.padEnd(16)}${POLICIES.map((policy) => policy.name.padStart(22)).join('')}`);
    const measured = new Map<string, BakeMeasure[]>();
    for (const policy of POLICIES) {
      const bakes: BakeMeasure[] = [];
      for (let seed = 1; seed <= SEEDS; seed++) bakes.push(await bakeUnder(policy, recipe, seed));
      measured.set(policy.name, bakes);
      if (file === HEADLINE_RECIPE) headline.set(policy.name, median(bakes.map((bake) => bake.overheadSeconds)));
    }
    for (const [label, pick, format] of METRICS) {
      const cells = POLICIES.map((policy) => p50p95(measured.get(policy.name)!.map(pick), format).padStart(22));
      console.log(`  ${label.padEnd(16)}${cells.join('')}`);
    }
  }
  return headline;
}

/** One line per handler bundle. */
function reportBundles(bundles: HandlerBundle[]): void {
  console.log(`\nhandler bundles (cold init: median of ${COLD_STARTS} fresh processes; runtime SDK: the same handler loading the runtime's client packages)`);
  for (const bundle of bundles) {
    console.log(`  ${bundle.handler.padEnd(16)} ${kb(bundle.bytes).padStart(4)} KB (${kb(bundle.bytes - bundle.sdkBytes).padStart(3)} KB without the SDK)  `
      + `cold init ${bundle.coldInitMs.toFixed(0).padStart(4)} ms (runtime SDK ${bundle.runtimeSdkColdInitMs.toFixed(0)} ms)`);
  }
}

async function main(): Promise<void> {
  const synthStart = performance.now();
  simulatedBakery();
  console.log(`synthesis of the simulator's bakery: ${(performance.now() - synthStart).toFixed(0)} ms real\n`);
  const bakesStart = performance.now();
  const overhead = await benchmarkBakes();
  console.log(`\n${EXAMPLE_RECIPE_FILES.length * POLICIES.length * SEEDS} bakes in ${((performance.now() - bakesStart) / 1000).toFixed(0)} s real`);
  const bundles = await measureHandlerBundles(COLD_STARTS);
  reportBundles(bundles);
  const cli = measureCliBundle(COLD_STARTS);
  console.log(`\n${describeCliBundle(cli)}`);
  reportSynth([measureSynth(SYNTH_RECIPES, 0), measureSynth(SYNTH_RECIPES, Math.min(SYNTH_RECIPES, SCHEDULED_THAT_FIT))]);
  const coldInitMax = Math.max(...bundles.map((bundle) => bundle.coldInitMs));
  const largest = Math.max(...bundles.map((bundle) => bundle.bytes));
  console.log(`benchmark: overhead p50 ${overhead.get(THIS_PROJECT.name)!.toFixed(1)} s (Packer policy ${overhead.get(PACKER_POLICY.name)!.toFixed(1)} s), `
    + `cold init max ${coldInitMax.toFixed(0)} ms, largest bundle ${kb(largest)} KB`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
