/**
 * `bakery --simulate FILE`: two runs on one state file take turns (the lock `bakery simulate --state` takes), so
 * neither saves over the other's bake; a state file that cannot be read is refused, naming it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnvironment, ROOT } from './fixtures/run-bakery';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `bakery --simulate <state> <args>` from the sources; resolves when it ends. */
function bakery(state: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/bakery.ts'), '--simulate', state, '--speed', '100000', ...args], {
      cwd: ROOT, env: cliEnvironment(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const stateFile = () => join(mkdtempSync(join(tmpdir(), 'bakery-simulate-lock-')), 'dev.bakery-state.json');

test('two builds at once on one state file: both bakes are in the file afterwards, and the lock is gone', async () => {
  const state = stateFile();

  const runs = await Promise.all(['nginx-lock-1', 'nginx-lock-2'].map((name) => bakery(state, 'build', 'examples/recipes/nginx.json', '--name', name)));

  for (const run of runs) expect(run).toMatchObject({ code: 0, stderr: '' });
  const saved = JSON.parse(readFileSync(state, 'utf8'));
  expect(saved.bakeExecutions.map((execution: { name: string }) => execution.name).sort()).toEqual(['nginx-lock-1', 'nginx-lock-2']);
  expect(existsSync(`${state}.lock`)).toBe(false);
}, 300_000);

test('a state file that is not a saved account is refused, naming it, and left as it was', async () => {
  const state = stateFile();
  writeFileSync(state, '{"version": 1, "regions": [');

  const run = await bakery(state, 'list');

  expect(run.code).not.toBe(0);
  expect(run.stderr).toContain(`cannot read simulated account state ${state}`);
  expect(readFileSync(state, 'utf8')).toBe('{"version": 1, "regions": [');
}, 120_000);
