/**
 * Ctrl-C while following a bake asks whether to stop it: yes stops the execution and follows it until
 * it has stopped; no leaves it running. On a terminal the bake is shown live: spinner, phase, step n of m.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { account, cliEnvironment, ROOT } from './fixtures/run-bakery';
import { bakeryWorld, runningScript } from './fixtures/worlds';

/** Resolves once `text` is in what the stream printed. */
function printed(stream: NodeJS.ReadableStream, text: string, seen: { text: string }): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (seen.text.includes(text)) {
        stream.removeListener('data', check);
        resolve();
      }
    };
    stream.on('data', check);
    check();
  });
}

function collect(child: ChildProcess) {
  const out = { text: '' };
  const err = { text: '' };
  child.stdout!.on('data', (chunk) => (out.text += chunk));
  child.stderr!.on('data', (chunk) => (err.text += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { out, err, exited };
}

/** A bake that goes on until it is stopped (its history stops at step 1's first check). */
function holdingWorld() {
  const running = runningScript('{{buildId}}');
  return bakeryWorld({ starts: { nginx: { ...running, revealPerPoll: 9 } } });
}

describe('Ctrl-C while following', () => {
  test('yes: StopExecution, then following goes on until the bake has stopped (ABORTED, exit code 1)', async () => {
    const aws = account(holdingWorld());
    const child = aws.start('build', 'nginx', '--follow', '--interval', '0.05', '--name', 'nginx-stop');
    const { out, err, exited } = collect(child);
    await printed(child.stdout!, '| Building dependency tree...', out);
    child.kill('SIGINT');
    await printed(child.stderr!, 'Stop bake nginx-stop? Cleanup runs when it stops. [y/N] ', err);
    child.stdin!.write('y\n');

    expect(await exited).toBe(1);
    expect(aws.calls('StopExecution').map((call) => call.input.executionArn)).toEqual([expect.stringMatching(/:execution:.*:nginx-stop$/)]);
    expect(out.text).toContain('Stopping bake nginx-stop. Cleanup was triggered');
    expect(out.text).toMatch(/^ABORTED after .* in phase provision \(step 1\)$/m);
    expect(JSON.parse(out.text.slice(out.text.indexOf('\n{') + 1))).toMatchObject({ status: 'ABORTED', buildId: 'nginx-stop' });
  });

  test('no: the bake goes on, the CLI stops following (exit code 130)', async () => {
    const aws = account(holdingWorld());
    const child = aws.start('build', 'nginx', '--follow', '--interval', '0.05', '--name', 'nginx-go-on');
    const { out, err, exited } = collect(child);
    await printed(child.stdout!, 'step 1/3 started', out);
    child.kill('SIGINT');
    await printed(child.stderr!, '[y/N]', err);
    child.stdin!.end('n\n');

    expect(await exited).toBe(130);
    expect(aws.calls('StopExecution')).toEqual([]);
    expect(err.text).toContain('Bake nginx-go-on goes on. Follow it again: bakery status nginx-go-on --follow');
  });
});

/** `script` (util-linux) gives the CLI a pseudo-terminal. */
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('on a terminal', () => {
  (hasScript ? test : test.skip)('a live line with a spinner, the phase, step n of m and the running state', () => {
    const aws = account(bakeryWorld());
    const command = [process.execPath, '--import', 'tsx', '--import', join(__dirname, 'fixtures/mock-aws.ts'), join(ROOT, 'cli/bakery.ts'),
      'build', 'nginx', '--follow', '--interval', '0.1', '--name', 'nginx-tty'].map((arg) => `'${arg}'`).join(' ');
    // `script` runs the CLI with a pseudo-terminal as its stdout.
    const run = spawnSync('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT, env: { ...cliEnvironment({ BAKERY_MOCK_AWS: aws.file }), COLUMNS: '100' }, encoding: 'utf8', timeout: 60_000,
    });

    expect(run.status).toBe(0);
    // The bake started at 10:15:00 on the world's clock, which reads 12:05:00 when the CLI starts.
    expect(run.stdout).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] provision · step 2 of 3 · 01:50:\d\d · \S/);
    expect(run.stdout).toContain('  │ Created symlink nginx.service');
    expect(run.stdout).toContain('\u001b[?25l');
    expect(run.stdout).toContain('SUCCEEDED in 4 min 32 s');
  });
});
