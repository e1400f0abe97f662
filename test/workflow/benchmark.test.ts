/**
 * `npx projen benchmark` bakes every example recipe over 20 seeds under each waiter policy; this runs the same
 * script with one seed and one cold start per bundle, so its tables and its last line are checked on every build.
 * It asserts what the benchmark reports, never how fast this machine is.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bakeUnder, INSTANT_EVENTS, PACKER_POLICY, THIS_PROJECT } from '../../scripts/benchmark/bake-policies';
import { percentile } from '../../scripts/benchmark/statistics';
import { exampleRecipe } from '../../scripts/example-recipes';

const ROOT = join(__dirname, '..', '..');

test('the benchmark reports each recipe under each policy, the handler bundles, and a last line that sums them up', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/benchmark.ts')], {
    cwd: ROOT, encoding: 'utf8', timeout: 240_000, env: { ...process.env, BENCHMARK_SEEDS: '1', BENCHMARK_COLD_STARTS: '1', NODE_NO_WARNINGS: '1' },
  });
  const lines = result.stdout.trim().split('\n');

  expect(result.status).toBe(0);
  expect(lines.at(-1)).toMatch(/^benchmark: overhead p50 \d+\.\d s \(Packer policy \d+\.\d s\), cold init max \d+ ms, largest bundle \d+ KB$/);
  expect(lines).toContain('windows-iis/recipe.json');
  // Four policies per recipe: this project, the same with events at once, polling only, Packer's.
  expect(lines.filter((line) => /^ {2}overhead s(\s+\d+\.\d \/ \d+\.\d){4}$/.test(line))).toHaveLength(5);
  expect(lines.filter((line) => /^cli bundle \(bin\/, the simulator included\) \d+ KB in \d+ files \(\d+ KB with the \.wasm files\); bakery --version loads \d+ KB \(entry \d+ KB\) in \d+ ms$/.test(line))).toHaveLength(1);
  expect(lines.filter((line) => /^ {2}prepare\s+\d+ KB \(\d+ KB without the SDK\)\s+cold init\s+\d+ ms \(runtime SDK \d+ ms\)$/.test(line))).toHaveLength(1);
  expect(lines.filter((line) => /^ +500 recipes \( {0,2}\d+ scheduled\)\s+\d+\.\d s real\s+\d+ resources\s+template\s+\d+ KB\s+catalog \d+ KB$/.test(line))).toHaveLength(2);
}, 300_000);

test('on the same physical times, the bakery\'s own waits end an nginx bake sooner than Packer\'s waiters, and sooner still with events at once', async () => {
  const nginx = exampleRecipe('nginx.json');
  const [bakery, packer] = [THIS_PROJECT, PACKER_POLICY];
  const overheads = async (policy: typeof bakery) => {
    const measured: number[] = [];
    for (const seed of [1, 2, 3]) measured.push((await bakeUnder(policy, nginx, seed)).overheadSeconds);
    return measured;
  };
  const ours = await overheads(bakery);
  const theirs = await overheads(packer);
  const instant = await overheads(INSTANT_EVENTS);

  expect(Math.min(...instant)).toBeGreaterThan(0);
  expect(percentile(instant, 50)).toBeLessThan(percentile(ours, 50));
  expect(percentile(ours, 50)).toBeLessThan(percentile(theirs, 50));
}, 120_000);

test('percentiles are by nearest rank', () => {
  expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95)).toBe(19);
  expect(percentile([7], 95)).toBe(7);
});
