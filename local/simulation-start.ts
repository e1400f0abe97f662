/**
 * When a simulated bake starts when its caller names no time: the time in `BAKERY_SIMULATE_START` (an ISO 8601
 * time, for runs that must repeat exactly: the same seed and start give the same ids, names and dates), else now;
 * never before the latest time the account has seen, so bakes in one account follow each other.
 */

/** The environment variable that fixes the start of simulated bakes. */
export const SIMULATE_START_VARIABLE = 'BAKERY_SIMULATE_START';

/** The start (epoch ms) of a bake in an account whose clock has reached `accountNow`. */
export function defaultSimulationStart(accountNow: number): number {
  return Math.max(configuredStart() ?? Date.now(), accountNow);
}

function configuredStart(): number | undefined {
  const text = process.env[SIMULATE_START_VARIABLE];
  if (text === undefined || text === '') return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`${SIMULATE_START_VARIABLE} must be an ISO 8601 time such as 2030-01-01T00:00:00Z, not '${text}'`);
  return ms;
}
