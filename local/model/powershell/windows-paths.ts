/**
 * Windows paths on the simulated (POSIX) filesystem: `C:\ProgramData\x` is kept as `/C:/ProgramData/x`, so a
 * Windows instance's files live in the same SimulatedFilesystem as a Linux instance's. Windows finds paths
 * whatever their case; `canonicalPath` does the same over the stored paths, and the directories every
 * Windows Server image has exist even though the simulator does not list them.
 */
import type { SimulatedFilesystem } from '../filesystem';

/** Where PowerShell starts under the SSM agent (the agent service's working directory), in simulated form. */
export const SYSTEM32 = '/C:/Windows/system32';

/** Directories every Windows Server image has (with their parents). */
const IMAGE_DIRECTORIES = [
  SYSTEM32, '/C:/Windows/TEMP', '/C:/Program Files/Amazon', '/C:/Program Files (x86)', '/C:/ProgramData/Amazon', '/C:/Users/Administrator',
];

/** Where the image's own programs live: a program path under these runs even though no file is listed. */
const PROGRAM_DIRECTORIES = ['/c:/windows/', '/c:/program files/', '/c:/program files (x86)/'];

/**
 * `windowsPath` in simulated form: `C:\a\b` and `C:/a/b` are `/C:/a/b` (the drive letter upper-cased), `\a` is on
 * the working directory's drive, and a relative path is resolved against `cwd` (itself in simulated form).
 */
export function toSimulatedPath(windowsPath: string, cwd = SYSTEM32): string {
  const path = windowsPath.replace(/\\/g, '/');
  const drive = /^\/?([A-Za-z][A-Za-z0-9]*):(.*)$/s.exec(path);
  if (drive) {
    const name = drive[1].length === 1 ? drive[1].toUpperCase() : drive[1];
    return resolveSegments(`/${name}:`, drive[2]);
  }
  if (path.startsWith('/')) return resolveSegments(/^\/[^/]*/.exec(cwd)?.[0] ?? '/C:', path);
  return resolveSegments(cwd, path);
}

/** Appends `relative` to `base` (`/C:/...`), resolving `.` and `..` without leaving the drive. */
function resolveSegments(base: string, relative: string): string {
  const [drive, ...parts] = base.split('/').filter((part) => part !== '');
  for (const part of relative.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return `/${[drive, ...parts].join('/')}`;
}

/** A simulated path as Windows writes it, for messages: `/C:/a/b` is `C:\a\b` and `/C:` is `C:\`. */
export function fromSimulatedPath(simulatedPath: string): string {
  const windows = simulatedPath.replace(/^\//, '').replace(/\//g, '\\');
  return /^[^\\]+:$/.test(windows) ? `${windows}\\` : windows;
}

/** The parent of a simulated path (a drive's root is its own parent). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash > 0 ? path.slice(0, slash) : path;
}

/** The last segment of a simulated path. */
export function leafOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Every directory the filesystem lists or the image has, and every file, without trailing slashes. */
function knownPaths(fs: SimulatedFilesystem): string[] {
  const image = IMAGE_DIRECTORIES.flatMap((dir) => dir.split('/').slice(2).map((_, i, parts) => `/C:/${parts.slice(0, i + 1).join('/')}`));
  return [...[...fs.paths].map((path) => path.replace(/\/$/, '')), ...image, '/C:'];
}

/**
 * The stored spelling of `path` when one matches it without regard to case (`/C:/programdata` is
 * `/C:/ProgramData`); for a path that does not exist yet, its existing parents' spelling.
 */
export function canonicalPath(fs: SimulatedFilesystem, path: string): string {
  if (fs.paths.has(path) || fs.paths.has(`${path}/`)) return path;
  const lower = path.toLowerCase();
  const found = knownPaths(fs).find((known) => known.toLowerCase() === lower);
  if (found) return found;
  const parent = parentOf(path);
  return parent === path ? path : `${canonicalPath(fs, parent)}/${leafOf(path)}`;
}

/** Whether a (canonical) simulated path is a directory: listed, a drive's root, or one the image has. */
export function isDirectoryPath(fs: SimulatedFilesystem, path: string): boolean {
  return fs.isDirectory(path) || /^\/[^/]+:$/.test(path) || IMAGE_DIRECTORIES.some((dir) => dir === path || dir.startsWith(`${path}/`));
}

/** Whether a (canonical) simulated path is a file or a directory. */
export function pathExists(fs: SimulatedFilesystem, path: string): boolean {
  return fs.isFile(path) || isDirectoryPath(fs, path);
}

/** Whether a path is in one of the image's program directories (`C:\Windows`, `C:\Program Files`). */
export function isImageProgramPath(path: string): boolean {
  return PROGRAM_DIRECTORIES.some((dir) => path.toLowerCase().startsWith(dir));
}

/** The files and directories directly in `dir`, sorted. */
export function childrenOf(fs: SimulatedFilesystem, dir: string): string[] {
  const prefix = `${dir.toLowerCase()}/`;
  const children = knownPaths(fs).filter((path) => path.toLowerCase().startsWith(prefix) && !path.slice(prefix.length).includes('/'));
  return [...new Set(children)].sort();
}

/** A PowerShell wildcard (`*`, `?`, `[abc]`) as a regular expression matching a whole string. */
export function wildcardPattern(pattern: string, caseSensitive = false): RegExp {
  const source = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseSensitive ? 's' : 'is');
}

/**
 * What a `-Path` names: the path itself when it exists, or, when its last segment has wildcards (and the
 * path is not literal), the existing entries of its directory that match. Wildcards elsewhere are literal.
 */
export function expandPath(fs: SimulatedFilesystem, path: string, literal: boolean): string[] {
  const leaf = leafOf(path);
  if (literal || !/[*?[]/.test(leaf)) return pathExists(fs, path) ? [path] : [];
  const pattern = wildcardPattern(leaf);
  return childrenOf(fs, parentOf(path)).filter((child) => pattern.test(leafOf(child)));
}
