import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { inventory, loadAccount, openAccount, saveAccount, withStateFileLock } from '../../local/account-state';
import { faultRuleProblems, parseFaults } from '../../local/faults';
import type { SimulatedAccount } from '../../local/model';
import { accountMismatch, simulateBake, SimulateBakeOptions } from '../../local/simulate-bake';
import { SIMULATOR_ENVIRONMENT } from '../../local/synthesized-bakery';
import { chooseAppRecipe } from '../app-bakery';
import { UsageError } from '../errors';
import { ProgressPrinter } from '../progress-printer';
import { readRecipeFile } from '../recipe-file';

const FORMS = 'bakery simulate <recipe.json> [--json] [--fault RULE]... [--seed N] [--state FILE]'
  + ' | bakery simulate --app <cdk.out> <recipe name> [--bakery ID] [--json] [--fault RULE]... [--seed N] [--state FILE]'
  + ' | bakery simulate --state FILE --inventory';

export interface SimulateOptions {
  readonly json?: boolean;
  readonly fault: string[];
  readonly seed?: string;
  readonly verbose?: boolean;
  readonly state?: string;
  readonly inventory?: boolean;
  /** A cloud assembly folder (`cdk.out`): the positional is then the name of a recipe the app registered. */
  readonly app?: string;
  /** With `app`: the bakery, when the assembly has several. */
  readonly bakery?: string;
}

/**
 * `bakery simulate <recipe.json>`: a whole bake in the local simulator; exit code 0 only when it succeeded.
 * The progress goes to stdout, then the manifest; with `--json` stdout holds only the manifest, on one line,
 * and the progress (and any handler log lines) goes to stderr.
 * `bakery simulate --app <cdk.out> <recipe name>` bakes a recipe an app registered, in its bakery as `cdk synth` wrote it.
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
  const subject = values.app === undefined ? recipeFileSubject(positionals, values) : appSubject(positionals, values.app, values.bakery);
  const faults = values.fault ?? [];
  // Checked, and the account opened, before the bake so a bad fault rule or state file fails before anything is printed.
  checkFaultRules(faults, subject.document, subject.label);
  const state = values.state;
  // Two runs on one state file take turns: each loads the account after the other saved it.
  if (state === undefined) return bakeAndReport(subject, values, { faults, seed });
  return withStateFileLock(state, () => bakeAndReport(subject, values, { faults, seed, state }));
}

/** What one run bakes: how the progress names it, the recipe document, and what `simulateBake` is given. */
interface BakeSubject {
  readonly label: string;
  readonly document: unknown;
  readonly options: Pick<SimulateBakeOptions, 'recipe' | 'input' | 'bakery' | 'stageFrom'>;
}

/** A recipe file, registered in the default bakery for the bake. */
function recipeFileSubject(positionals: string[], values: SimulateOptions): BakeSubject {
  if (values.bakery !== undefined) throw new UsageError('--bakery chooses a bakery of --app <cdk.out> only', `drop --bakery, or add --app: ${FORMS}`);
  if (positionals.length !== 1) throw new Error(`simulate takes one recipe file: ${FORMS}`);
  const { path, text } = readRecipeFile(positionals[0]);
  const recipe = parseJson(path, text);
  // Scripts, files and Ansible folders the recipe names are staged into the simulated bucket, as bakery build does.
  return { label: path, document: recipe, options: { recipe, stageFrom: dirname(path) } };
}

/** A recipe the app registered, baked by name in its bakery as the cloud assembly holds it (its files staged by the assembly). */
function appSubject(positionals: string[], folder: string, selector: string | undefined): BakeSubject {
  if (positionals.length !== 1) {
    throw new UsageError(`--app takes one recipe name, not ${positionals.length}`, `name a recipe the app registers: ${FORMS}`);
  }
  const { bakery, recipeName, document } = chooseAppRecipe(folder, positionals[0], selector);
  const where = bakery.path ?? `${bakery.stack}/${bakery.logicalId}`;
  return { label: `recipe ${recipeName} of ${where} (${folder})`, document, options: { input: { recipeName }, bakery: bakery.bakery } };
}

interface BakeSettings {
  readonly faults: string[];
  readonly seed?: number;
  readonly state?: string;
}

/** Bakes the subject (in the state file's account, saved back after the bake), prints the progress and the manifest. */
async function bakeAndReport(subject: BakeSubject, values: SimulateOptions, { faults, seed, state }: BakeSettings): Promise<number> {
  const account = state === undefined ? undefined : openStateAccount(state, subject, { seed, faults });
  const progress = values.json ? process.stderr : process.stdout;
  const printer = new ProgressPrinter(progress);
  printer.header(subject.label, faults);
  const bake = await writingStdoutTo(progress, () => simulateBake({
    ...subject.options,
    account,
    faults,
    seed,
    onProgress: (event) => printer.print(event),
    verboseLogs: values.verbose,
  }));
  if (state !== undefined) saveAccount(bake.account, state);
  printer.summary(bake);
  process.stdout.write(values.json ? `${JSON.stringify(bake.manifest)}\n` : `${JSON.stringify(bake.manifest, null, 2)}\n`);
  return bake.status === 'SUCCEEDED' ? 0 : 1;
}

/** The state file's account (a new one in the bakery's account and region), refused when the bakery deploys elsewhere. */
function openStateAccount(state: string, subject: BakeSubject, options: { seed?: number; faults: string[] }): SimulatedAccount {
  const environment = subject.options.bakery?.environment ?? SIMULATOR_ENVIRONMENT;
  const { account } = openAccount(state, { ...options, accountId: environment.account, region: environment.region });
  const elsewhere = subject.options.bakery ? accountMismatch(account, subject.options.bakery) : undefined;
  if (elsewhere) throw new UsageError(`--state ${state}: ${elsewhere}`, 'pass another --state file for this bakery (a new one is made in its account and region)');
  return account;
}

/** Refuses fault rules that cannot be read, or that name a step, test or runner function the bake does not have. */
function checkFaultRules(faults: readonly string[], recipe: unknown, label: string): void {
  const problems = faultRuleProblems(parseFaults(faults), recipe);
  if (problems.length === 0) return;
  throw new UsageError(problems.join('; '),
    `fix or drop the rule (it would never fire in a bake of ${label}); bakery simulate --help lists the fault rules`);
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
