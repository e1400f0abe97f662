/**
 * `bakery init`: a starter recipe that validates and bakes in the simulator as written, the next commands, and the
 * CDK code that registers it; an existing recipe is kept.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { bakeryOffline, ROOT } from './fixtures/run-bakery';

const folder = () => join(mkdtempSync(join(tmpdir(), 'bakery-init-')), 'Web Server');

test('writes a recipe named after its folder that validates and bakes in the simulator, and says what to run next', () => {
  const dir = folder();
  const file = relative(ROOT, join(dir, 'recipe.json'));

  const init = bakeryOffline('init', dir);

  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  const recipe = JSON.parse(readFileSync(join(dir, 'recipe.json'), 'utf8'));
  expect(recipe).toMatchObject({ schemaVersion: 1, name: 'web-server', ami: { name: 'web-server-{{timestamp}}' } });
  expect(init.stdout).toContain(`wrote ${file}: recipe "web-server", Ubuntu 24.04 on t3.small, 2 steps`);
  for (const next of [`bakery validate ${file}`, `bakery simulate ${file}`, `bakery build ${file} --follow`, 'bakery.addRecipe(\'WebServer\', {']) {
    expect(init.stdout).toContain(next);
  }
  expect(bakeryOffline('validate', file).stdout).toBe(`${file}: valid recipe "web-server" (2 step(s))\n`);
  const simulated = bakeryOffline('simulate', file, '--json');
  expect(simulated.code).toBe(0);
  expect(JSON.parse(simulated.stdout)).toMatchObject({ status: 'SUCCEEDED', recipe: 'web-server', leakedResources: [] });
}, 120_000);

test('keeps an existing recipe.json unless --force, and refuses a name the schema does not allow', () => {
  const dir = folder();
  bakeryOffline('init', dir, '--name', 'base');
  writeFileSync(join(dir, 'recipe.json'), '{"edited": true}');

  const again = bakeryOffline('init', dir);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/recipe\.json exists; bakery init keeps it\nhint: choose another folder, or pass --force to overwrite it\n$/);
  expect(readFileSync(join(dir, 'recipe.json'), 'utf8')).toBe('{"edited": true}');

  expect(bakeryOffline('init', dir, '--force').code).toBe(0);
  expect(JSON.parse(readFileSync(join(dir, 'recipe.json'), 'utf8')).name).toBe('web-server');
  const badName = bakeryOffline('init', folder(), '--name', '-nope');
  expect(badName.code).toBe(2);
  expect(badName.stderr).toMatch(/^bakery: "-nope" cannot name a recipe: .*\nhint: pass --name with letters, digits/);
});
