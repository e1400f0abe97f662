/**
 * Recipe files as people save and name them: a UTF-8 byte-order mark is ignored, UTF-16 and absurd nesting
 * are one-line errors naming the file, and a path that is not there says so, for validate, build and simulate.
 * Fault rules that name a step or runner function the bake does not have are refused before it starts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { account, bakeryOffline, Run, ROOT } from './fixtures/run-bakery';
import { bakeryWorld } from './fixtures/worlds';
import { jsonNesting, nestsTooDeeply } from '../../cli/json-nesting';

const NGINX = readFileSync(join(ROOT, 'examples/recipes/nginx.json'), 'utf8');

function file(name: string, content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bakery-recipe-file-')), name);
  writeFileSync(path, content);
  return path;
}

/** The two lines of a CLI error: `bakery: ...` and `hint: ...`, and nothing else, no stack trace. */
function errorLines(run: Run): [string, string] {
  const lines = run.stderr.split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^bakery: /);
  expect(lines[1]).toMatch(/^hint: /);
  expect(run.stderr).not.toContain('looks like a bug');
  return [lines[0], lines[1]];
}

describe('a UTF-8 byte-order mark', () => {
  const withBom = () => file('nginx.json', `\ufeff${NGINX}`);

  test('is ignored by validate', () => {
    const run = bakeryOffline('validate', withBom());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('valid recipe "nginx" (3 step(s))');
  });

  test('is ignored by build: the recipe is sent as it is', () => {
    const aws = account(bakeryWorld());
    const run = aws.run('build', withBom(), '--interval', '0.01', '--name', 'nginx-bom');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(aws.calls('StartExecution')[0].input.input)).toEqual({ recipe: JSON.parse(NGINX) });
  });

  test('UTF-16 is named, with how to save the file as UTF-8', () => {
    const path = file('nginx.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(NGINX, 'utf16le')]));
    const run = bakeryOffline('validate', path);
    expect(run.code).toBe(1);
    const [message, hint] = errorLines(run);
    expect(message).toBe(`bakery: ${path} is UTF-16 text; recipe files are UTF-8`);
    expect(hint).toContain('Set-Content -Encoding utf8');
  });
});

describe('absurdly nested JSON', () => {
  const deep = () => file('deep.json', `${'['.repeat(10_000)}${']'.repeat(10_000)}`);

  test.each([['validate'], ['build'], ['simulate']])('is one error naming the file from %s, exit code 1', (command) => {
    const path = deep();
    const aws = account(bakeryWorld());
    const run = aws.run(command, path);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const [message, hint] = errorLines(run);
    expect(message).toBe(`bakery: ${path} nests arrays and objects more than 100 levels deep, so it is not a recipe`);
    expect(hint).toBe(`hint: check that ${path} is the recipe file you meant; a recipe nests a few levels (steps[0].shell.commands)`);
    expect(aws.calls()).toEqual([]);
  });

  test('brackets inside strings do not count, and a recipe nested as deep as allowed is checked as usual', () => {
    const recipe = JSON.parse(NGINX);
    recipe.description = '['.repeat(500);
    let value: unknown = 'x';
    // The document, ami and ami.tags are three levels; 97 arrays make 100.
    for (let level = 3; level < 100; level++) value = [value];
    recipe.ami.tags = { nested: value };
    const run = bakeryOffline('validate', file('nested.json', JSON.stringify(recipe)));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('ami.tags.nested: ');
  });

  test('in an --override value is a usage error', () => {
    const aws = account(bakeryWorld());
    const run = aws.run('build', 'nginx', '--override', `instance.types=${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(run.code).toBe(2);
    const [message] = errorLines(run);
    expect(message).toBe('bakery: --override instance...=...: its path and value nest more than 100 levels deep, deeper than any recipe field');
    expect(aws.calls()).toEqual([]);
  });
});

describe('jsonNesting', () => {
  test('counts arrays and objects outside strings, escapes included', () => {
    expect(jsonNesting('{"a": [1, {"b": []}]}')).toBe(4);
    expect(jsonNesting('{"a": "[[[{{{", "b": "\\"[[[\\\\", "c": [[]]}')).toBe(3);
    expect(jsonNesting('"just a string"')).toBe(0);
  });

  test('stops counting past the limit', () => {
    expect(jsonNesting('['.repeat(1_000_000), 100)).toBe(101);
    expect(nestsTooDeeply('['.repeat(100) + ']'.repeat(100))).toBe(false);
    expect(nestsTooDeeply('['.repeat(101) + ']'.repeat(101))).toBe(true);
  });
});

describe('a recipe file that is not there', () => {
  test('build says it does not exist and where it looked, exit code 2, before any call', () => {
    const aws = account(bakeryWorld());
    const run = aws.run('build', './recipes/nope.json');
    expect(run.code).toBe(2);
    expect(errorLines(run)).toEqual([
      'bakery: recipe file ./recipes/nope.json does not exist',
      `hint: check the path (looked for ${join(ROOT, 'recipes/nope.json')})`,
    ]);
    expect(aws.calls()).toEqual([]);
  });

  test('validate and simulate say the same; a folder is named as a folder', () => {
    for (const command of ['validate', 'simulate']) {
      const run = bakeryOffline(command, 'no/such/recipe.json');
      expect(run.code).toBe(2);
      expect(errorLines(run)[0]).toBe('bakery: recipe file no/such/recipe.json does not exist');
    }
    const folder = bakeryOffline('validate', 'examples/recipes');
    expect(folder.code).toBe(2);
    expect(errorLines(folder)).toEqual([
      'bakery: examples/recipes is a folder, not a recipe file',
      'hint: name the recipe file in it, e.g. examples/recipes/recipe.json',
    ]);
  });
});

describe('bakery simulate --fault naming what the bake does not have', () => {
  test('a step past the recipe\'s steps is refused before the bake, naming the rule and the steps there are', () => {
    const run = bakeryOffline('simulate', 'examples/recipes/nginx.json', '--fault', 'step:9:fail');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(errorLines(run)).toEqual([
      'bakery: fault rule \'step:9:fail\' names step 9, but recipe "nginx" has 3 steps; use step:1 to step:3',
      'hint: fix or drop the rule (it would never fire in a bake of examples/recipes/nginx.json); bakery simulate --help lists the fault rules',
    ]);
  });

  test('a runner step that does not exist is refused, naming the runner steps', () => {
    const run = bakeryOffline('simulate', 'examples/recipes/nginx.json', '--json', '--fault', 'lambda:nosuch:crash');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const [message] = errorLines(run);
    expect(message).toMatch(/^bakery: fault rule 'lambda:nosuch:crash' names runner step 'nosuch', which does not exist; the runner steps are /);
    expect(message).toContain('prepare, launch, check-agent, run-step');
  });
});
