/**
 * The `bakery` CLI as the package ships it (bin/, bundled by scripts/bundle-cli.mjs: the bin, its ES module entry and
 * the chunks the commands load): its size, what `bakery --version` loads, and how long `bakery --version` takes in a
 * fresh process (median), the start every command pays.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { median } from './statistics';

const ROOT = join(__dirname, '..', '..');

export interface CliBundle {
  /** All the JavaScript of the bundle: the bin, its entry and every chunk (the simulator included). */
  readonly bytes: number;
  /** The bin and its entry module. */
  readonly entryBytes: number;
  /** What `bakery --version` (and every command) loads before it runs: the bin, the entry and the chunks it imports statically. */
  readonly startBytes: number;
  /** How many JavaScript files the bundle has. */
  readonly files: number;
  /** Everything in the bundle's folder, the .wasm files of `bakery convert` included. */
  readonly folderBytes: number;
  /** Median milliseconds of `bakery --version` in a fresh Node.js process. */
  readonly startMs: number;
}

/** One line on the bundle, for the benchmark's report. */
export function describeCliBundle(cli: CliBundle): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  return `cli bundle (bin/, the simulator included) ${kb(cli.bytes)} in ${cli.files} files (${kb(cli.folderBytes)} with the .wasm files); `
    + `bakery --version loads ${kb(cli.startBytes)} (entry ${kb(cli.entryBytes)}) in ${cli.startMs.toFixed(0)} ms`;
}

/** The esbuild metafile's part this module reads. */
interface Metafile {
  readonly outputs: Record<string, { readonly bytes: number; readonly imports: { path: string; kind: string; external?: boolean }[] }>;
}

/** Bundles the CLI into a folder of the checkout (it resolves aws-cdk-lib there, as an installed package does) and measures it. */
export function measureCliBundle(runs: number): CliBundle {
  const folder = mkdtempSync(join(ROOT, 'bin', '.benchmark-'));
  try {
    const outfile = join(folder, 'bakery.js');
    const metafilePath = join(folder, 'metafile.json');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle-cli.mjs'), '--outfile', outfile, '--metafile', metafilePath], { cwd: ROOT });
    const metafile: Metafile = JSON.parse(readFileSync(metafilePath, 'utf8'));
    rmSync(metafilePath);
    const start = () => {
      const begun = performance.now();
      execFileSync(process.execPath, [outfile, '--version'], { env: { PATH: process.env.PATH, NODE_NO_WARNINGS: '1' } });
      return performance.now() - begun;
    };
    // The metafile names its outputs relative to the folder esbuild ran in; the bin (written by the script) is not among them.
    // Sizes are the files' as written (each with its preamble), not the metafile's.
    const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [resolve(ROOT, path), output]));
    const entry = join(folder, 'bakery.mjs');
    const size = (paths: Iterable<string>) => [...paths].reduce((sum, path) => sum + statSync(path).size, statSync(outfile).size);
    return {
      bytes: size(outputs.keys()),
      entryBytes: size([entry]),
      startBytes: size(staticallyImported(entry, outputs)),
      files: 1 + outputs.size,
      folderBytes: folderSize(folder),
      startMs: median(Array.from({ length: runs }, start)),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The output `entry` and every output it imports with an import statement, as Node.js loads them before running it (import() loads later). */
function staticallyImported(entry: string, outputs: Map<string, Metafile['outputs'][string]>): Set<string> {
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    const output = outputs.get(path);
    if (!output) throw new Error(`cli bundle: ${relative(ROOT, path)} is not among the bundle's outputs`);
    loaded.add(path);
    for (const imported of output.imports) {
      if (imported.kind === 'import-statement' && !imported.external) visit(resolve(ROOT, imported.path));
    }
  };
  visit(entry);
  return loaded;
}

function folderSize(folder: string): number {
  return readdirSync(folder, { withFileTypes: true })
    .reduce((sum, entry) => sum + (entry.isDirectory() ? folderSize(join(folder, entry.name)) : statSync(join(folder, entry.name)).size), 0);
}
