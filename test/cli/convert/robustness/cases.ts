/**
 * Running one case: a folder of files, converted; its recipes written and checked as `bakery convert` does. A case
 * passes if it converts, or fails with a well-formed ConvertError, and leaves Object.prototype as it was.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cdkSnippet } from '../../../../cli/convert/cdk-snippet';
import { convertTemplate } from '../../../../cli/convert/convert-template';
import { ConvertError } from '../../../../cli/convert/hcl/syntax';
import { writeRecipes } from '../../../../cli/convert/write-recipes';
import { validateRecipe } from '../../../../lambda/shared/validate-recipe';
import { localSourceProblems } from '../../../../src/staging/local-sources';
import { CORPUS } from '../corpus';

export interface Case {
  readonly label: string;
  readonly description: string;
  /** A corpus folder copied into the case's folder first. */
  readonly from?: string;
  /** Files to write, relative to the case's folder; null makes a folder. */
  readonly files: Record<string, string | Buffer | null>;
  /** Relative to the case's folder; '.' for the folder itself. */
  readonly template: string;
  readonly vars?: string[];
  readonly varFiles?: string[];
  readonly only?: string[];
  readonly environment?: Record<string, string>;
  /** Convert from inside the case's folder, with relative paths. */
  readonly fromFolder?: boolean;
}

interface Failure {
  readonly kase: Case;
  readonly stage: string;
  readonly error: unknown;
  readonly kept: string;
}

let workspace: string;
let counter = 0;

/** Makes the folder the cases are written in; call before the first case. */
export function openWorkspace(): void {
  workspace = mkdtempSync(join(tmpdir(), 'bakery-robustness-'));
}

/** Removes the folder the cases are written in, with the files kept for failures. */
export function closeWorkspace(): void {
  rmSync(workspace, { recursive: true, force: true });
}

async function runCase(kase: Case): Promise<Failure | undefined> {
  const caseDir = join(workspace, `case-${++counter}`);
  const folder = join(caseDir, 'template');
  const out = join(caseDir, 'out');
  mkdirSync(folder, { recursive: true });
  if (kase.from) cpSync(join(CORPUS, kase.from), folder, { recursive: true });
  for (const [name, content] of Object.entries(kase.files)) {
    if (content === null) mkdirSync(join(folder, name), { recursive: true });
    else writeFileSync(join(folder, name), content);
  }
  // Packer finds files relative to where it runs: an empty folder here, so a path such as "" names nothing big.
  const cwd = kase.fromFolder ? folder : join(caseDir, 'cwd');
  mkdirSync(cwd, { recursive: true });
  const inFolder = (path: string) => (kase.fromFolder ? path : join(folder, path));
  const savedCwd = process.cwd();
  const failure = (stage: string, error: unknown): Failure => ({ kase, stage, error, kept: caseDir });
  let result: Awaited<ReturnType<typeof convertTemplate>> | undefined;
  let thrown: unknown;
  try {
    process.chdir(cwd);
    result = await convertTemplate(kase.template === '.' && !kase.fromFolder ? folder : inFolder(kase.template), {
      only: kase.only ?? [],
      vars: kase.vars ?? [],
      varFiles: (kase.varFiles ?? []).map(inFolder),
      environment: { ...kase.environment },
    });
  } catch (error) {
    thrown = error;
  } finally {
    process.chdir(savedCwd);
  }
  const polluted = pollution();
  if (polluted) return failure('Object.prototype', polluted);
  if (!result) {
    if (!(thrown instanceof ConvertError)) return failure('convertTemplate', thrown);
    if (!wellFormed(thrown)) return failure('ConvertError message (not file:line: reason)', thrown);
    return done(caseDir);
  }
  try {
    const written = writeRecipes(result.recipes, out, result.root);
    for (const recipe of written) {
      const validation = validateRecipe(recipe.document);
      if (validation.valid) localSourceProblems(recipe.document, out);
    }
    if (written.length > 0) cdkSnippet(written, out);
  } catch (error) {
    return failure('writeRecipes and the checks after it', error);
  }
  return done(caseDir);
}

const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A name the conversion added to Object.prototype (removed again, so later cases are not affected). */
function pollution(): Error | undefined {
  const added = Object.getOwnPropertyNames(Object.prototype).filter((name) => !PROTOTYPE_NAMES.has(name));
  for (const name of added) delete (Object.prototype as Record<string, unknown>)[name];
  return added.length > 0 ? new Error(`the conversion added ${added.join(', ')} to Object.prototype`) : undefined;
}

function done(caseDir: string): undefined {
  rmSync(caseDir, { recursive: true, force: true });
  return undefined;
}

/** `file:line: reason` with a real file and line, or `path: reason` for a problem with a whole file. */
function wellFormed(error: ConvertError): boolean {
  if (error.reason.trim() === '') return false;
  if (!error.place) return /^\S.*?: \S/.test(error.message);
  return typeof error.place.file === 'string' && error.place.file !== '' && Number.isInteger(error.place.line) && error.place.line >= 1;
}

function describeFailure({ kase, stage, error, kept }: Failure): string {
  // Errors made by Node itself (a SystemError from fs) are not instances of the test's Error: read them by shape.
  const shape = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; stack?: unknown };
  const name = typeof shape.name === 'string' ? shape.name : typeof error;
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  const stack = (typeof shape.stack === 'string' ? shape.stack : '').split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 3);
  return [`${kase.label}: ${kase.description}`, `  in ${stage}: ${name}: ${message.slice(0, 300)}`, ...stack.map((line) => `    ${line.trim()}`),
    `  (files kept in ${kept})`].join('\n');
}

export async function failuresOf(cases: Case[]): Promise<string[]> {
  const failures: Failure[] = [];
  for (const kase of cases) {
    const failure = await runCase(kase);
    if (failure) failures.push(failure);
  }
  return failures.map(describeFailure);
}
