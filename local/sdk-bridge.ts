/**
 * Hooks the simulated account into AWS SDK v3 clients through their own middleware stack: an
 * initialize-step middleware answers every EC2/SSM command from the model before the request is
 * serialized, signed or sent, so no credentials or network are needed and handlers are unchanged.
 *
 *     const account = new SimulatedAccount({ seed: 7, faults: ['api:RunInstances:throttle'] });
 *     const detach = attachSimulator(ec2Client, account);
 *     …
 *     detach();
 *
 * Every answer waits a short virtual latency first (`setTimeout`, faked during a bake). Errors
 * are the SDK's own exception classes (SSM's modeled ones such as `ParameterNotFound`, or the
 * service's base exception with `name`, `Code` for EC2, `$fault` and `$metadata.httpStatusCode`).
 */
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import * as ssm from '@aws-sdk/client-ssm';
import type { SimulatedAccount } from './model/account';
import { SimulatedAwsError, ServiceName } from './model/errors';

/** The name the middleware is registered under. */
export const SIMULATOR_MIDDLEWARE_NAME = 'bakerySimulator';

/** The part of a middleware stack the bridge uses. */
export interface MiddlewareStackLike {
  // The SDK's middleware generics differ per client; the bridge works with any of them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  add(middleware: any, options: { step: 'initialize'; name: string; priority: 'high' }): void;
  remove(toRemove: string): boolean;
}

/** The part of an SDK client the bridge uses (EC2Client and SSMClient fit). */
export interface SimulatedClient {
  readonly middlewareStack: MiddlewareStackLike;
  readonly config: { readonly region?: unknown };
}

export interface SimulatorPluginOptions {
  /** The region requests go to: a name or the client's region provider. Default: the account's region. */
  readonly region?: string | (() => Promise<string>);
  /** Wait the virtual API latency before answering. Default true. */
  readonly latency?: boolean;
}

interface HandlerArgs { readonly input: object }
interface HandlerContext { readonly clientName?: string; readonly commandName?: string }
type Next = (args: HandlerArgs) => Promise<unknown>;

function serviceOfClient(clientName: string | undefined): ServiceName | undefined {
  if (clientName === 'EC2Client') return 'ec2';
  if (clientName === 'SSMClient') return 'ssm';
  return undefined;
}

interface ResponseMetadata {
  readonly httpStatusCode: number;
  readonly requestId: string;
  readonly attempts: number;
  readonly totalRetryDelay: number;
}

function metadata(httpStatusCode: number, requestId: string): ResponseMetadata {
  return { httpStatusCode, requestId, attempts: 1, totalRetryDelay: 0 };
}

/** The exception the real client would throw for a model error. */
export function toSdkError(error: SimulatedAwsError, requestId: string): Error {
  const $metadata = metadata(error.httpStatusCode, requestId);
  let sdkError: Error;
  if (error.service === 'ssm') {
    const modeled = (ssm as unknown as Record<string, unknown>)[error.code];
    sdkError = typeof modeled === 'function' && modeled.prototype instanceof ssm.SSMServiceException
      ? new (modeled as new (options: object) => Error)({ message: error.message, $metadata })
      : new ssm.SSMServiceException({ name: error.code, $fault: error.$fault, $metadata, message: error.message });
  } else {
    sdkError = Object.assign(
      new EC2ServiceException({ name: error.code, $fault: error.$fault, $metadata, message: error.message }),
      { Code: error.code },
    );
  }
  return Object.assign(sdkError, { $fault: error.$fault }, error.throttling ? { $retryable: { throttling: true } } : {});
}

async function resolveRegion(account: SimulatedAccount, region: SimulatorPluginOptions['region']): Promise<string> {
  if (typeof region === 'string') return region;
  if (!region) return account.defaultRegion;
  try {
    return (await region()) || account.defaultRegion;
  } catch {
    return account.defaultRegion;
  }
}

function virtualDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The initialize-step middleware that answers EC2 and SSM commands from the account. */
export function simulatorMiddleware(account: SimulatedAccount, options: SimulatorPluginOptions = {}) {
  return (next: Next, context: HandlerContext) => async (args: HandlerArgs): Promise<unknown> => {
    const service = serviceOfClient(context.clientName);
    if (!service) return next(args);
    const operation = (context.commandName ?? '').replace(/Command$/, '');
    if (options.latency !== false) await virtualDelay(account.latencyMs());
    const region = await resolveRegion(account, options.region);
    const requestId = account.ids.uuid();
    try {
      const result = account.invoke(service, operation, args.input, region) as object;
      return { output: { ...structuredClone(result), $metadata: metadata(200, requestId) }, response: {} };
    } catch (error) {
      throw error instanceof SimulatedAwsError ? toSdkError(error, requestId) : error;
    }
  };
}

/** A plugin for `client.middlewareStack.use(...)`. */
export function simulatorPlugin(account: SimulatedAccount, options: SimulatorPluginOptions = {}): { applyToStack(stack: MiddlewareStackLike): void } {
  return {
    applyToStack(stack: MiddlewareStackLike): void {
      stack.add(simulatorMiddleware(account, options), { step: 'initialize', name: SIMULATOR_MIDDLEWARE_NAME, priority: 'high' });
    },
  };
}

/** Removes the simulator from a client (a no-op when it is not attached). */
export function detachSimulator(client: SimulatedClient): void {
  client.middlewareStack.remove(SIMULATOR_MIDDLEWARE_NAME);
}

/**
 * Answers the client's calls from `account` from now on, in the client's configured region
 * (or the account's default region when the client has none). Attaching again replaces the
 * previous account. Returns a function that detaches it.
 */
export function attachSimulator(client: SimulatedClient, account: SimulatedAccount, options: Omit<SimulatorPluginOptions, 'region'> = {}): () => void {
  detachSimulator(client);
  const configured = client.config.region;
  const region = typeof configured === 'string' ? configured
    : typeof configured === 'function' ? (configured as () => Promise<string>) : undefined;
  simulatorPlugin(account, { ...options, region }).applyToStack(client.middlewareStack);
  return () => detachSimulator(client);
}
