/**
 * A simulated instance's filesystem: which files and directories exist (directories end with `/`), the
 * contents of the files whose bytes matter (downloads, files scripts write), and the shell's working
 * directory. Contents are kept as base64 so a saved account stays plain JSON.
 */
import { createHash } from 'node:crypto';
import type { InstanceRecord } from './records';

/** The filesystem of an instance; one saved before contents were kept gets an empty contents map. */
export function instanceFilesystem(instance: InstanceRecord): SimulatedFilesystem {
  instance.contents ??= new Map();
  return new SimulatedFilesystem(instance.files, instance.contents);
}

export class SimulatedFilesystem {
  /** The shell's working directory; each command starts in `/`, as the agent's scripts do in their own. */
  cwd = '/';

  constructor(readonly paths: Set<string>, readonly contents: Map<string, string>) {}

  /** `path` as an absolute, normalised path (`.`, `..` and repeated slashes resolved) from the working directory. */
  resolve(path: string): string {
    const parts: string[] = [];
    for (const part of (path.startsWith('/') ? path : `${this.cwd}/${path}`).split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '' && part !== '.') parts.push(part);
    }
    return `/${parts.join('/')}`;
  }

  isFile(path: string): boolean {
    return this.paths.has(this.resolve(path));
  }

  isDirectory(path: string): boolean {
    const resolved = this.resolve(path);
    return resolved === '/' || this.paths.has(`${resolved}/`);
  }

  exists(path: string): boolean {
    return this.isFile(path) || this.isDirectory(path);
  }

  /** Creates a file (and its directories); with `body`, its contents. */
  writeFile(path: string, body?: Buffer): void {
    const file = this.resolve(path);
    this.makeDirectory(file.slice(0, file.lastIndexOf('/')) || '/');
    this.paths.add(file);
    if (body) this.contents.set(file, body.toString('base64'));
    else this.contents.delete(file);
  }

  makeDirectory(path: string): void {
    let dir = this.resolve(path);
    while (dir !== '/') {
      this.paths.add(`${dir}/`);
      dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
    }
  }

  /** The bytes of a file whose contents are known. */
  read(path: string): Buffer | undefined {
    const body = this.contents.get(this.resolve(path));
    return body === undefined ? undefined : Buffer.from(body, 'base64');
  }

  /** The SHA-256 of a file, in hex: of its known contents, else of no bytes (a file a command made without writing it). */
  sha256(path: string): string {
    return createHash('sha256').update(this.read(path) ?? Buffer.alloc(0)).digest('hex');
  }

  remove(path: string): void {
    const target = this.resolve(path);
    for (const entry of [...this.paths]) {
      if (entry === target || entry === `${target}/` || entry.startsWith(`${target}/`)) {
        this.paths.delete(entry);
        this.contents.delete(entry);
      }
    }
  }

  /**
   * Pathname expansion of an unquoted word, as the shell does it: `*`, `?` and `[...]` match within one path
   * segment, never a leading `.`; the matches come sorted and written as the pattern was (relative or absolute).
   * A word that is no pattern, or matches nothing, stays as it is.
   */
  glob(word: string): string[] {
    if (!/[*?]|\[[^\]]+\]/.test(word)) return [word];
    const absolute = this.resolve(word);
    const pattern = new RegExp(`^${absolute.split('/').map(segmentPattern).join('/')}$`);
    const matches = [...this.paths].map((path) => path.replace(/\/$/, '')).filter((path) => pattern.test(path)).sort();
    if (matches.length === 0) return [word];
    const prefix = word.startsWith('/') ? '' : `${this.cwd.replace(/\/$/, '')}/`;
    return [...new Set(matches)].map((path) => (prefix && path.startsWith(prefix) ? path.slice(prefix.length) : path));
  }

  /** Copies a file, or a directory's whole tree, to `to`. */
  copy(from: string, to: string): void {
    const source = this.resolve(from);
    const target = this.resolve(to);
    if (!this.isDirectory(source)) {
      this.writeFile(target, this.read(source));
      return;
    }
    this.makeDirectory(target);
    for (const entry of [...this.paths].filter((path) => path.startsWith(`${source}/`))) {
      const relative = entry.slice(source.length + 1);
      if (entry.endsWith('/')) this.makeDirectory(`${target}/${relative}`);
      else this.writeFile(`${target}/${relative}`, this.read(entry));
    }
  }
}

/** One path segment of a glob as a regular expression. */
function segmentPattern(segment: string): string {
  const body = segment.replace(/\[!?[^\]]+\]|[*?]|[.+^${}()|\\[\]]/g, (token) => {
    if (token.length > 1) return token.startsWith('[!') ? `[^${token.slice(2, -1)}]` : token;
    if (token === '*') return '[^/]*';
    if (token === '?') return '[^/]';
    return `\\${token}`;
  });
  return /^([*?]|\[[^\]]+\])/.test(segment) ? `(?!\\.)${body}` : body;
}
