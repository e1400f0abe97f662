/**
 * Runs fault-matrix scenarios in the simulator and judges each: the bake must end in the expected status,
 * a failure must name the expected phase, and the simulated account must hold nothing the bake made and
 * did not hand over.
 */
import { join } from 'node:path';
import { buildScenarios, MATRIX_FILES_DIR, MATRIX_RECIPES, Scenario } from './scenarios';
import { simulatedBakery, simulateBake } from '../simulate-bake';

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly status: string;
  readonly phase?: string;
  readonly leaked: string[];
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
  if (leaked.length > 0) problems.push(`leaked ${leaked.join(', ')}`);
  return { scenario, status: bake.status, phase, leaked, passed: problems.length === 0, problems };
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
    result.problems.join('; '),
  ].join('  ').trimEnd());
  const header = ['    ', 'scenario'.padEnd(width), 'status   ', 'phase         ', 'leaked'].join('  ');
  return [header, ...rows, summaryLine(results)].join('\n');
}

export function summaryLine(results: readonly ScenarioResult[]): string {
  const passed = results.filter((result) => result.passed).length;
  const leaked = results.reduce((total, result) => total + result.leaked.length, 0);
  return `fault matrix: ${results.length} scenarios, ${passed} passed, ${results.length - passed} failed, ${leaked} leaked resources`;
}
