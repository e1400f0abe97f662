/**
 * Loads tree-sitter and its HCL grammar (both WebAssembly) once per process. In the published CLI the two .wasm
 * files sit beside bin/bakery.js; in a checkout they are found in node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

let loading: Promise<Parser> | undefined;
let loaded: Parser | undefined;

/** A parser for HCL2, ready to use. */
export function hclParser(): Promise<Parser> {
  loading ??= load().then((parser) => (loaded = parser));
  return loading;
}

/** The parser `hclParser()` loaded (functions that parse, such as `templatefile`, run after a template was parsed). */
export function loadedHclParser(): Parser {
  if (!loaded) throw new Error('the HCL parser is not loaded yet; await hclParser() first');
  return loaded;
}

async function load(): Promise<Parser> {
  const runtime = wasmFile('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
  await Parser.init({ locateFile: () => runtime });
  // Bytes, not a path: loading by path makes tree-sitter import node:fs dynamically, which jest's sandbox refuses.
  const language = await Language.load(readFileSync(wasmFile('tree-sitter-hcl.wasm', '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm')));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** The file beside the running bundle, else the one the package installed. */
function wasmFile(name: string, modulePath: string): string {
  const beside = join(__dirname, name);
  return existsSync(beside) ? beside : require.resolve(modulePath);
}
