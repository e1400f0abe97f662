/**
 * Files a template names (scripts, uploads, playbooks, `user_data_file`), found as Packer finds them: relative to
 * the folder Packer runs in, which is this command's folder. The template's own folder is tried next, so a
 * template converted from elsewhere still finds its files. A file found in neither fails where it is named.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConvertError, Place } from '../hcl/syntax';

/** The absolute path of `given`; fails with the file and line of `place` when it does not exist. */
export function localPath(given: string, root: string, place: Place, what: string): string {
  if (given.trim() === '') throw new ConvertError(place, `the ${what} path is empty`);
  const candidates = [...new Set([resolve(given), resolve(root, given)])];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  const lookedFor = candidates.length > 1 || candidates[0] !== given ? ` (looked for ${candidates.join(' and ')})` : '';
  throw new ConvertError(place, `${what} "${given}" does not exist${lookedFor}`);
}

/** Whether the path is a folder. */
export function isFolder(path: string): boolean {
  return statSync(path).isDirectory();
}
