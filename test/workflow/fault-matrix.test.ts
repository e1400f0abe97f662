import { formatResults, matrixScenarios, runScenario, ScenarioResult } from '../../local/fault-matrix/run-matrix';

const scenarios = matrixScenarios();

describe('the fault matrix', () => {
  test('covers every operation, every state and every runner function over four recipes', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(450);
    const names = scenarios.map((scenario) => scenario.name);
    expect(names).toContain('ubuntu-reboot RunInstances throttled 3 times');
    expect(names).toContain('al2023-filter stopped in "Check image"');
    expect(names).toContain('ubuntu-reboot Lambda crash in cleanup-failure');
    expect(names).toContain('ubuntu-distributed CopyImage never ready');
    expect(names).toContain('ubuntu-distributed stopped in "Wait for copy"');
    expect(names).not.toContain('ubuntu-reboot stopped in "Wait for copy"');
    expect(names).toContain('ubuntu-files every download fails');
    expect(names).toContain('ubuntu-files GetObject hard error');
    expect(new Set(names).size).toBe(names.length);
  });

  // A representative third here; `npx projen fault-matrix` runs them all.
  test.each(scenarios.filter((_, index) => index % 3 === 0).map((scenario) => [scenario.name, scenario]))(
    '%s', async (_name, scenario) => {
      const result = await runScenario(scenario);
      expect(result.problems).toEqual([]);
    });

  test('the summary line counts failures, and leaks by what the sweeper left', () => {
    const scenario = scenarios[0];
    const leaked = ['i-0123456789abcdef0', 'vol-0123456789abcdef0', 'ami-0123456789abcdef0'];
    const results: ScenarioResult[] = [
      { scenario, status: 'SUCCEEDED', leaked: [], leftAfterSweep: [], passed: true, problems: [] },
      { scenario, status: 'FAILED', phase: 'launch', leaked, leftAfterSweep: leaked.slice(0, 2), passed: false, problems: ['left after the sweeper'] },
    ];
    const lines = formatResults(results).split('\n');
    expect(lines[0]).toMatch(/leaked {2}after sweep$/);
    expect(lines[2]).toMatch(/^FAIL {2}.* 3 {12}2 {2}left after the sweeper$/);
    expect(lines[lines.length - 1]).toBe('fault matrix: 2 scenarios, 1 passed, 1 failed, 2 leaked resources');
  });
});
