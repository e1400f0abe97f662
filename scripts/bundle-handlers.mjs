#!/usr/bin/env node
// Bundles each Lambda step handler (lambda/<step>.ts) into assets/lambda/<step>/index.js with esbuild.
// The AWS SDK v3 is left out of the bundles: the Node.js Lambda runtime ships it.
// `--if-stale` skips the work when every bundle is newer than every handler source.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lambdaDir = join(root, 'lambda');
const outDir = join(root, 'assets', 'lambda');

const entryPoints = readdirSync(lambdaDir)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => join(lambdaDir, file));

function newestSource() {
  const files = [...entryPoints, ...readdirSync(join(lambdaDir, 'shared')).map((file) => join(lambdaDir, 'shared', file))];
  return Math.max(...files.map((file) => statSync(file).mtimeMs), statSync(join(root, 'package-lock.json')).mtimeMs);
}

function isStale() {
  const newest = newestSource();
  return entryPoints.some((entry) => {
    const bundle = join(outDir, basename(entry, '.ts'), 'index.js');
    return !existsSync(bundle) || statSync(bundle).mtimeMs < newest;
  });
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);

await build({
  entryPoints: Object.fromEntries(entryPoints.map((entry) => [`${basename(entry, '.ts')}/index`, entry])),
  outdir: outDir,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  external: ['@aws-sdk/*'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
