/**
 * The `bakery` CLI as the package ships it (bin/bakery.js, bundled by scripts/bundle-cli.mjs): its size, and how long
 * `bakery --version` takes in a fresh process (median), the start every command pays.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './statistics';

const ROOT = join(__dirname, '..', '..');

export interface CliBundle {
  readonly bytes: number;
  /** Median milliseconds of `bakery --version` in a fresh Node.js process. */
  readonly startMs: number;
}

/** Bundles the CLI into a folder of the checkout (it resolves aws-cdk-lib there, as an installed package does) and measures it. */
export function measureCliBundle(runs: number): CliBundle {
  const folder = mkdtempSync(join(ROOT, 'bin', '.benchmark-'));
  try {
    const outfile = join(folder, 'bakery.js');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle-cli.mjs'), '--outfile', outfile]);
    const start = () => {
      const begun = performance.now();
      execFileSync(process.execPath, [outfile, '--version'], { env: { PATH: process.env.PATH, NODE_NO_WARNINGS: '1' } });
      return performance.now() - begun;
    };
    return { bytes: statSync(outfile).size, startMs: median(Array.from({ length: runs }, start)) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
