/**
 * Go durations as Packer writes them (`timeout = "5m"`, `timeadd(t, "8760h")`): a sign, then numbers with units
 * `h`, `m`, `s`, `ms`, `us`/`µs` and `ns`, such as `1h30m` or `-1.5h`.
 */

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
const DURATION = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:h|ms|m|s|us|µs|ns))+$/;

/** The duration in seconds, or undefined when the text is not a Go duration. */
export function durationSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!DURATION.test(trimmed)) return undefined;
  const parts = [...trimmed.matchAll(/((?:\d+(?:\.\d*)?|\.\d+))(h|ms|m|s|us|µs|ns)/g)];
  const seconds = parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNIT_SECONDS[unit], 0);
  return trimmed.startsWith('-') ? -seconds : seconds;
}
