import { validateRecipeText } from '../../lambda/shared/validate-recipe';
import { readRecipeFile } from '../recipe-file';

/** `bakery validate <recipe.json>`: every problem, one per line; exit code 1 when invalid. */
export async function runValidate(file: string): Promise<number> {
  const { path, text } = readRecipeFile(file);
  const result = validateRecipeText(text);
  if (result.valid) {
    process.stdout.write(`${path}: valid recipe "${result.recipe.name}" (${result.recipe.steps.length} step(s))\n`);
    return 0;
  }
  process.stdout.write(`${path}: ${result.problems.length} problem(s)\n`);
  for (const problem of result.problems) process.stdout.write(`  ${problem}\n`);
  return 1;
}
