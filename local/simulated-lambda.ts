/**
 * Invokes the runner's handler modules in-process the way Lambda would: the function's own environment (its own
 * even while other invocations overlap it), a JSON copy of the payload and of the result, a handler's exception reported with its name as the error
 * and a JSON cause, crashes injected by `lambda:<step>:crash` fault rules, and errors of the Lambda service
 * itself (`lambda:<step>:service-error[:<count>]`), which fail the invocation before the handler runs. Each function
 * keeps its SDK clients' retry state between invocations, as its execution environment would.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FaultSet } from './faults';
import { RetryState, withRetryState } from './sdk-retry';
import { STEP_HANDLERS } from './step-handlers';
import type { SimulatedFunction } from './synthesized-bakery';

/**
 * The errors the Lambda service integration reports when Lambda itself fails an invocation, with the HTTP status
 * Lambda answers (none: the SDK gave up on the client side). A run of service errors cycles through them, so a
 * definition must retry every one.
 */
export const LAMBDA_SERVICE_ERRORS: readonly { readonly name: string; readonly message: string }[] = [
  { name: 'Lambda.ServiceException', message: 'Lambda encountered an internal error (Service: Lambda, Status Code: 500)' },
  { name: 'Lambda.AWSLambdaException', message: 'Lambda was unable to process the request (Service: Lambda, Status Code: 502)' },
  { name: 'Lambda.SdkClientException', message: 'Unable to execute HTTP request: Connection reset' },
  { name: 'Lambda.ClientExecutionTimeoutException', message: 'Client execution did not complete before the specified timeout configuration' },
  { name: 'Lambda.TooManyRequestsException', message: 'Rate Exceeded. (Service: Lambda, Status Code: 429)' },
];

/** What the functions' invocations would be billed for: how many, and their duration on the simulated clock. */
export interface LambdaUsage {
  invocations: number;
  milliseconds: number;
}

export class SimulatedLambda {
  /** Refuses a stack with a runner function whose handler module the simulator does not know. */
  public static checkHandlers(functions: Iterable<SimulatedFunction>): void {
    for (const fn of functions) {
      if (!STEP_HANDLERS[fn.step]) throw new Error(`simulator: no handler module for runner function "${fn.step}"; add it to local/step-handlers.ts`);
    }
  }

  /** Invocations so far and their simulated duration (each at least a millisecond, as Lambda bills). */
  public readonly usage: LambdaUsage = { invocations: 0, milliseconds: 0 };
  /** Service errors reported so far, which picks the next one. */
  private serviceErrors = 0;
  /** Each function's SDK retry state (retry quota, adaptive rate limiter), as its execution environment keeps it. */
  private readonly retryStates = new Map<string, RetryState>();

  constructor(private readonly region: string, private readonly account: string, private readonly faults: FaultSet) {}

  /** Runs one invocation; returns the handler's result as Lambda would serialize it. */
  public async invoke(fn: SimulatedFunction, payload: unknown): Promise<unknown> {
    const serviceErrorRule = this.faults.lambdaServiceError(fn.step);
    if (serviceErrorRule) throw this.serviceError(serviceErrorRule);
    const handler = STEP_HANDLERS[fn.step];
    const started = Date.now();
    this.usage.invocations++;
    try {
      const environment = { ...fn.environment, AWS_REGION: this.region };
      const run = () => handler(jsonCopy(payload), this.context(fn));
      const result = jsonCopy(await withRetryState(this.retryStateOf(fn.step), () => withEnvironment(environment, run)));
      if (this.faults.crashOnce(fn.step)) throw crash(fn.step);
      return result;
    } catch (error) {
      throw asLambdaError(error);
    } finally {
      this.usage.milliseconds += Math.max(1, Math.ceil(Date.now() - started));
    }
  }

  private retryStateOf(step: string): RetryState {
    let state = this.retryStates.get(step);
    if (!state) {
      state = new RetryState();
      this.retryStates.set(step, state);
    }
    return state;
  }

  /** The next Lambda service error, as Step Functions reports it: the error's name, and a plain-text cause. */
  private serviceError(rule: string): Error {
    const { name, message } = LAMBDA_SERVICE_ERRORS[this.serviceErrors++ % LAMBDA_SERVICE_ERRORS.length];
    const error = new Error(`${message} (injected by fault rule ${rule})`);
    error.name = name;
    return error;
  }

  private context(fn: SimulatedFunction) {
    return {
      functionName: `bakery-${fn.step}`,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.region}:${this.account}:function:bakery-${fn.step}`,
      memoryLimitInMB: '256',
      awsRequestId: `sim-${Date.now().toString(16)}`,
    };
  }
}

/** Each invocation's own environment variables, wherever its asynchronous work goes. */
const invocationEnvironment = new AsyncLocalStorage<Record<string, string>>();
/** The views of `process.env` that show the current invocation's variables over the process's own. */
const scopedViews = new WeakSet<object>();

/**
 * Runs `work` with the function's environment variables in `process.env`, as each Lambda has its own: invocations
 * that overlap (concurrent bakes, parallel branches) each see theirs, and the process's own variables are untouched.
 */
function withEnvironment<T>(variables: Record<string, string>, work: () => Promise<T>): Promise<T> {
  if (!scopedViews.has(process.env)) {
    const view = scopedEnvironment(process.env);
    scopedViews.add(view);
    process.env = view;
  }
  return invocationEnvironment.run(variables, work);
}

/** `env` seen through the current invocation's variables (reads); writes go to `env` itself. */
function scopedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const scoped = (name: string | symbol): Record<string, string> | undefined => {
    const variables = invocationEnvironment.getStore();
    return variables && typeof name === 'string' && Object.prototype.hasOwnProperty.call(variables, name) ? variables : undefined;
  };
  return new Proxy(env, {
    get: (target, name) => scoped(name)?.[name as string] ?? Reflect.get(target, name),
    has: (target, name) => scoped(name) !== undefined || Reflect.has(target, name),
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), ...Object.keys(invocationEnvironment.getStore() ?? {})])],
    getOwnPropertyDescriptor: (target, name) => {
      const variables = scoped(name);
      if (!variables) return Reflect.getOwnPropertyDescriptor(target, name);
      return { value: variables[name as string], writable: true, enumerable: true, configurable: true };
    },
  });
}

/** A crash after the handler did its work: the runtime died, so its result never reached Step Functions. */
function crash(step: string): Error {
  const error = new Error(`RequestId: simulated Error: Runtime exited with error: signal: killed (fault rule lambda:${step}:crash)`);
  error.name = 'Lambda.Unknown';
  return error;
}

/** Lambda reports a handler's exception with its name as the error and a JSON cause. */
function asLambdaError(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const reported = new Error(JSON.stringify({ errorType: original.name, errorMessage: original.message, trace: [] }));
  reported.name = original.name;
  return reported;
}

function jsonCopy<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}
