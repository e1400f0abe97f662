/**
 * How a recipe's local file or folder is laid out in the bakery's staging location, so that the build
 * instance can download it through SSM and check every byte:
 *
 *     staging/<hash>/SHA256SUMS          one `<sha256>  <path>` line per file, as coreutils writes them
 *     staging/<hash>/nginx.conf          a file source, or
 *     staging/<hash>/ansible/site.yml    each file of a folder source (folder given as `ansible/`)
 *
 * `<hash>` is the SHA-256 of SHA256SUMS, so the key names the exact contents: the same files always stage
 * to the same keys (nothing is uploaded twice), and the instance checks SHA256SUMS against the key and
 * every file against SHA256SUMS.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The file of a layout that lists the SHA-256 of every other file. */
export const SUMS_FILE = 'SHA256SUMS';

export interface StagedObject {
  /** The object's key below the layout's own prefix (`staging/<hash>/`). */
  readonly key: string;
  readonly body: Buffer;
}

export interface StagedLayout {
  /** The SHA-256 of the SHA256SUMS file, in hex. */
  readonly hash: string;
  /** What the source names inside the layout: `nginx.conf`, or `ansible/` for a folder. */
  readonly entry: string;
  /** Every object of the layout, SHA256SUMS last. */
  readonly objects: StagedObject[];
}

const sha256 = (body: Buffer | string): string => createHash('sha256').update(body).digest('hex');

/** The layout of a local file or folder. Throws when the path does not exist. */
export function stageLocalPath(path: string): StagedLayout {
  const folder = statSync(path).isDirectory();
  const name = basename(path.replace(/[\\/]+$/, ''));
  const files = folder
    ? filesBelow(path).map((relative) => ({ key: `${name}/${relative}`, body: readFileSync(join(path, relative)) }))
    : [{ key: name, body: readFileSync(path) }];
  files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const sums = Buffer.from(files.map((file) => `${sha256(file.body)}  ${file.key}\n`).join(''), 'utf8');
  return { hash: sha256(sums), entry: folder ? `${name}/` : name, objects: [...files, { key: SUMS_FILE, body: sums }] };
}

/** Paths of the regular files below a folder, relative to it, with `/` separators. */
function filesBelow(folder: string, prefix = ''): string[] {
  return readdirSync(join(folder, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return filesBelow(folder, relative);
    return entry.isFile() || statSync(join(folder, relative)).isFile() ? [relative] : [];
  });
}
