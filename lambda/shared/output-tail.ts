/**
 * The short output tail a failed step carries in its error: the last lines of the command's
 * inline output. State and error causes stay small; the full output lives in CloudWatch Logs.
 */

/** Lines of output a failure shows. */
export const TAIL_LINES = 20;

/** Longest tail kept, whatever the line lengths (error causes are limited in size). */
export const MAX_TAIL_CHARACTERS = 4000;

/** SSM keeps at most this many characters of standard output inline in GetCommandInvocation. */
export const INLINE_STDOUT_LIMIT = 24000;

/** SSM keeps at most this many characters of standard error inline in GetCommandInvocation. */
export const INLINE_STDERR_LIMIT = 8000;

/** The last `count` lines of a text, without trailing blank lines. */
export function lastLines(text: string, count: number = TAIL_LINES): string[] {
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  if (lines.length === 1 && lines[0] === '') return [];
  return lines.slice(-count);
}

/** The last 20 lines of standard output followed by standard error, cut to `MAX_TAIL_CHARACTERS`. */
export function outputTail(stdout: string | undefined, stderr: string | undefined): string {
  const combined = [stdout ?? '', stderr ?? ''].map((text) => text.replace(/\s+$/, '')).filter((text) => text.length > 0).join('\n');
  const tail = lastLines(combined).join('\n');
  return tail.length > MAX_TAIL_CHARACTERS ? `...${tail.slice(-MAX_TAIL_CHARACTERS)}` : tail;
}

/** True when SSM cut the inline output (it keeps only the first 24,000 / 8,000 characters). */
export function inlineOutputTruncated(stdout: string | undefined, stderr: string | undefined): boolean {
  return (stdout?.length ?? 0) >= INLINE_STDOUT_LIMIT || (stderr?.length ?? 0) >= INLINE_STDERR_LIMIT;
}
