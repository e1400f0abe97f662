/**
 * Reading a recipe file as people save them: a UTF-8 byte-order mark (Notepad, PowerShell) is dropped,
 * UTF-16 is named as such, and a missing file, a folder or nesting no recipe has is a one-line error
 * naming the file, before anything parses or checks it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, UsageError } from './errors';
import { MAX_JSON_NESTING, nestsTooDeeply } from './json-nesting';

export interface RecipeFile {
  /** The path as given. */
  readonly path: string;
  /** The file's text, without a byte-order mark. */
  readonly text: string;
}

/** Reads a recipe file, with an error that names the path when it cannot or when the text cannot be a recipe. */
export function readRecipeFile(path: string): RecipeFile {
  const text = decode(path, readBytes(path));
  if (nestsTooDeeply(text)) {
    throw new CliError(`${path} nests arrays and objects more than ${MAX_JSON_NESTING} levels deep, so it is not a recipe`,
      `check that ${path} is the recipe file you meant; a recipe nests a few levels (steps[0].shell.commands)`);
  }
  return { path, text };
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw unreadable(path, error as NodeJS.ErrnoException);
  }
}

/** The error for a file that cannot be read: missing, a folder, not allowed, or anything else by its code. */
function unreadable(path: string, error: NodeJS.ErrnoException): CliError {
  switch (error.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new UsageError(`recipe file ${path} does not exist`, `check the path (looked for ${resolve(path)})`);
    case 'EISDIR':
      return new UsageError(`${path} is a folder, not a recipe file`, `name the recipe file in it, e.g. ${path.replace(/[\\/]+$/, '')}/recipe.json`);
    case 'EACCES':
    case 'EPERM':
      return new CliError(`cannot read recipe file ${path}: permission denied`, 'check the file\'s permissions, or run as a user who may read it');
    default:
      return new CliError(`cannot read recipe file ${path}: ${error.code ?? error.message}`, 'check the path of the recipe file', 1, error);
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The text of the file: UTF-8, with a byte-order mark dropped; UTF-16 is refused by name. */
function decode(path: string, bytes: Buffer): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new CliError(`${path} is UTF-16 text; recipe files are UTF-8`,
      `save it as UTF-8, e.g. in PowerShell: Get-Content ${path} | Set-Content -Encoding utf8 recipe.utf8.json`);
  }
  const start = bytes.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? UTF8_BOM.length : 0;
  return bytes.toString('utf8', start);
}
