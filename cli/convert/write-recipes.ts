/**
 * Writes converted recipes to the output folder as `<name>.json`, with the scripts, files and playbook folders
 * they name copied beside them and their sources rewritten relative to the recipe, as `bakery validate`,
 * `simulate` and `build` read them. A file several recipes name is copied once.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ConvertedRecipe } from './packer/convert-builds';
import type { RecipeDraft } from './packer/recipe-fields';
import { recipeText } from './recipe-text';
import { stepsIn } from '../../src/recipe/step-lists';
import { localSources } from '../../src/staging/local-sources';

export interface WrittenRecipe {
  /** The recipe file, as given on the command line joined with its name. */
  readonly file: string;
  readonly name: string;
  readonly document: RecipeDraft;
}

/** Where a copied source goes in the output folder, by its absolute path; and which paths are taken. */
class CopiedFiles {
  private readonly byPath = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly outDirectory: string, private readonly templateRoot: string) {}

  /** The source's path relative to the output folder, copying it there the first time. */
  copy(path: string, folder: boolean): string {
    const known = this.byPath.get(path);
    if (known) return known;
    const target = this.freeTarget(this.preferredTarget(path));
    this.byPath.set(path, target);
    this.taken.add(target);
    const destination = join(this.outDirectory, target);
    const outside = resolve(this.outDirectory);
    // A folder that holds the output folder (a playbook beside the template) is copied without it.
    cpSync(path, destination, { recursive: folder, filter: (source) => resolve(source) !== outside });
    return target.split(sep).join('/');
  }

  /** Writes text given in the template (a file provisioner's `content`) as `files/<name>`; returns its path. */
  write(name: string, content: string): string {
    const target = this.freeTarget(join('files', name));
    this.taken.add(target);
    mkdirSync(dirname(join(this.outDirectory, target)), { recursive: true });
    writeFileSync(join(this.outDirectory, target), content);
    return target.split(sep).join('/');
  }

  /** Inside the template's folder, the same path; elsewhere, `files/<name>`. */
  private preferredTarget(path: string): string {
    const inside = relative(this.templateRoot, path);
    return inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep) ? inside : join('files', basename(path));
  }

  private freeTarget(preferred: string): string {
    let target = preferred;
    for (let count = 2; this.taken.has(target); count++) target = `${preferred}-${count}`;
    return target;
  }
}

/** Writes each recipe and its files; returns the files written, in order. */
export function writeRecipes(recipes: readonly ConvertedRecipe[], outDirectory: string, templateRoot: string): WrittenRecipe[] {
  mkdirSync(outDirectory, { recursive: true });
  const copied = new CopiedFiles(outDirectory, templateRoot);
  return recipes.map((recipe) => {
    const document = withCopiedSources(recipe.document, copied);
    const file = join(outDirectory, `${recipe.name}.json`);
    writeFileSync(file, recipeText(document));
    return { file, name: recipe.name, document };
  });
}

/** File steps that carry their text (`content`) get it written to a file, which they then upload. */
function writeContents(document: RecipeDraft, copied: CopiedFiles): void {
  for (const { step } of stepsIn<{ file?: { content?: string; source?: string; destination?: string } }>(document)) {
    if (typeof step.file?.content !== 'string') continue;
    const { content, ...file } = step.file;
    const name = String(file.destination ?? '').split(/[\\/]/).filter(Boolean).pop() ?? 'content.txt';
    step.file = { source: copied.write(name, content), ...file };
  }
}

/** The document with each local source copied and named relative to the recipe. */
function withCopiedSources(document: RecipeDraft, copied: CopiedFiles): RecipeDraft {
  const copy = structuredClone(document);
  writeContents(copy, copied);
  // Sources the converter found are absolute; a relative one is already in the output folder (written content).
  for (const source of localSources(copy, '/').filter((candidate) => isAbsolute(candidate.given))) {
    const folder = source.given.endsWith('/');
    const steps = copy[source.list] as Record<string, Record<string, unknown>>[];
    const step = steps[source.index][source.kind];
    const target = copied.copy(source.given.replace(/\/+$/, ''), folder);
    step.source = folder ? `${target}/` : target;
  }
  return copy;
}
