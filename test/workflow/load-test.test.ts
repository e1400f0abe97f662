/**
 * `npx projen load-test` runs 100 concurrent bakes; this runs the same script with fewer, so its last line, its
 * exit code and the rate limits it bakes under are checked on every build.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

test('the load test bakes the example recipes at once under the rate limits, and its last line counts them', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/load-test.ts'), '--bakes', '10'], {
    cwd: ROOT, encoding: 'utf8', timeout: 240_000,
  });
  const lines = result.stdout.trim().split('\n');

  expect(lines.at(-1)).toBe('load test: 10 concurrent bakes, 10 succeeded, 0 failed, 0 leaked resources');
  expect(lines.find((line) => line.startsWith('windows-iis'))).toMatch(/^windows-iis\s+2 bakes, median \d+ s simulated$/);
  expect(lines.find((line) => / API calls, \d+ throttled/.test(line))).toBeDefined();
  expect(result.status).toBe(0);
}, 300_000);
