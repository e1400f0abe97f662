import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { inventory, loadAccount, openAccount, saveAccount, withStateFileLock } from '../../local/account-state';
import { faultRuleProblems, parseFaults } from '../../local/faults';
import { simulateBake } from '../../local/simulate-bake';
import { UsageError } from '../errors';
import { ProgressPrinter } from '../progress-printer';
import { readRecipeFile } from '../recipe-file';

const FORMS = 'bakery simulate <recipe.json> [--json] [--fault RULE]... [--seed N] [--state FILE] | bakery simulate --state FILE --inventory';

export interface SimulateOptions {
  readonly json?: boolean;
  readonly fault: string[];
  readonly seed?: string;
  readonly verbose?: boolean;
  readonly state?: string;
  readonly inventory?: boolean;
}

/**
 * `bakery simulate <recipe.json>`: a whole bake in the local simulator; exit code 0 only when it succeeded.
 * The progress goes to stdout, then the manifest; with `--json` stdout holds only the manifest, on one line,
 * and the progress (and any handler log lines) goes to stderr.
 * With `--state FILE` the account is loaded from the file (when it exists) and saved back after the bake;
 * `--state FILE --inventory` prints what that account holds as one JSON line.
 */
export async function runSimulate(positionals: string[], values: SimulateOptions): Promise<number> {
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed);
  if (values.inventory) {
    if (values.state === undefined) throw new Error(`--inventory needs --state FILE: ${FORMS}`);
    if (positionals.length) throw new Error(`--inventory takes no recipe file: ${FORMS}`);
    if (!existsSync(values.state)) {
      throw new Error(`no simulated account state at ${values.state} yet; bake into it first: bakery simulate <recipe.json> --state ${values.state}`);
    }
    process.stdout.write(`${JSON.stringify(inventory(loadAccount(values.state)))}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new Error(`simulate takes one recipe file: ${FORMS}`);
  const { path, text } = readRecipeFile(positionals[0]);
  const recipe = parseJson(path, text);
  const faults = values.fault ?? [];
  // Checked, and the account opened, before the bake so a bad fault rule or state file fails before anything is printed.
  checkFaultRules(faults, recipe, path);
  const state = values.state;
  // Two runs on one state file take turns: each loads the account after the other saved it.
  if (state === undefined) return bakeAndReport(path, recipe, values, { faults, seed });
  return withStateFileLock(state, () => bakeAndReport(path, recipe, values, { faults, seed, state }));
}

interface BakeSettings {
  readonly faults: string[];
  readonly seed?: number;
  readonly state?: string;
}

/** Bakes the recipe (in the state file's account, saved back after the bake), prints the progress and the manifest. */
async function bakeAndReport(path: string, recipe: unknown, values: SimulateOptions, { faults, seed, state }: BakeSettings): Promise<number> {
  const account = state === undefined ? undefined : openAccount(state, { seed, faults }).account;
  const progress = values.json ? process.stderr : process.stdout;
  const printer = new ProgressPrinter(progress);
  printer.header(path, faults);
  const bake = await writingStdoutTo(progress, () => simulateBake({
    recipe,
    account,
    faults,
    seed,
    onProgress: (event) => printer.print(event),
    verboseLogs: values.verbose,
    // Scripts, files and Ansible folders the recipe names are staged into the simulated bucket, as bakery build does.
    stageFrom: dirname(path),
  }));
  if (state !== undefined) saveAccount(bake.account, state);
  printer.summary(bake);
  process.stdout.write(values.json ? `${JSON.stringify(bake.manifest)}\n` : `${JSON.stringify(bake.manifest, null, 2)}\n`);
  return bake.status === 'SUCCEEDED' ? 0 : 1;
}

/** Refuses fault rules that cannot be read, or that name a step, test or runner function the bake does not have. */
function checkFaultRules(faults: readonly string[], recipe: unknown, path: string): void {
  const problems = faultRuleProblems(parseFaults(faults), recipe);
  if (problems.length === 0) return;
  throw new UsageError(problems.join('; '),
    `fix or drop the rule (it would never fire in a bake of ${path}); bakery simulate --help lists the fault rules`);
}

/**
 * Runs `work` with whatever is written to stdout sent to `target` instead (the handlers' log lines with
 * --verbose), so that under --json stdout carries only the manifest; nothing changes when `target` is stdout.
 */
async function writingStdoutTo<T>(target: NodeJS.WriteStream, work: () => Promise<T>): Promise<T> {
  if (target === process.stdout) return work();
  const write = process.stdout.write;
  process.stdout.write = target.write.bind(target) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); "bakery validate ${path}" explains recipe problems`);
  }
}

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`--seed takes a whole number, not "${text}"`);
  return Number(text);
}
