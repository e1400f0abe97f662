/**
 * `npx projen fault-matrix`: runs every fault-matrix scenario in the simulator, prints a table, and ends
 * with `fault matrix: <S> scenarios, <P> passed, <F> failed, <L> leaked resources` (L: what was still there
 * after the orphan sweeper ran). Exits non-zero when a scenario failed or anything was left.
 */
import '../cli/warnings';
import { formatResults, matrixScenarios, runScenario, ScenarioResult } from '../local/fault-matrix/run-matrix';

async function main(): Promise<void> {
  const results: ScenarioResult[] = [];
  for (const scenario of matrixScenarios()) results.push(await runScenario(scenario));
  console.log(formatResults(results));
  const failed = results.some((result) => !result.passed || result.leftAfterSweep.length > 0);
  process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
