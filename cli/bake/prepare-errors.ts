/**
 * A bake that failed in Prepare never started: the recipe was not found, not valid, or could not be
 * baked as asked. The CLI reports that as an error (one line, and what to do) rather than as a bake.
 */
import type { Outcome } from './outcome';
import { CliError } from '../errors';

const HINTS: Record<string, string> = {
  RecipeNotFound: 'register the recipe with bakery.addRecipe() in your CDK app and deploy, or bake a recipe file: bakery build ./recipe.json',
  InvalidRecipe: 'fix the recipe or the --override values; bakery validate <recipe.json> checks a recipe file',
  InvalidInput: 'check the --override values: each is path.to.field=value',
  SourceImageNotFound: 'check the recipe\'s source (AMI id, SSM parameter or image filter) and --region',
  UnsupportedSourceImage: 'bake from an EBS-backed Linux or Windows image (x86_64 or arm64)',
  AmiNameInUse: 'put {{timestamp}} or {{buildId}} in ami.name, or set ami.forceDeregister in the recipe',
};

/** The error to report for a bake that failed in Prepare; undefined for any other outcome. */
export function prepareError(outcome: Outcome, consoleUrl: string): CliError | undefined {
  if (outcome.status !== 'FAILED' || outcome.manifest.error?.phase !== 'prepare') return undefined;
  const message = outcome.manifest.error.message || withoutPrefix(outcome.cause ?? '') || outcome.error || 'the bake failed in prepare';
  const name = outcome.error ?? '';
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  // RecipeNotFound says what to do in terms of the console; the hint says it in terms of the CLI.
  const what = name === 'RecipeNotFound' ? firstSentence(lines.join(' ')) : lines.join('; ');
  return new CliError(`${name ? `${name}: ` : ''}${what}`, HINTS[name] ?? `the execution history shows what happened: ${consoleUrl}`);
}

/** The cause without its "Bake <id> of recipe "<name>" failed in prepare: " lead. */
function withoutPrefix(cause: string): string {
  return cause.replace(/^Bake \S+ of recipe "[^"]*" failed in [^:]+: /, '');
}

function firstSentence(text: string): string {
  const end = text.search(/\)\. |\. (?=[A-Z])/);
  return end < 0 ? text : text.slice(0, text[end] === ')' ? end + 1 : end);
}
