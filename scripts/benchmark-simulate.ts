/**
 * Benchmark of the simulator and the handlers: how long synthesis and one simulated bake take in real time,
 * against the simulated time the bake represents, and each handler bundle's size and cold init. Run it with `npx projen benchmark`; numbers vary with the machine,
 * so compare the ratios of one run rather than absolute times across runs.
 */
import '../cli/warnings';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulateBake } from '../local/simulate-bake';
import { HandlerBundle, measureHandlerBundles } from './benchmark/handler-bundles';

const RUNS = Number(process.env.BENCHMARK_RUNS ?? 5);
/** Fresh processes per handler bundle for its cold init. */
const COLD_STARTS = Number(process.env.BENCHMARK_COLD_STARTS ?? 7);
const exampleRecipe = (file: string) => JSON.parse(readFileSync(join(__dirname, '..', 'examples', 'recipes', file), 'utf8'));
const recipe = exampleRecipe('nginx.json');
/** Copies to two more regions, shares the image and sets an SSM parameter in three regions. */
const distributed = exampleRecipe('web-distributed.json');

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

async function main(): Promise<void> {
  const first = await timed(() => simulateBake({ recipe, seed: 1 }));
  const bakes: { ms: number; simulatedSeconds: number; failedMs: number; distributedMs: number; distributedSeconds: number }[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const ok = await timed(() => simulateBake({ recipe, seed: run }));
    const failed = await timed(() => simulateBake({ recipe, seed: run, faults: ['step:2:fail'] }));
    const copied = await timed(() => simulateBake({ recipe: distributed, seed: run }));
    if (ok.result.status !== 'SUCCEEDED' || failed.result.status !== 'FAILED' || copied.result.status !== 'SUCCEEDED') {
      throw new Error(`run ${run}: unexpected outcome`);
    }
    bakes.push({
      ms: ok.ms,
      simulatedSeconds: ok.result.simulatedSeconds,
      failedMs: failed.ms,
      distributedMs: copied.ms,
      distributedSeconds: copied.result.simulatedSeconds,
    });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const bakeMs = median(bakes.map((bake) => bake.ms));
  const simulated = median(bakes.map((bake) => bake.simulatedSeconds));
  console.log(`first bake (synthesis + bake): ${first.ms.toFixed(0)} ms real`);
  console.log(`synthesis (first bake minus a later one): ${(first.ms - bakeMs).toFixed(0)} ms real`);
  console.log(`successful bake, median of ${RUNS}: ${bakeMs.toFixed(0)} ms real for ${simulated} s simulated (${(simulated * 1000 / bakeMs).toFixed(0)}x)`);
  console.log(`failed bake (step 2 fails, cleanup), median of ${RUNS}: ${median(bakes.map((bake) => bake.failedMs)).toFixed(0)} ms real`);
  console.log(`bake with copies to 2 regions, sharing and SSM parameters, median of ${RUNS}: `
    + `${median(bakes.map((bake) => bake.distributedMs)).toFixed(0)} ms real for ${median(bakes.map((bake) => bake.distributedSeconds))} s simulated`);
  reportBundles(await measureHandlerBundles(COLD_STARTS));
}

const kb = (bytes: number) => (bytes / 1024).toFixed(0);

/** One line per handler bundle, then the largest bundle and the slowest cold init. */
function reportBundles(bundles: HandlerBundle[]): void {
  console.log(`\nhandler bundles (cold init: median of ${COLD_STARTS} fresh processes; runtime SDK: the same handler loading the runtime's client packages)`);
  for (const bundle of bundles) {
    console.log(`  ${bundle.handler.padEnd(16)} ${kb(bundle.bytes).padStart(4)} KB (${kb(bundle.bytes - bundle.sdkBytes).padStart(3)} KB without the SDK)  `
      + `cold init ${bundle.coldInitMs.toFixed(0).padStart(4)} ms (runtime SDK ${bundle.runtimeSdkColdInitMs.toFixed(0)} ms)`);
  }
  const largest = bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const slowest = bundles.reduce((a, b) => (b.coldInitMs > a.coldInitMs ? b : a));
  const ownCode = Math.max(...bundles.map((bundle) => bundle.bytes - bundle.sdkBytes));
  console.log(`handlers: cold init max ${slowest.coldInitMs.toFixed(0)} ms (${slowest.handler}), largest bundle ${kb(largest.bytes)} KB `
    + `(${largest.handler}), largest without the SDK ${kb(ownCode)} KB`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
