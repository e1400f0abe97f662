#!/usr/bin/env node
// Bundles the `bakery` CLI (cli/bakery.ts) with esbuild into bin/bakery.js, the package's `bin`.
// Everything it uses is inside the bundle (commander, picocolors, the AWS SDK clients, the recipe schema,
// the simulator), so the published package needs no dependency beyond its peers: aws-cdk-lib and
// constructs stay external, as does esbuild. `--outfile FILE` writes the bundle elsewhere.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfileIndex = process.argv.indexOf('--outfile');
const outfile = outfileIndex > 0 ? resolve(process.argv[outfileIndex + 1]) : join(root, 'bin', 'bakery.js');

await build({
  entryPoints: [join(root, 'cli', 'bakery.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'esbuild'],
  minify: true,
  keepNames: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
