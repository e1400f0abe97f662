#!/usr/bin/env node
// Bundles the `bakery` CLI (cli/bakery.ts) with esbuild into bin/bakery.js, the package's `bin`.
// Everything it uses is inside the bundle (commander, picocolors, the AWS SDK clients, the recipe schema,
// the simulator), so the published package needs no dependency beyond its peers: aws-cdk-lib and
// constructs stay external, as does esbuild; tree-sitter's WebAssembly files go beside it. `--outfile FILE` writes
// the bundle elsewhere.
import { build } from 'esbuild';
import { chmodSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pureSdkSchemas } from './pure-sdk-schemas.mjs';

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
  // The AWS SDK clients from their ES modules, with only the schemas the CLI and the simulated handlers call
  // (pure-sdk-schemas.mjs): EC2's client alone is otherwise a megabyte of the bundle.
  mainFields: ['module', 'main'],
  plugins: [pureSdkSchemas],
  // jsonc-parser's main build is UMD, whose require('./impl/...') calls esbuild cannot follow; its ES module build bundles.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  // web-tree-sitter is an ES module that finds its files with import.meta.url, which a CommonJS bundle lacks.
  define: { 'import.meta.url': '__bakeryModuleUrl' },
  banner: { js: 'const __bakeryModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  minify: true,
  keepNames: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);

// `bakery convert` parses HCL with tree-sitter, whose runtime and HCL grammar are WebAssembly files the bundle
// cannot hold: they go beside it, where cli/convert/hcl/grammar.ts looks first.
const require = createRequire(import.meta.url);
for (const wasm of ['web-tree-sitter/tree-sitter.wasm', '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm']) {
  copyFileSync(require.resolve(wasm), join(dirname(outfile), wasm.split('/').pop()));
}
