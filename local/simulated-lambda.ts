/**
 * Invokes the runner's handler modules in-process the way Lambda would: the function's own environment,
 * a JSON copy of the payload and of the result, a handler's exception reported with its name as the error
 * and a JSON cause, and crashes injected by `lambda:<step>:crash` fault rules.
 */
import type { FaultSet } from './faults';
import { STEP_HANDLERS } from './step-handlers';
import type { SimulatedFunction } from './synthesized-bakery';

export class SimulatedLambda {
  /** Refuses a stack with a runner function whose handler module the simulator does not know. */
  public static checkHandlers(functions: Iterable<SimulatedFunction>): void {
    for (const fn of functions) {
      if (!STEP_HANDLERS[fn.step]) throw new Error(`simulator: no handler module for runner function "${fn.step}"; add it to local/step-handlers.ts`);
    }
  }

  constructor(private readonly region: string, private readonly account: string, private readonly faults: FaultSet) {}

  /** Runs one invocation; returns the handler's result as Lambda would serialize it. */
  public async invoke(fn: SimulatedFunction, payload: unknown): Promise<unknown> {
    const handler = STEP_HANDLERS[fn.step];
    const restore = useEnvironment({ ...fn.environment, AWS_REGION: this.region });
    try {
      const result = jsonCopy(await handler(jsonCopy(payload), this.context(fn)));
      if (this.faults.crashOnce(fn.step)) throw crash(fn.step);
      return result;
    } catch (error) {
      throw asLambdaError(error);
    } finally {
      restore();
    }
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

/** Sets a function's environment variables until the returned function restores the previous ones. */
function useEnvironment(variables: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
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
