#!/usr/bin/env node
// Bundles the `bakery` CLI (cli/bakery.ts) with esbuild into bin/, the package's `bin`.
// Everything it uses is inside the bundle (commander, picocolors, the AWS SDK clients, the recipe schema,
// the simulator), so the published package needs no dependency beyond its peers: aws-cdk-lib and
// constructs stay external, as does esbuild; tree-sitter's WebAssembly files go beside it.
//
// The bundle is an ES module split into chunks, so that a command loads only what it runs: cli/program.ts imports
// the simulator and `bakery convert` with import(), which in one CommonJS file esbuild would inline, so every
// `bakery --version` would load all of it (EC2's client and the simulator's handlers among it). What it writes:
//   bin/bakery.js           the package's bin: a CommonJS file (package.json has no "type": "module") that imports
//   bin/bakery.mjs          the CLI's entry: the program, the commands' options and help, what every command needs
//   bin/chunks/*.mjs        the rest, each loaded by the first command that needs it
//   bin/*.wasm              tree-sitter and its HCL grammar, for `bakery convert`
// `--outfile FILE` writes the bin elsewhere (FILE, with the rest beside it); `--metafile FILE` writes esbuild's
// metafile there (scripts/benchmark/cli-bundle.ts measures what `bakery --version` loads with it).
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pureSdkSchemas } from './pure-sdk-schemas.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const option = (name) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? resolve(process.argv[index + 1]) : undefined;
};
const outfile = option('--outfile') ?? join(root, 'bin', 'bakery.js');
const metafile = option('--metafile');
const outdir = dirname(outfile);
const entryName = basename(outfile).replace(/\.[cm]?js$/, '');
const CHUNKS = 'chunks';

// A chunk's name has its content's hash: the chunks of an earlier build would stay beside the new ones.
rmSync(join(outdir, CHUNKS), { recursive: true, force: true });

const result = await build({
  entryPoints: { [entryName]: join(root, 'cli', 'bakery.ts') },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // .mjs: the package is not "type": "module", so a .js file would load as CommonJS.
  outExtension: { '.js': '.mjs' },
  chunkNames: `${CHUNKS}/[name]-[hash]`,
  external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'esbuild'],
  // The AWS SDK clients from their ES modules, with only the schemas the CLI and the simulated handlers call
  // (pure-sdk-schemas.mjs): EC2's client alone is otherwise a megabyte of the bundle.
  mainFields: ['module', 'main'],
  plugins: [pureSdkSchemas],
  // jsonc-parser's main build is UMD, whose require('./impl/...') calls esbuild cannot follow; its ES module build bundles.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  minify: true,
  keepNames: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // Each file gets its preamble below, which differs between the entry and the chunks.
  write: false,
});

// What an ES module lacks and the bundled code uses: `require` (CommonJS packages inside the bundle require Node.js's
// modules, and aws-cdk-lib is loaded with it, as from a CommonJS file), and `__dirname`, which is the folder of the
// bin in every file, entry and chunks alike: the .wasm files are looked for beside it (cli/convert/hcl/grammar.ts),
// and the handler bundles above it (src/private/handler-code.ts).
const preamble = (file) => [
  'import{createRequire as __bakeryCreateRequire}from"node:module";',
  'import{fileURLToPath as __bakeryFileURLToPath}from"node:url";',
  'const require=__bakeryCreateRequire(import.meta.url);',
  'const __filename=__bakeryFileURLToPath(import.meta.url);',
  `const __dirname=__bakeryFileURLToPath(new URL(${JSON.stringify(relative(dirname(file), outdir).split('\\').join('/') || '.')},import.meta.url));`,
  '',
].join('\n');

for (const { path, text } of result.outputFiles) {
  // The entry keeps its #! line first (it does not run as the bin, but the line is harmless there).
  const [, hashbang = '', code] = /^(#!.*\n)?([\s\S]*)$/.exec(text);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${hashbang}${preamble(path)}${code}`);
}

// The bin: CommonJS, which Node.js runs from a .js file whatever the folder it is installed in, importing the entry.
writeFileSync(outfile, [
  '#!/usr/bin/env node',
  `// The bakery CLI, an ES module: ${entryName}.mjs, and the chunks it loads from ${CHUNKS}/ (scripts/bundle-cli.mjs).`,
  `import('./${entryName}.mjs');`,
  '',
].join('\n'));
chmodSync(outfile, 0o755);
if (metafile) writeFileSync(metafile, JSON.stringify(result.metafile));

// `bakery convert` parses HCL with tree-sitter, whose runtime and HCL grammar are WebAssembly files the bundle
// cannot hold: they go beside it, where cli/convert/hcl/grammar.ts looks first.
const require = createRequire(import.meta.url);
for (const wasm of ['web-tree-sitter/tree-sitter.wasm', '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm']) {
  copyFileSync(require.resolve(wasm), join(outdir, wasm.split('/').pop()));
}
