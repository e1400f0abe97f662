/**
 * Benchmark of the simulator: how long synthesis and one simulated bake take in real time, against the
 * simulated time the bake represents. Run it with `npx projen benchmark`; numbers vary with the machine,
 * so compare the ratios of one run rather than absolute times across runs.
 */
import '../cli/warnings';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulateBake } from '../local/simulate-bake';

const RUNS = Number(process.env.BENCHMARK_RUNS ?? 5);
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
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
