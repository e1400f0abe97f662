#!/usr/bin/env node
// Bundles each Lambda step handler (lambda/<step>.ts) into assets/lambda/<step>/index.js with esbuild.
// The AWS SDK v3 clients a handler uses are bundled with it, trimmed as handler-bundling.mjs says: loading
// the runtime's own copy of a client package takes several times longer at cold start, because it defines
// every operation of its service.
// `--if-stale` skips the work when every bundle is newer than every handler source.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HANDLER_BUILD_OPTIONS } from './handler-bundling.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lambdaDir = join(root, 'lambda');
const outDir = join(root, 'assets', 'lambda');

const entryPoints = readdirSync(lambdaDir)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => join(lambdaDir, file));

/** Every file of a folder, in its subfolders too. */
const filesIn = (dir) => readdirSync(dir, { recursive: true }).map((file) => join(dir, file));

function newestSource() {
  // Handlers import lambda/shared/ and parts of src/ (limits, defaults and rules shared with the construct).
  const files = [...entryPoints, ...filesIn(join(lambdaDir, 'shared')), ...filesIn(join(root, 'src')),
    join(root, 'package-lock.json'), fileURLToPath(import.meta.url), join(root, 'scripts', 'pure-sdk-schemas.mjs'),
    join(root, 'scripts', 'handler-bundling.mjs')];
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
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
  ...HANDLER_BUILD_OPTIONS,
  entryPoints: Object.fromEntries(entryPoints.map((entry) => [`${basename(entry, '.ts')}/index`, entry])),
  outdir: outDir,
});
