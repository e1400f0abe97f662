/**
 * `.waitForTaskToken` Lambda tasks in aws-local-stepfunctions, which has no task tokens: the context's
 * `$$.Task.Token` holds a placeholder that each task's handler swaps for a token of its own from the account's
 * `TaskTokens`; the task then waits for `SendTaskSuccess`/`SendTaskFailure` with it, or for its timeout.
 *
 * Step Functions reads a task's `TimeoutSecondsPath` from the state's input; the engine reads it from the
 * task's parameters instead, so the simulator takes the timeout over: it finds where the parameters put the whole
 * input (`"<key>.$": "$"`) and reads the path there.
 */
import type { TaskTokens } from './model/task-tokens';
import { STATES_TIMEOUT } from '../src/contract';

/** The resource of a Lambda invocation that waits for its task token. */
export const INVOKE_WAITING_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** What `$$.Task.Token` resolves to in the engine; each task replaces it by a real token. */
export const TOKEN_PLACEHOLDER = 'simulator:task-token';

/**
 * In place of Step Functions' default task timeout (99,999,999 s), which the engine would lower to 60 s: the
 * longest a timer can wait (about 24 days; a longer delay fires at once).
 */
const NO_TIMEOUT_SECONDS = 2_000_000;

/** An error as Step Functions reports it to Retry and Catch. */
export class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** How a token task's timeout is found in its (processed) parameters. */
export interface TokenTaskTimeout {
  /** Keys from the parameters to the state's whole input, then the path's own keys. */
  readonly keys: readonly string[];
}

/**
 * The definition as the engine should run it: token tasks lose their timeout (the simulator applies it); returns
 * their timeouts by state name, too.
 */
export function withoutTokenTimeouts(definition: any): { definition: any; timeouts: Map<string, TokenTaskTimeout | undefined> } {
  const timeouts = new Map<string, TokenTaskTimeout | undefined>();
  const rewrite = (states: Record<string, any>): Record<string, any> => Object.fromEntries(Object.entries(states).map(([name, state]) => {
    if (state.Type === 'Task' && state.Resource === INVOKE_WAITING_FOR_TOKEN) {
      timeouts.set(name, timeoutOf(name, state));
      const { TimeoutSecondsPath: _path, ...rest } = state;
      return [name, { ...rest, TimeoutSeconds: NO_TIMEOUT_SECONDS }];
    }
    const nested = state.ItemProcessor ?? state.Iterator;
    if (nested) return [name, { ...state, [state.ItemProcessor ? 'ItemProcessor' : 'Iterator']: { ...nested, States: rewrite(nested.States) } }];
    return [name, state];
  }));
  return { definition: { ...definition, States: rewrite(definition.States) }, timeouts };
}

function timeoutOf(stateName: string, state: any): TokenTaskTimeout | undefined {
  if (state.TimeoutSeconds !== undefined) throw new Error(`simulator: token task "${stateName}" has a fixed TimeoutSeconds; the simulator reads only TimeoutSecondsPath`);
  if (state.TimeoutSecondsPath === undefined) return undefined;
  const whole = pathToWholeInput(state.Parameters ?? {});
  if (!whole) throw new Error(`simulator: token task "${stateName}" has a TimeoutSecondsPath but its parameters do not carry the whole input ("<key>.$": "$")`);
  return { keys: [...whole, ...String(state.TimeoutSecondsPath).replace(/^\$\.?/, '').split('.').filter(Boolean)] };
}

function pathToWholeInput(template: Record<string, unknown>): string[] | undefined {
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && value === '$') return [key.slice(0, -2)];
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const inner = pathToWholeInput(value as Record<string, unknown>);
      if (inner) return [key, ...inner];
    }
  }
  return undefined;
}

/** The task's timeout in milliseconds, read from its processed parameters; none: Step Functions' default. */
export function timeoutMsOf(timeout: TokenTaskTimeout | undefined, parameters: unknown): number {
  if (!timeout) return NO_TIMEOUT_SECONDS * 1000;
  const seconds = timeout.keys.reduce<any>((value, key) => value?.[key], parameters);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new TaskError('States.Runtime', `TimeoutSecondsPath gave ${JSON.stringify(seconds)}; it must be a positive whole number`);
  }
  return seconds * 1000;
}

/** The parameters with the placeholder replaced by the task's token. */
export function withToken(value: unknown, token: string): unknown {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => withToken(item, token));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withToken(inner, token)]));
  return value;
}

/**
 * Waits for the token's outcome: the output of `SendTaskSuccess`, the error of `SendTaskFailure`, or
 * `States.Timeout` when the task's deadline (epoch ms: its start plus its timeout, so the invocation counts)
 * comes first; the token is closed then, so a later resume gets `TaskTimedOut`.
 */
export async function awaitToken(tokens: TaskTokens, token: string, outcome: ReturnType<TaskTokens['issue']>['outcome'], deadline: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      tokens.close(token);
      reject(new TaskError(STATES_TIMEOUT, 'the task timed out waiting for its task token'));
    }, Math.max(0, deadline - Date.now()));
  });
  try {
    const ended = await Promise.race([outcome, timedOut]);
    if (ended.status === 'failed') throw new TaskError(ended.error, ended.cause);
    return ended.output;
  } finally {
    clearTimeout(timer);
  }
}
