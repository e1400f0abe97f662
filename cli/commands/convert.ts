/**
 * `bakery convert <template>`: a Packer template (HCL2 file or folder, or legacy JSON) becomes recipe files in
 * `--out`, with the files they name copied beside them, and a report saying for every attribute and block what
 * became of it. Exit code 0 when at least one recipe was written, 1 when none was, 2 for wrong usage.
 */
import { existsSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { validateRecipe } from '../../lambda/shared/validate-recipe';
import { localSourceProblems } from '../../src/staging/local-sources';
import { cdkSnippet } from '../convert/cdk-snippet';
import { convertTemplate } from '../convert/convert-template';
import { ConvertError } from '../convert/hcl/syntax';
import { outcomeText, ReportLine } from '../convert/report';
import { WrittenRecipe, writeRecipes } from '../convert/write-recipes';
import { CliError, UsageError } from '../errors';
import type { Terminal } from '../terminal';

export interface ConvertCommandOptions {
  readonly var: string[];
  readonly varFile: string[];
  readonly only: string[];
  readonly out: string;
  readonly json?: boolean;
  readonly cdk?: boolean;
}

export async function runConvert(template: string, options: ConvertCommandOptions, terminal: Terminal): Promise<number> {
  checkUsage(template, options);
  const conversion = await converted(template, options);
  if (conversion.recipes.length === 0) return noRecipe(template, options, conversion.report.lines, terminal);
  const written = writeRecipes(conversion.recipes, options.out, conversion.root);
  const invalid = written.flatMap((recipe) => recipeProblems(recipe).map((problem) => `${recipe.file}: ${problem}`));
  for (const problem of [...invalid, ...sensitiveWarnings(written, conversion.sensitive)]) terminal.err.write(`warning: ${problem}\n`);
  const snippet = options.cdk ? cdkSnippet(written, options.out) : undefined;
  if (options.json) {
    const recipes = written.map(({ file, name }) => ({ file, name }));
    terminal.out.write(`${JSON.stringify({ recipes, report: conversion.report.lines, ...(snippet ? { cdk: snippet } : {}) })}\n`);
  } else {
    printReport(conversion.report.lines, terminal);
    terminal.out.write(`\n${written.length} recipe(s) written: ${written.map((recipe) => recipe.file).join(', ')}\n`);
    terminal.out.write(`Try one without an AWS account: bakery simulate ${written[0].file}\n`);
    if (snippet) terminal.out.write(`\n${snippet}`);
  }
  return 0;
}

function checkUsage(template: string, options: ConvertCommandOptions): void {
  if (!existsSync(template)) throw new UsageError(`${template}: no such file or folder`, 'give a template (*.pkr.hcl or *.json) or a folder of *.pkr.hcl files');
  for (const file of options.varFile) if (!existsSync(file)) throw new UsageError(`--var-file ${file}: no such file`, 'check the path of the var file');
  for (const assignment of options.var) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*=/.test(assignment)) throw new UsageError(`--var ${assignment}: expected name=value`, 'write it as --var region=eu-west-1');
  }
}

async function converted(template: string, options: ConvertCommandOptions) {
  try {
    return await convertTemplate(template, { vars: options.var, varFiles: options.varFile, only: options.only, environment: process.env });
  } catch (error) {
    if (error instanceof ConvertError) throw new CliError(error.message, 'fix the template there, or pass the value it needs with --var or --var-file');
    throw error;
  }
}

/** Exit code 1, with why: no amazon-ebs source, or none that --only names. */
function noRecipe(template: string, options: ConvertCommandOptions, lines: ReportLine[], terminal: Terminal): number {
  if (options.json) terminal.out.write(`${JSON.stringify({ recipes: [], report: lines })}\n`);
  else printReport(lines, terminal);
  const reason = options.only.length > 0
    ? `no amazon-ebs source of a build matches --only ${options.only.join(', ')}`
    : 'the template has no build with an amazon-ebs source';
  terminal.err.write(`bakery: ${template}: no recipe written: ${reason}\n`);
  terminal.err.write('hint: a recipe is made for each amazon-ebs source a build block names; --only takes source.amazon-ebs.NAME\n');
  return 1;
}

/** A sensitive variable's value written into a recipe: recipes are readable by whoever may read the bakery. */
function sensitiveWarnings(written: readonly WrittenRecipe[], sensitive: Map<string, string>): string[] {
  return written.flatMap((recipe) => [...sensitive]
    .filter(([, value]) => JSON.stringify(recipe.document).includes(JSON.stringify(value).slice(1, -1)))
    .map(([name]) => `${recipe.file}: holds the value of the sensitive variable "${name}"; a registered recipe is in the bakery's recipe catalog and `
      + 'an inline one is execution input, both readable by whoever may read the bakery. Read the secret on the instance instead '
      + '(Secrets Manager or a SecureString parameter the instance role may read)'));
}

/** What `bakery validate` would say about a written recipe. */
function recipeProblems(recipe: WrittenRecipe): string[] {
  const result = validateRecipe(recipe.document);
  if (!result.valid) return result.problems;
  return localSourceProblems(recipe.document, dirname(recipe.file));
}

/** The report as a table: where, what, and what became of it. */
function printReport(lines: ReportLine[], terminal: Terminal): void {
  const rows = lines.map((line) => [`${relative(process.cwd(), line.file) || line.file}:${line.line}`, line.attribute, outcomeText(line)]);
  const widths = [0, 1].map((column) => Math.min(60, Math.max(...rows.map((row) => row[column].length), 5)));
  const { colors } = terminal;
  terminal.out.write(colors.bold(`${'WHERE'.padEnd(widths[0])}  ${'ATTRIBUTE'.padEnd(widths[1])}  OUTCOME\n`));
  for (const [where, attribute, outcome] of rows) {
    const paint = outcome.startsWith('not carried') ? colors.yellow : outcome.startsWith('not needed') ? colors.dim : (text: string) => text;
    terminal.out.write(`${where.padEnd(widths[0])}  ${attribute.padEnd(widths[1])}  ${paint(outcome)}\n`);
  }
}
