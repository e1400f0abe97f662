/**
 * Snapshots of the integration tests (`test/integ.*.ts`): each app synthesized into `test/integ.<name>.ts.snapshot/`,
 * laid out as integ-runner lays out its snapshots (a cloud assembly with `integ.json`), but without the asset
 * folders (megabytes of handler bundles, whose hashes the templates name) and without the tree and metadata files.
 * `npx projen integ:update` writes them (this file, run with tsx); the test run compares them
 * (integ-snapshot.test.ts), with no account.
 *
 * integ-runner does neither here: the newest on the registry (2.197.10, with CDK CLI 2.1115.1) reads cloud assembly
 * schema 53, and aws-cdk-lib 2.276 writes 55 (`AssemblyVersionMismatch`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const TEST_DIR = join(__dirname, '..');
export const ROOT = join(TEST_DIR, '..');

/** How to bring the snapshots up to date, for failure messages. */
export const UPDATE_HINT = 'To accept what is synthesized now, run `npx projen integ:update` and commit the snapshot; '
  + 'deploy it in an account before a release (docs/testing-in-your-account.md).';

/** The integration tests: `test/integ.*.ts`. */
export function integTests(): string[] {
  return readdirSync(TEST_DIR).filter((name) => /^integ\..+\.ts$/.test(name)).map((name) => join(TEST_DIR, name));
}

export function snapshotDirOf(testFile: string): string {
  return `${testFile}.snapshot`;
}

/** Synthesizes an integration test app into a new temporary folder, in a child process, as the CDK CLI runs an app. */
export function synthesize(testFile: string): string {
  const outdir = mkdtempSync(join(tmpdir(), 'integ-snapshot-'));
  // The app is environment-agnostic: none of the caller's CDK_* variables (context, account, region) reach it.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CDK_')));
  const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [testFile], { cwd: ROOT, env: { ...env, CDK_OUTDIR: outdir }, encoding: 'utf8' });
  if (run.status !== 0) {
    rmSync(outdir, { recursive: true, force: true });
    throw new Error(`Synthesizing ${relative(ROOT, testFile)} failed:\n${run.stderr || run.error}`);
  }
  return outdir;
}

/** The files a snapshot keeps of an assembly. */
function isKept(name: string): boolean {
  return ['manifest.json', 'integ.json', 'cdk.out'].includes(name) || /\.(template|assets)\.json$/.test(name);
}

/** Writes the snapshot of one integration test (replacing the one there). */
export function writeSnapshot(testFile: string): string {
  const assembly = synthesize(testFile);
  const snapshot = snapshotDirOf(testFile);
  try {
    rmSync(snapshot, { recursive: true, force: true });
    mkdirSync(snapshot);
    for (const name of readdirSync(assembly).filter(isKept)) {
      const text = readFileSync(join(assembly, name), 'utf8');
      writeFileSync(join(snapshot, name), name === 'manifest.json' ? withoutDroppedFiles(text) : text);
    }
  } finally {
    rmSync(assembly, { recursive: true, force: true });
  }
  return snapshot;
}

/** The assembly manifest without the artifacts and references of the files a snapshot leaves out. */
function withoutDroppedFiles(manifestText: string): string {
  const manifest = JSON.parse(manifestText);
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:tree') delete manifest.artifacts[id];
    delete artifact.additionalMetadataFile;
  }
  return `${JSON.stringify(manifest, undefined, 2)}\n`;
}

/**
 * The differences between an integration test's snapshot and a fresh synthesis of it, each a line for a person:
 * the test cases (`integ.json`) and every template, as integ-runner compares them. Asset hashes are compared
 * exactly where the test case asks for it (`diffAssets`), otherwise numbered in order of appearance.
 */
export function compareWithSnapshot(testFile: string): string[] {
  const assembly = synthesize(testFile);
  try {
    return compareAssemblies(snapshotDirOf(testFile), assembly);
  } finally {
    rmSync(assembly, { recursive: true, force: true });
  }
}

export function compareAssemblies(expectedDir: string, actualDir: string): string[] {
  const expectedFiles = readdirSync(expectedDir).filter(isCompared);
  const actualFiles = readdirSync(actualDir).filter(isCompared);
  const problems = [
    ...expectedFiles.filter((name) => !actualFiles.includes(name)).map((name) => `${name} is in the snapshot but no longer synthesized`),
    ...actualFiles.filter((name) => !expectedFiles.includes(name)).map((name) => `${name} is synthesized but not in the snapshot`),
  ];
  for (const name of actualFiles.filter((file) => expectedFiles.includes(file))) {
    const expected = comparable(expectedDir, name);
    const actual = comparable(actualDir, name);
    problems.push(...differences(expected, actual, []).map((difference) => `${name}: ${difference}`));
  }
  return problems;
}

function isCompared(name: string): boolean {
  return name === 'integ.json' || name.endsWith('.template.json');
}

/** A file of an assembly with what changes at every synthesis taken out. */
function comparable(dir: string, name: string): any {
  const json = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  if (name === 'integ.json') return { ...json, version: undefined, minimumCliVersion: undefined };
  const stack = basename(name, '.template.json');
  const canonical = diffsAssets(dir, stack) ? json : JSON.parse(withNumberedAssets(JSON.stringify(json), assetHashes(dir, stack)));
  return withoutSynthesisStamps(canonical);
}

/**
 * integ-tests stamps every assertion with the time of synthesis (a `salt` property, so that it runs on every
 * deployment) and names an `EqualsAssertion`'s output with a hash that differs from one synthesis to the next.
 */
function withoutSynthesisStamps(template: any): any {
  for (const resource of Object.values<any>(template.Resources ?? {})) {
    if (resource.Properties?.salt !== undefined) resource.Properties.salt = '<time of synthesis>';
  }
  if (template.Outputs) {
    template.Outputs = Object.fromEntries(Object.entries(template.Outputs).map(([id, output]) => [id.replace(/^(AssertionResults.+?)[0-9a-f]{32}$/, '$1'), output]));
  }
  return template;
}

/** Whether a stack's test case compares asset hashes (`diffAssets` of `IntegTest`). */
function diffsAssets(dir: string, stack: string): boolean {
  const integ = JSON.parse(readFileSync(join(dir, 'integ.json'), 'utf8'));
  const testCase = Object.values<any>(integ.testCases).find((options) => [...options.stacks, options.assertionStack].includes(stack));
  return testCase?.diffAssets === true;
}

function assetHashes(dir: string, stack: string): string[] {
  const assets = JSON.parse(readFileSync(join(dir, `${stack}.assets.json`), 'utf8'));
  return [...Object.keys(assets.files ?? {}), ...Object.keys(assets.dockerImages ?? {})];
}

function withNumberedAssets(text: string, hashes: readonly string[]): string {
  const seen = hashes.filter((hash) => text.includes(hash)).sort((a, b) => text.indexOf(a) - text.indexOf(b));
  return seen.reduce((canonical, hash, index) => canonical.replaceAll(hash, `Asset${index + 1}`), text);
}

/** Paths at which two JSON values differ, at most `limit` of them, each with both values (shortened). */
export function differences(expected: any, actual: any, path: readonly string[], limit = 20): string[] {
  if (isDeepStrictEqual(expected, actual)) return [];
  const at = path.length > 0 ? path.join('.') : '(the whole file)';
  if (!isObject(expected) || !isObject(actual)) return [`${at}: ${shorten(expected)} in the snapshot, ${shorten(actual)} now`];
  const found: string[] = [];
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    if (found.length >= limit) break;
    if (!(key in actual)) found.push(`${[...path, key].join('.')}: removed`);
    else if (!(key in expected)) found.push(`${[...path, key].join('.')}: added`);
    else found.push(...differences(expected[key], actual[key], [...path, key], limit - found.length));
  }
  return found;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function shorten(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

// `tsx test/integ/integ-snapshot.ts [test/integ.<name>.ts ...]` writes the snapshots (of every integration test by default).
if (require.main === module) {
  const files = process.argv.slice(2);
  for (const file of files.length > 0 ? files.map((name) => resolve(name)) : integTests()) {
    console.log(`wrote ${relative(ROOT, writeSnapshot(file))}`);
  }
}
