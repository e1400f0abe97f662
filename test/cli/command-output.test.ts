/**
 * A followed bake's live output: each poll reads on from where the last read of each stream ended, so the CLI
 * fetches a line once however long the step runs.
 */
import type { LogLine, LogsApi, StreamRead } from '../../cli/aws/logs';
import { commandOutput, GrowingOutput } from '../../cli/bake/command-output';

const GROUP = '/cdk-ami-bakery/bakery/output';
const COMMAND = { step: 1, commandId: 'cmd-1', instanceId: 'i-0123456789abcdef0' };
const stream = (name: 'stdout' | 'stderr') => `cmd-1/i-0123456789abcdef0/aws-runShellScript/${name}`;

/** Streams as CloudWatch Logs keeps them, with forward tokens that say how many events were read, and the reads made. */
class FakeLogs implements LogsApi {
  public readonly streams = new Map<string, LogLine[]>();
  public readonly reads: { stream: string; token?: string; events: number }[] = [];

  public write(name: string, timestamp: number, message: string): void {
    this.streams.set(name, [...(this.streams.get(name) ?? []), { timestamp, message }]);
  }

  public async streamEvents(group: string, name: string): Promise<LogLine[] | undefined> {
    return (await this.streamEventsAfter(group, name))?.lines;
  }

  public async streamEventsAfter(_group: string, name: string, token?: string): Promise<StreamRead | undefined> {
    const events = this.streams.get(name);
    if (!events) return undefined;
    const from = token ? Number(token.slice(2)) : 0;
    this.reads.push({ stream: name, token, events: events.length - from });
    return { lines: events.slice(from), nextToken: `f/${events.length}` };
  }
}

test('each read goes on from the last: a line is fetched once, and the whole output comes back in time order', async () => {
  const logs = new FakeLogs();
  const output = new GrowingOutput(logs, GROUP);
  logs.write(stream('stdout'), 1, 'Reading package lists...');
  logs.write(stream('stderr'), 2, 'debconf: falling back');

  const first = await output.of(COMMAND, 'aws-runShellScript');
  logs.write(stream('stdout'), 3, 'Setting up nginx');
  const second = await output.of(COMMAND, 'aws-runShellScript');

  expect(first.map((line) => line.message)).toEqual(['Reading package lists...', 'debconf: falling back']);
  expect(second.map((line) => line.message)).toEqual(['Reading package lists...', 'debconf: falling back', 'Setting up nginx']);
  expect(second).toEqual(await commandOutput(logs, GROUP, COMMAND, 'aws-runShellScript'));
  expect(logs.reads.slice(0, 4)).toEqual([
    { stream: stream('stdout'), token: undefined, events: 1 },
    { stream: stream('stderr'), token: undefined, events: 1 },
    { stream: stream('stdout'), token: 'f/1', events: 1 },
    { stream: stream('stderr'), token: 'f/1', events: 0 },
  ]);
});

test('a stream not written yet is read from its start once it is', async () => {
  const logs = new FakeLogs();
  const output = new GrowingOutput(logs, GROUP);

  expect(await output.of(COMMAND, 'aws-runShellScript')).toEqual([]);
  logs.write(stream('stderr'), 5, 'E: broken pipe');

  expect((await output.of(COMMAND, 'aws-runShellScript')).map((line) => `${line.stream}: ${line.message}`)).toEqual(['stderr: E: broken pipe']);
});
