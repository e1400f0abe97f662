/**
 * Field schemas the recipe document uses in many places: text without control characters, whole
 * numbers in a range, environment variables. Each gives a message that says what was expected.
 */
import * as z from 'zod';

/** C0 and C1 control characters and DEL: never wanted in names, tags, ids or paths. */
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, except tab and newline, which scripts and descriptions may use. */
const CONTROL_CHAR_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `U+0007` for the first control character of a string the pattern matches. */
function firstControl(value: string, pattern: RegExp): string {
  const found = pattern.exec(value)?.[0] ?? '';
  return `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Refuses control characters: all of them, or all but tab and newline for `multiLine` text such as
 * shell commands (a stray carriage return or escape sequence there is a copy-paste accident or worse).
 */
export const noControl = (schema: z.ZodString, multiLine = false) => {
  const pattern = multiLine ? CONTROL_CHAR_IN_TEXT : CONTROL_CHAR;
  const allowed = multiLine ? ' other than tab and newline' : '';
  return schema.superRefine((value, ctx) => {
    if (pattern.test(value)) {
      ctx.addIssue({ code: 'custom', message: `must not contain control characters${allowed} (found ${firstControl(value, pattern)})` });
    }
  });
};

/** A non-empty single-line string of at most `max` characters. */
export const text = (what: string, max: number) =>
  noControl(z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` }).max(max, { error: `must be at most ${max} characters` }));

/** Free text such as a description: tab and newline allowed, other control characters not. */
export const prose = (max: number) =>
  noControl(z.string({ error: 'expected a string' }).max(max, { error: `must be at most ${max} characters` }), true);

/** A whole number from `min` to `max`. */
export const int = (min: number, max: number, unit: string) =>
  z.number({ error: `expected a whole number of ${unit}` })
    .int({ error: `expected a whole number of ${unit}` })
    .min(min, { error: `must be between ${min} and ${max} ${unit}` })
    .max(max, { error: `must be between ${min} and ${max} ${unit}` });

/** Environment variables for a step: POSIX names, string values. */
export const environmentSchema = z.record(
  z.string().regex(ENV_NAME, { error: 'environment variable names must match [A-Za-z_][A-Za-z0-9_]*' })
    .max(256, { error: 'environment variable names must be at most 256 characters' }),
  noControl(z.string({ error: 'environment values must be strings' }).max(4096, { error: 'environment values must be at most 4096 characters' }), true),
  { error: 'expected an object of variable names to string values' },
);

/** One problem a shared rule (src/recipe/*-rules.ts) found, at a path inside the value it checked. */
interface RuleProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Adds the problems of a shared rule as issues of the value being refined, each at its path inside it. */
export function addProblems(ctx: z.core.$RefinementCtx, problems: readonly RuleProblem[]): void {
  for (const problem of problems) ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
}
