import { dirname } from 'node:path';
import { inventory, openAccount, saveAccount } from '../../local/account-state';
import { simulateBake } from '../../local/simulate-bake';
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
 * With `--state FILE` the account is loaded from the file (when it exists) and saved back after the bake;
 * `--state FILE --inventory` prints what that account holds as one JSON line.
 */
export async function runSimulate(positionals: string[], values: SimulateOptions): Promise<number> {
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed);
  if (values.inventory) {
    if (values.state === undefined) throw new Error(`--inventory needs --state FILE: ${FORMS}`);
    if (positionals.length) throw new Error(`--inventory takes no recipe file: ${FORMS}`);
    const { account } = openAccount(values.state, { seed });
    process.stdout.write(`${JSON.stringify(inventory(account))}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new Error(`simulate takes one recipe file: ${FORMS}`);
  const { path, text } = readRecipeFile(positionals[0]);
  const recipe = parseJson(path, text);
  // Opened before the bake so a bad state file or fault rule fails before anything is printed.
  const account = values.state === undefined ? undefined : openAccount(values.state, { seed, faults: values.fault ?? [] }).account;
  const printer = new ProgressPrinter(process.stdout);
  printer.header(path, values.fault ?? []);
  const bake = await simulateBake({
    recipe,
    account,
    faults: values.fault,
    seed,
    onProgress: (event) => printer.print(event),
    verboseLogs: values.verbose,
    // Scripts, files and Ansible folders the recipe names are staged into the simulated bucket, as bakery build does.
    stageFrom: dirname(path),
  });
  if (values.state !== undefined) saveAccount(bake.account, values.state);
  printer.summary(bake);
  process.stdout.write(values.json ? `${JSON.stringify(bake.manifest)}\n` : `${JSON.stringify(bake.manifest, null, 2)}\n`);
  return bake.status === 'SUCCEEDED' ? 0 : 1;
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
