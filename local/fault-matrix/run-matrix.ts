/**
 * Runs fault-matrix scenarios in the simulator and judges each: the bake must end in the expected status,
 * a failure must name the expected phase, and the simulated account must hold nothing the bake made and
 * did not hand over. A bake may leave something only when it said so (its cleanup failed: `CleanupFailed`);
 * then, once the outage is over, the orphan sweeper runs, and nothing may be left after it.
 */
import { join } from 'node:path';
import { buildScenarios, MATRIX_FILES_DIR, MATRIX_RECIPES, Scenario } from './scenarios';
import type { SimulatedAccount } from '../model';
import { simulatedBakery, simulateBake, simulateSweep } from '../simulate-bake';

/** When the sweeper runs after a bake that left something: after the bakery's longest bake, as its schedule would. */
const SWEEP_AFTER_MS = 5 * 3_600_000;

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly status: string;
  readonly phase?: string;
  /** What the bake left (the simulator's account, not the bake's word). */
  readonly leaked: string[];
  /** What was still there after the outage ended and the orphan sweeper ran (only run when the bake left something). */
  readonly leftAfterSweep: string[];
  readonly passed: boolean;
  /** Why a scenario did not pass. */
  readonly problems: string[];
}

/** Every scenario of the matrix for the bakery the simulator synthesizes. */
export function matrixScenarios(): Scenario[] {
  const states = simulatedBakery().definition.States as Record<string, { ItemProcessor?: { States: object } }>;
  const copyStates = Object.values(states).flatMap((state) => Object.keys(state.ItemProcessor?.States ?? {}));
  return buildScenarios(Object.keys(states), copyStates);
}

export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const bake = await simulateBake({
    recipe: MATRIX_RECIPES[scenario.recipe],
    stageFrom: join(__dirname, '../..', MATRIX_FILES_DIR),
    faults: scenario.faults,
    abortAtState: scenario.abortAtState,
    seed: 7,
  });
  const phase = bake.manifest.error?.phase;
  const problems: string[] = [];
  if (bake.status !== scenario.expected.status) problems.push(`ended ${bake.status}, expected ${scenario.expected.status} (${bake.error?.name ?? ''})`);
  if (scenario.expected.phase && phase !== scenario.expected.phase) problems.push(`failed in ${phase}, expected ${scenario.expected.phase}`);
  if (bake.status !== 'SUCCEEDED' && !bake.error?.cause) problems.push('no failure cause');
  const leaked = bake.manifest.leakedResources;
  if (leaked.length > 0 && bake.error?.name !== 'CleanupFailed') problems.push(`leaked ${leaked.join(', ')} without saying so`);
  const leftAfterSweep = leaked.length > 0 ? await sweepAfterOutage(bake.account, leaked) : [];
  if (leftAfterSweep.length > 0) problems.push(`left after the sweeper: ${leftAfterSweep.join(', ')}`);
  return { scenario, status: bake.status, phase, leaked, leftAfterSweep, passed: problems.length === 0, problems };
}

/** Ends every fault, runs the orphan sweeper once the bake's time is up, and returns what of `leaked` is still there. */
async function sweepAfterOutage(account: SimulatedAccount, leaked: readonly string[]): Promise<string[]> {
  account.faults.clear();
  await simulateSweep(account, new Date(account.now() + SWEEP_AFTER_MS));
  const remaining = new Set(account.leakedResources());
  return leaked.filter((id) => remaining.has(id));
}

/** The table and the summary line the `fault-matrix` task prints. */
export function formatResults(results: readonly ScenarioResult[]): string {
  const width = Math.max(...results.map((result) => result.scenario.name.length));
  const rows = results.map((result) => [
    result.passed ? 'pass' : 'FAIL',
    result.scenario.name.padEnd(width),
    result.status.padEnd(9),
    (result.phase ?? '-').padEnd(14),
    String(result.leaked.length).padStart(6),
    String(result.leftAfterSweep.length).padStart(11),
    result.problems.join('; '),
  ].join('  ').trimEnd());
  const header = ['    ', 'scenario'.padEnd(width), 'status   ', 'phase         ', 'leaked', 'after sweep'].join('  ');
  return [header, ...rows, summaryLine(results)].join('\n');
}

/** `fault matrix: N scenarios, P passed, F failed, L leaked resources`; L counts what was left after the sweeper. */
export function summaryLine(results: readonly ScenarioResult[]): string {
  const passed = results.filter((result) => result.passed).length;
  const leaked = results.reduce((total, result) => total + result.leftAfterSweep.length, 0);
  return `fault matrix: ${results.length} scenarios, ${passed} passed, ${results.length - passed} failed, ${leaked} leaked resources`;
}
