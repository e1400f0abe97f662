import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

/** Runs the CLI exactly as the README does: `npm run --silent bakery -- <args>`. */
function bakery(...args: string[]) {
  const result = spawnSync('npm', ['run', '--silent', 'bakery', '--', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const lines = result.stdout.trim().split('\n');
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, lastLine: lines[lines.length - 1] };
}

function recipeFile(document: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bakery-cli-')), 'recipe.json');
  writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document));
  return path;
}

describe('bakery simulate', () => {
  test('bakes the example recipe: phases live, then a SUCCEEDED manifest, exit code 0', () => {
    const run = bakery('simulate', 'examples/recipes/nginx.json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const phase of ['prepare', 'launch', 'wait-for-agent', 'provision', 'stop', 'create-image', 'distribute', 'cleanup']) {
      expect(run.stdout).toMatch(new RegExp(`^  \\d\\d:\\d\\d:\\d\\d  ${phase} +ok `, 'm'));
    }
    expect(run.stdout).not.toMatch(/ok +-\d/);
    expect(run.stdout).toContain('SUCCEEDED in ');
    const manifest = JSON.parse(run.stdout.slice(run.stdout.indexOf('\n{') + 1));
    expect(manifest).toMatchObject({ status: 'SUCCEEDED', recipe: 'nginx', leakedResources: [] });
    expect(manifest.artifacts).toHaveLength(1);
  });

  test('--json: stdout is only the manifest, on one line; the phases, the summary and --verbose log lines go to stderr', () => {
    const run = bakery('simulate', 'examples/recipes/nginx.json', '--json', '--verbose');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([run.lastLine, '']);
    expect(JSON.parse(run.lastLine)).toMatchObject({ status: 'SUCCEEDED', recipe: 'nginx', leakedResources: [] });
    expect(run.stderr).toMatch(/^Baking examples\/recipes\/nginx.json in the simulator\n/);
    for (const phase of ['prepare', 'launch', 'wait-for-agent', 'provision', 'stop', 'create-image', 'distribute', 'cleanup']) {
      expect(run.stderr).toMatch(new RegExp(`^  \\d\\d:\\d\\d:\\d\\d  ${phase} +ok `, 'm'));
    }
    expect(run.stderr).toContain('SUCCEEDED in ');
    expect(run.stderr).toMatch(/^\{"level":"INFO","message":"Sending step"/m);
  });

  test('bakes the distributed example: one artifact and one SSM parameter per region, nothing leaked', () => {
    const run = bakery('simulate', 'examples/recipes/web-distributed.json', '--json');
    expect(run.code).toBe(0);
    const manifest = JSON.parse(run.lastLine);
    expect(manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    expect(manifest.artifacts.map((artifact: { region: string }) => artifact.region)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    expect(manifest.parameters.map((parameter: { value: string }) => parameter.value))
      .toEqual(manifest.artifacts.map((artifact: { amiId: string }) => artifact.amiId));
  });

  test('a failing step exits non-zero with a FAILED manifest naming step 2, and nothing leaked', () => {
    const run = bakery('simulate', 'examples/recipes/nginx.json', '--json', '--fault', 'step:2:fail');
    expect(run.code).toBe(1);
    const manifest = JSON.parse(run.lastLine);
    expect(manifest).toMatchObject({ status: 'FAILED', leakedResources: [], error: { phase: 'provision', step: 2 } });
    expect(manifest.error.message).toMatch(/^step 2 of 3 .* exit code 1/);
    expect(run.stderr).toContain('FAILED in');
  });

  test('a bad fault rule is refused with the valid forms', () => {
    const run = bakery('simulate', 'examples/recipes/nginx.json', '--fault', 'disk:full');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Invalid fault rule 'disk:full'");
    expect(run.stderr).toContain('step:<n>:fail');
  });
});

describe('bakery validate', () => {
  test('a valid recipe exits 0', () => {
    const run = bakery('validate', 'examples/recipes/nginx.json');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('valid recipe "nginx" (3 step(s))');
  });

  test('prints every problem with its field and exits 1', () => {
    const path = recipeFile({ schemaVersion: 1, name: 'x', source: { amiId: 'ami-1' }, steps: [{ shell: { commands: 'ls' } }], colour: 'red' });
    const run = bakery('validate', path);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('3 problem(s)');
    expect(run.stdout).toContain('source.amiId: expected an AMI id like ami-0123456789abcdef0');
    expect(run.stdout).toContain('steps[0].shell.commands: expected a non-empty array of strings');
    expect(run.stdout).toContain('colour: unknown field');
  });

  test('a file that is not JSON is a problem too', () => {
    const run = bakery('validate', recipeFile('{ "schemaVersion": 1,'));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/document: not valid JSON/);
  });

  test('a missing file is named', () => {
    const run = bakery('validate', 'no/such/recipe.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bakery: recipe file no/such/recipe.json does not exist');
  });
});
