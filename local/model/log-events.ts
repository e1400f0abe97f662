/**
 * CloudWatch Logs `GetLogEvents` on the streams SSM Run Command writes a command's output to
 * (`<commandId>/<instanceId>/aws-runShellScript/stdout` and `/stderr`), as far as the agent has written them.
 * Without a token and with `startFromHead` false (the default) the newest events come back, oldest first.
 */
import type { GetLogEventsRequest, GetLogEventsResponse } from '@aws-sdk/client-cloudwatch-logs';
import type { OperationContext } from './context';
import { logsError } from './errors';
import { logEvents } from './invocations';

const MAX_EVENTS = 10_000;

export function getLogEvents(ctx: OperationContext, input: GetLogEventsRequest): GetLogEventsResponse {
  if (!input.logGroupName || !input.logStreamName) {
    throw logsError('InvalidParameterException', 'logGroupName and logStreamName are required.');
  }
  const events = logEvents(ctx, input.logGroupName).filter((event) => event.logStreamName === input.logStreamName);
  if (events.length === 0) throw logsError('ResourceNotFoundException', 'The specified log stream does not exist.');
  const limit = Math.min(input.limit ?? MAX_EVENTS, MAX_EVENTS);
  const start = startIndex(input, events.length, limit);
  const page = events.slice(start, start + limit);
  return {
    events: page.map((event) => ({ timestamp: event.timestamp, message: event.message, ingestionTime: event.timestamp })),
    nextForwardToken: `f/${start + page.length}`,
    nextBackwardToken: `b/${start}`,
  };
}

function startIndex(input: GetLogEventsRequest, total: number, limit: number): number {
  const token = /^([fb])\/(\d+)$/.exec(input.nextToken ?? '');
  if (token) return token[1] === 'f' ? Number(token[2]) : Math.max(0, Number(token[2]) - limit);
  return input.startFromHead ? 0 : Math.max(0, total - limit);
}
