import { parseArgs } from 'node:util';
import { simulateBake } from '../../local/simulate-bake';
import { ProgressPrinter } from '../progress-printer';
import { readRecipeFile } from '../recipe-file';

/** `bakery simulate <recipe.json>`: a whole bake in the local simulator; exit code 0 only when it succeeded. */
export async function runSimulate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      fault: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new Error('simulate takes one recipe file: bakery simulate <recipe.json> [--json] [--fault RULE]...');
  const { path, text } = readRecipeFile(positionals[0]);
  const recipe = parseJson(path, text);
  const printer = new ProgressPrinter(process.stdout);
  printer.header(path, values.fault ?? []);
  const bake = await simulateBake({
    input: { recipe },
    faults: values.fault,
    seed: values.seed === undefined ? undefined : parseSeed(values.seed),
    onProgress: (event) => printer.print(event),
    verboseLogs: values.verbose,
  });
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
