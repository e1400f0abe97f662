import { readFileSync } from 'node:fs';

/** Reads a recipe file, with an error that names the path when it cannot. */
export function readRecipeFile(path: string): { path: string; text: string } {
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    throw new Error(`cannot read recipe file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
