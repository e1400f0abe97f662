/** The example recipes the load test and the benchmark bake, as files under examples/recipes/. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const EXAMPLES = join(__dirname, '..', 'examples', 'recipes');
export const EXAMPLE_RECIPE_FILES = ['nginx.json', 'nginx-tested.json', 'web-distributed.json', 'web-files/recipe.json', 'windows-iis/recipe.json'];

export interface ExampleRecipe {
  /** The recipe's file, relative to examples/recipes/. */
  readonly file: string;
  readonly document: Record<string, any>;
  /** The folder its local sources are relative to. */
  readonly folder: string;
}

/** An example recipe, read from its file. */
export function exampleRecipe(file: string): ExampleRecipe {
  const path = join(EXAMPLES, file);
  return { file, document: JSON.parse(readFileSync(path, 'utf8')), folder: dirname(path) };
}
