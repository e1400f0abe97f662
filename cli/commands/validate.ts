import { dirname } from 'node:path';
import { recipeWarnings, RecipeValidation, validateRecipeText } from '../../lambda/shared/validate-recipe';
import { localSourceProblems } from '../../src/staging/local-sources';
import { readRecipeFile } from '../recipe-file';

/** `bakery validate <recipe.json>`: every problem, one per line; exit code 1 when invalid. Warnings do not change the exit code. */
export async function runValidate(file: string): Promise<number> {
  const { path, text } = readRecipeFile(file);
  const checked = validateRecipeText(text);
  // Files the recipe names by local path must exist beside it, as bakery build and simulate will stage them.
  const result = checked.valid ? withLocalSources(checked, dirname(path)) : checked;
  if (result.valid) {
    process.stdout.write(`${path}: valid recipe "${result.recipe.name}" (${result.recipe.steps.length} step(s))\n`);
    for (const warning of recipeWarnings(result.recipe)) process.stdout.write(`  warning: ${warning}\n`);
    return 0;
  }
  process.stdout.write(`${path}: ${result.problems.length} problem(s)\n`);
  for (const problem of result.problems) process.stdout.write(`  ${problem}\n`);
  return 1;
}

function withLocalSources(checked: RecipeValidation & { valid: true }, baseDirectory: string): RecipeValidation {
  const problems = localSourceProblems(checked.recipe, baseDirectory);
  return problems.length === 0 ? checked : { valid: false, problems };
}
