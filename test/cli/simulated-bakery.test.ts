/**
 * `bakery --simulate FILE ...`: the AWS commands against the local simulator, end to end. The real state
 * machine and handlers bake in a simulated account kept in FILE; the CLI follows, lists, shows and reads
 * the output of that bake as it would in AWS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnvironment, ROOT } from './fixtures/run-bakery';

const state = join(mkdtempSync(join(tmpdir(), 'bakery-simulate-')), 'dev.bakery-state.json');

function bakery(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/bakery.ts'), '--simulate', state, '--speed', '3000', ...args], {
    cwd: ROOT, env: cliEnvironment(), encoding: 'utf8', timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each run synthesizes the simulated bakery (a few seconds), so this follows one bake and reads its output.
test('build --follow, then the logs of that build', () => {
  const build = bakery('build', 'examples/recipes/nginx.json', '--follow', '--interval', '0.05', '--name', 'nginx-sim-1');
  expect(build.stderr).toBe('');
  expect(build.code).toBe(0);
  for (const phase of ['prepare', 'launch', 'wait-for-agent', 'provision', 'stop', 'create-image', 'distribute', 'cleanup']) {
    expect(build.stdout).toMatch(new RegExp(`^  \\d\\d:\\d\\d:\\d\\d  ${phase} +ok `, 'm'));
  }
  expect(build.stdout).toContain('step 3/3 started: shell: smoke test');
  expect(build.stdout).toMatch(/^SUCCEEDED in \d+ min \d+ s: ami-\w+ \(nginx-\d+, us-east-1\)$/m);
  expect(JSON.parse(build.stdout.slice(build.stdout.indexOf('\n{') + 1))).toMatchObject({ status: 'SUCCEEDED', buildId: 'nginx-sim-1' });

  const logs = bakery('logs', 'nginx-sim-1', '--step', '3');
  expect(logs.code).toBe(0);
  expect(logs.stdout).toContain('nginx answers on port 80\n');
});
