/**
 * Turns the schema's verdict into messages a person can act on: `steps[1].shell.commands: expected ...`.
 */
import type * as z from 'zod';
import { recipeSchema } from './recipe-schema';
import type { RecipeDocument } from './recipe-schema';
import type { ProvisioningStep } from './step-schema';
import { MAX_DOCUMENT_BYTES } from '../../src/recipe/document-limits';
import { namedPlatformProblems } from '../../src/recipe/platform-rules';
import { stepPath, stepsIn } from '../../src/recipe/step-lists';

export { MAX_DOCUMENT_BYTES };

export type RecipeValidation =
  | { readonly valid: true; readonly recipe: RecipeDocument; readonly problems: [] }
  | { readonly valid: false; readonly problems: string[] };

/** Validates a parsed document. */
export function validateRecipe(document: unknown): RecipeValidation {
  const size = Buffer.byteLength(JSON.stringify(document) ?? '', 'utf8');
  if (size > MAX_DOCUMENT_BYTES) {
    return { valid: false, problems: [`document: ${size} bytes is over the ${MAX_DOCUMENT_BYTES}-byte limit (Step Functions carries at most 256 KB of state)`] };
  }
  const result = recipeSchema.safeParse(document, { reportInput: true });
  if (!result.success) return { valid: false, problems: result.error.issues.flatMap(describeIssue) };
  // When the source names its platform (AWS's public Windows or Linux parameters), steps that do not fit are refused here already.
  const problems = namedPlatformProblems(result.data);
  return problems.length > 0 ? { valid: false, problems } : { valid: true, recipe: result.data, problems: [] };
}

/**
 * A command that restarts the machine at once, at the start of any line of a shell command, after `;`, `&&`, `||`,
 * `|`, `sudo`, or a `then`, `else` or `do` keyword: `reboot`, `shutdown -r now`, `systemctl reboot`, `init 6` (also by
 * their /sbin paths).
 */
const REBOOT_COMMAND = new RegExp(
  String.raw`(?:^\s*|[;&|]\s*|\b(?:sudo|then|else|do)\s+)((?:/usr)?(?:/s?bin/)?` +
  String.raw`(?:reboot\b|shutdown\s+(?:\S+\s+)*?(?:-[a-zA-Z]*r[a-zA-Z]*|--reboot)\b|systemctl\s+(?:-\S+\s+)*reboot\b|(?:tel)?init\s+6\b)[^;&|\n]*)`,
  'm',
);

/**
 * Legal but questionable parts of a valid recipe, one line each: a shell step that reboots the instance itself
 * (`reboot`, `shutdown -r now`), which kills the SSM agent under the running command, so SSM reports the step as
 * failed. `validate` prints them; they do not make the recipe invalid.
 */
export function recipeWarnings(recipe: RecipeDocument): string[] {
  return stepsIn<ProvisioningStep>(recipe).flatMap((at) => (at.step.shell?.commands ?? []).flatMap((command, index) => {
    const reboot = REBOOT_COMMAND.exec(command)?.[1]?.trim();
    return reboot === undefined ? [] : [`${stepPath(at)}.shell.commands[${index}]: "${printable(reboot)}" restarts the instance under SSM, ` +
      'which then reports the step as failed; use a { "reboot": {} } step (or exit 194) instead'];
  }));
}

/** Validates the text of a recipe file (JSON). */
export function validateRecipeText(text: string): RecipeValidation {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { valid: false, problems: [`document: not valid JSON (${printable((error as Error).message)})`] };
  }
  return validateRecipe(document);
}

/**
 * Renders `['steps', 1, 'shell', 'commands']` as `steps[1].shell.commands`. A key that is empty or holds
 * control characters is quoted with escapes (`ami.tags["te\u0008am"]`), and a very long key is cut
 * (`ami.tags.xxxx…(5000 characters)`), so a problem stays one short printable line.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    const key = shortened(String(part));
    if (typeof part === 'number') out += `[${part}]`;
    else if (key === '' || UNPRINTABLE.test(key)) out += `["${printable(key).replace(/"/g, '\\"')}"]`;
    else out += out ? `.${key}` : key;
  }
  return out || 'document';
}

/** Keys longer than this are cut in paths. */
const MAX_KEY_IN_PATH = 160;

function shortened(key: string): string {
  return key.length > MAX_KEY_IN_PATH ? `${key.slice(0, 40)}…(${key.length} characters)` : key;
}

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]/;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with control characters written as escapes (`\n`, `\u001b`), so it cannot break or restyle a terminal line. */
export function printable(text: string): string {
  return text.replace(new RegExp(UNPRINTABLE.source, 'g'), (char) => ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field; check its spelling against the recipe reference`);
  }
  if (issue.code === 'invalid_key') {
    return issue.issues.map((inner) => `${formatPath(issue.path)}: ${inner.message}`);
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [`${formatPath(issue.path)}: missing (required)`];
  }
  return [`${formatPath(issue.path)}: ${issue.message}`];
}
