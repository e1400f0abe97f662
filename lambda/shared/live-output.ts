/**
 * The running step's latest output lines, for people watching a bake (the CLI, the console's state output).
 * SSM fills a command's inline output only once it has ended; while it runs, the agent streams it to the
 * command-output log group (see `output-streams.ts`). Reading it never fails a step: without the stream yet
 * (or any error), or for a document whose plugin the bakery does not know, there is simply no tail.
 */
import { GetLogEventsCommand, OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { logs } from './clients/logs';
import { describeError } from './errors';
import { logger } from './logger';
import { outputStream } from './output-streams';
import { MAX_TAIL_CHARACTERS } from './output-tail';

/** Lines of live output a check keeps in the state. */
export const LIVE_TAIL_LINES = 10;

/**
 * The last `count` lines the command has written so far (standard output and error, in time order). Also read
 * when a step has failed and SSM cut its inline output, which keeps only the start.
 */
export async function liveOutputTail(
  logGroupName: string | undefined, commandId: string, instanceId: string, plugin: string | undefined, count = LIVE_TAIL_LINES,
): Promise<string[] | undefined> {
  if (!logGroupName || !plugin) return undefined;
  const streams = (['stdout', 'stderr'] as const).map((stream) => outputStream(commandId, instanceId, plugin, stream));
  const events = (await Promise.all(streams.map((stream) => latestEvents(logGroupName, stream, count)))).flat();
  const lines = events
    .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
    .flatMap((event) => (event.message ?? '').replace(/\s+$/, '').split(/\r?\n/))
    .slice(-count);
  return capped(lines);
}

async function latestEvents(logGroupName: string, logStreamName: string, count: number): Promise<OutputLogEvent[]> {
  try {
    const { events } = await logs().send(new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: false, limit: count }));
    return events ?? [];
  } catch (error) {
    if ((error as Error)?.name !== 'ResourceNotFoundException') logger.warn('Could not read the step\'s live output', { error: describeError(error) });
    return [];
  }
}

/** Keeps the state small: the newest lines that fit in `MAX_TAIL_CHARACTERS`. */
function capped(lines: string[]): string[] {
  const kept: string[] = [];
  let size = 0;
  for (const line of [...lines].reverse()) {
    size += line.length + 1;
    if (size > MAX_TAIL_CHARACTERS) break;
    kept.unshift(line);
  }
  return kept;
}
