#!/usr/bin/env node
// The package.json that npm packs has no `scripts` and no `jest`: every script runs in a checkout (projen's tasks,
// the CLI from its TypeScript sources, the demo) and points at files the package does not carry, as jest's settings
// point at the tests; installing the package runs none of them.
//
// npm runs `prepack` (`strip`) before it packs and `postpack` (`restore`) after. Meanwhile the checkout's
// package.json waits in node_modules/.cache, which npm never packs; a `strip` after a pack that failed half-way
// restores it first. (`npx projen` writes package.json anew in any case.)
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = process.cwd();
const manifest = join(root, 'package.json');
const kept = join(root, 'node_modules', '.cache', 'cdk-ami-bakery', 'package.json');

function strip() {
  if (existsSync(kept)) restore();
  mkdirSync(dirname(kept), { recursive: true });
  copyFileSync(manifest, kept);
  const { scripts: _scripts, jest: _jest, ...packed } = JSON.parse(readFileSync(manifest, 'utf8'));
  writeFileSync(manifest, `${JSON.stringify(packed, undefined, 2)}\n`);
}

function restore() {
  if (existsSync(kept)) renameSync(kept, manifest);
}

const action = { strip, restore }[process.argv[2]];
if (!action) {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
action();
