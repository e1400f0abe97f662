/**
 * `bakery validate` refuses documents of the bad-recipe corpus: exit code 1, the field named on stdout. One
 * process per case costs about a second, so this runs a handful; test/lambda/bad-recipes.test.ts runs them all.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { badRecipes, CORPUS_DIR, problemMatching } from '../fixtures/bad-recipes/corpus';

const ROOT = join(__dirname, '../..');

/** Runs the CLI exactly as the README does: `npm run --silent bakery -- <args>`. */
function bakery(...args: string[]) {
  const result = spawnSync('npm', ['run', '--silent', 'bakery', '--', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A sample across the categories: types, unknown fields, sources, ids, tags, control characters, not JSON, size. */
const SAMPLE = [
  'commands-string',
  'unknown-shell-field',
  'two-sources',
  'ami-id-short',
  'too-many-ami-tags',
  'control-in-tag-key',
  'escape-sequence-in-command',
  'not-json-yaml',
  'over-256kb',
];

const cases = badRecipes().filter((badRecipe) => SAMPLE.includes(badRecipe.file.replace(/^\d+-|\.\w+$/g, '')));

/** The path to hand the CLI: the committed file, or a generated one written to a temporary folder. */
function pathOf(badRecipe: (typeof cases)[number]): string {
  if (badRecipe.onDisk) return relative(ROOT, join(CORPUS_DIR, badRecipe.file));
  const path = join(mkdtempSync(join(tmpdir(), 'bakery-bad-recipe-')), badRecipe.file);
  writeFileSync(path, badRecipe.text);
  return path;
}

test('every sampled case is in the corpus', () => {
  expect(cases).toHaveLength(SAMPLE.length);
});

describe.each(cases.map((badRecipe) => [badRecipe.file, badRecipe] as const))('bakery validate %s', (_file, badRecipe) => {
  test('exits 1 and names the field', () => {
    const run = bakery('validate', pathOf(badRecipe));

    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/: \d+ problem\(s\)\n/);
    const problems = run.stdout.split('\n').slice(1).map((line) => line.trim()).filter(Boolean);
    expect({ problems, match: problemMatching(problems, badRecipe.expected) }).toMatchObject({ match: expect.any(String) });
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
