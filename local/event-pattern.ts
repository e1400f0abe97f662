/**
 * EventBridge event pattern matching, for the patterns the bakery's rules use: every field of the
 * pattern is either a list of allowed values or a nested pattern.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) return expected.includes(actual);
    if (expected && typeof expected === 'object') {
      return !!actual && typeof actual === 'object' && matchesPattern(expected as Record<string, unknown>, actual as Record<string, unknown>);
    }
    return false;
  });
}

/** A bus's name from its name or ARN (`arn:aws:events:<region>:<account>:event-bus/<name>`); none is the default bus. */
export function busName(nameOrArn: string | undefined): string {
  return nameOrArn?.split('/').pop() || 'default';
}
