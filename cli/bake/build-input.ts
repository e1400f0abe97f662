/**
 * What `bakery build <recipe>` starts: `{"recipeName": ...}` for a registered recipe, or `{"recipe": ...}`
 * with the contents of a recipe file, checked here first so a bad file never starts a bake; plus the
 * `--override` values as `"overrides"`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { deepMerge } from '../../lambda/shared/deep-merge';
import { validateRecipe, validateRecipeText } from '../../lambda/shared/validate-recipe';
import { localSourceProblems } from '../../src/staging/local-sources';
import { CliError, UsageError } from '../errors';
import { readRecipeFile } from '../recipe-file';
import { parseOverrides } from './overrides';

export interface BuildInput {
  /** The execution input. */
  readonly input: Record<string, unknown>;
  /** The recipe's name. */
  readonly recipe: string;
  /** The recipe file, for a file. */
  readonly file?: string;
}

/** A path ending in .json, holding a path separator, or naming an existing file is a recipe file; anything else a recipe name. */
export function isRecipeFile(argument: string): boolean {
  if (/\.json$/i.test(argument) || /[\\/]/.test(argument)) return true;
  return existsSync(argument) && statSync(argument).isFile();
}

export function buildInput(argument: string, overrideAssignments: readonly string[]): BuildInput {
  const overrides = parseOverrides(overrideAssignments);
  const extra = overrides ? { overrides } : {};
  if (!isRecipeFile(argument)) return { input: { recipeName: argument, ...extra }, recipe: argument };
  const { path, text } = readRecipeFile(argument);
  const checked = validateRecipeText(text);
  if (!checked.valid) throw invalid(path, checked.problems, '');
  const missing = localSourceProblems(checked.recipe, dirname(path));
  if (missing.length > 0) throw invalid(path, missing, '');
  if (overrides) {
    const merged = validateRecipe(deepMerge(checked.recipe, overrides));
    if (!merged.valid) throw invalid(path, merged.problems, ' with the --override values');
  }
  return { input: { recipe: JSON.parse(text), ...extra }, recipe: checked.recipe.name, file: path };
}

function invalid(path: string, problems: readonly string[], what: string): CliError {
  const shown = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
  return new CliError(`${path}${what} is not a valid recipe, so no bake was started: ${problems.length} problem(s): ${shown}`,
    `bakery validate ${path} lists every problem`);
}

/** A new build id: `<recipe>-<UTC time>-<4 hex digits>`, as the simulator names them (at most 80 characters). */
export function newBuildId(recipe: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const prefix = recipe.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 60) || 'build';
  return `${prefix}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Characters Step Functions refuses in an execution name: white space, brackets, wildcards, specials and control characters. */
// eslint-disable-next-line no-control-regex
const NOT_IN_NAMES = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/** Refuses a build id Step Functions would refuse as an execution name, before any call. */
export function checkBuildId(buildId: string): string {
  if (buildId.length === 0 || buildId.length > 80 || NOT_IN_NAMES.test(buildId)) {
    throw new UsageError(`build id "${buildId}" is not a valid execution name`,
      'use at most 80 characters without spaces, brackets or any of ? * " # % \\ ^ | ~ ` $ & , ; : /');
  }
  return buildId;
}
