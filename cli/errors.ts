/**
 * Errors the CLI reports to a person: one line saying what went wrong, one line saying what to do.
 * Anything else that reaches the top is unexpected and reported the same way, with its stack trace
 * only under `--debug`.
 */

/** An error the CLI explains: `bakery: <message>` then `hint: <hint>`; exit code 1, or 2 for a usage error. */
export class CliError extends Error {
  constructor(message: string, readonly hint: string, readonly exitCode: 1 | 2 = 1, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CliError';
  }
}

/** Wrong arguments or options: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string, hint: string) {
    super(message, hint, 2);
    this.name = 'UsageError';
  }
}

/** The two lines the CLI prints for an error, and its exit code. */
export function describeFailure(error: unknown): { message: string; hint: string; exitCode: number } {
  if (error instanceof CliError) return { message: oneLine(error.message), hint: oneLine(error.hint), exitCode: error.exitCode };
  const message = error instanceof Error ? error.message : String(error);
  return { message: oneLine(message), hint: 'this looks like a bug in bakery; run the command again with --debug for the stack trace', exitCode: 1 };
}

/** Folds a multi-line text into one line. */
export function oneLine(text: string): string {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0).join(' ');
}
