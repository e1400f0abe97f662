/**
 * Hooks the simulated account into AWS SDK v3 clients through their own middleware stack: an
 * initialize-step middleware answers the EC2, SSM, S3, STS, CloudWatch Logs and Step Functions commands the
 * model implements before the request is serialized, signed or sent, so no credentials or network are needed
 * and handlers are unchanged.
 *
 *     const account = new SimulatedAccount({ seed: 7, faults: ['api:RunInstances:throttle'] });
 *     const detach = attachSimulator(ec2Client, account);
 *     …
 *     detach();
 *
 * With `accountId` (e.g. for clients acting through a role in another account) the calls are answered by
 * that peer of the account (`SimulatedAccount.addPeer`).
 *
 * Every answer waits a short virtual latency first (`setTimeout`, faked during a bake). Errors
 * are the SDK's own exception classes (modeled ones such as SSM's `ParameterNotFound` or S3's
 * `NoSuchKey`, or the service's base exception with `name`, `Code`, `$fault` and
 * `$metadata.httpStatusCode`). S3 object bodies come back as the SDK's streams
 * (`await Body.transformToString()`).
 */
import { Readable } from 'node:stream';
import * as logs from '@aws-sdk/client-cloudwatch-logs';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import * as s3 from '@aws-sdk/client-s3';
import * as sfn from '@aws-sdk/client-sfn';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';
import type { SimulatedAccount } from './model/account';
import { SimulatedAwsError, ServiceName } from './model/errors';
import { ClientRetryConfig, SDK_RETRY_MIDDLEWARE_NAME, sdkRetryMiddleware } from './sdk-retry';

/** The name the middleware is registered under. */
export const SIMULATOR_MIDDLEWARE_NAME = 'bakerySimulator';

/** The part of a middleware stack the bridge uses. */
export interface MiddlewareStackLike {
  // The SDK's middleware generics differ per client; the bridge works with any of them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  add(middleware: any, options: { step: 'initialize'; name: string; priority: 'high' }): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  addRelativeTo(middleware: any, options: { relation: 'before'; toMiddleware: string; name: string }): void;
  remove(toRemove: string): boolean;
}

/** The part of an SDK client the bridge uses (EC2Client and SSMClient fit). */
export interface SimulatedClient {
  readonly middlewareStack: MiddlewareStackLike;
  readonly config: ClientRetryConfig & { readonly region?: unknown };
}

export interface SimulatorPluginOptions {
  /** The region requests go to: a name or the client's region provider. Default: the account's region. */
  readonly region?: string | (() => Promise<string>);
  /** Wait the virtual API latency before answering. Default true. */
  readonly latency?: boolean;
  /**
   * The account that answers: a peer of `account` (`account.addPeer`), for clients acting in another account.
   * Default (or the account's own id): `account` itself.
   */
  readonly accountId?: string;
}

interface HandlerArgs { readonly input: object }
interface HandlerContext { readonly clientName?: string; readonly commandName?: string }
type Next = (args: HandlerArgs) => Promise<unknown>;

const CLIENT_SERVICES: Record<string, ServiceName> = {
  EC2Client: 'ec2', SSMClient: 'ssm', S3Client: 's3', STSClient: 'sts', CloudWatchLogsClient: 'logs', SFNClient: 'sfn',
};

function serviceOfClient(clientName: string | undefined): ServiceName | undefined {
  return clientName === undefined ? undefined : CLIENT_SERVICES[clientName];
}

/** The service exception class and the modeled exceptions of each service the SDK bridge answers besides EC2. */
const MODELED: Record<Exclude<ServiceName, 'ec2'>, { base: typeof ssm.SSMServiceException; module: Record<string, unknown> }> = {
  ssm: { base: ssm.SSMServiceException, module: ssm as unknown as Record<string, unknown> },
  s3: { base: s3.S3ServiceException, module: s3 as unknown as Record<string, unknown> },
  sts: { base: sts.STSServiceException, module: sts as unknown as Record<string, unknown> },
  logs: { base: logs.CloudWatchLogsServiceException, module: logs as unknown as Record<string, unknown> },
  sfn: { base: sfn.SFNServiceException, module: sfn as unknown as Record<string, unknown> },
};

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
  if (error.service === 'ec2') {
    sdkError = Object.assign(
      new EC2ServiceException({ name: error.code, $fault: error.$fault, $metadata, message: error.message }),
      { Code: error.code },
    );
  } else {
    const { base, module } = MODELED[error.service];
    const modeled = module[error.code];
    sdkError = typeof modeled === 'function' && modeled.prototype instanceof base
      ? new (modeled as new (options: object) => Error)({ message: error.message, $metadata })
      : Object.assign(new base({ name: error.code, $fault: error.$fault, $metadata, message: error.message }), { Code: error.code });
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

/** The SDK's streaming body: a Readable with `transformToString`, `transformToByteArray` and `transformToWebStream`, usable once. */
export function sdkStreamBody(bytes: Uint8Array): Readable & {
  transformToByteArray(): Promise<Uint8Array>;
  transformToString(encoding?: string): Promise<string>;
  transformToWebStream(): ReadableStream;
} {
  const stream = Readable.from([Buffer.from(bytes)]);
  let transformed = false;
  const take = (): Uint8Array => {
    if (transformed) throw new Error('The stream has already been transformed.');
    transformed = true;
    return new Uint8Array(bytes);
  };
  return Object.assign(stream, {
    transformToByteArray: async () => take(),
    transformToString: async (encoding: string = 'utf-8') => {
      const taken = take();
      return Buffer.isEncoding(encoding) ? Buffer.from(taken).toString(encoding) : new TextDecoder(encoding).decode(taken);
    },
    transformToWebStream: () => {
      take();
      return Readable.toWeb(stream) as unknown as ReadableStream;
    },
  });
}

/** A copy of the model's answer as the client would return it (S3 bodies as streams). */
function sdkOutput(service: ServiceName, result: object): Record<string, unknown> {
  const { Body, ...rest } = result as { Body?: unknown };
  const output: Record<string, unknown> = structuredClone(rest);
  if (Body !== undefined) output.Body = service === 's3' && Body instanceof Uint8Array ? sdkStreamBody(Body) : structuredClone(Body);
  return output;
}

/** The account that answers: `account` itself, or the peer `accountId` names. */
function answeringAccount(account: SimulatedAccount, accountId: string | undefined): SimulatedAccount {
  return accountId === undefined || accountId === account.accountId ? account : account.peer(accountId);
}

/** The initialize-step middleware that answers the account's services' commands from the account. */
export function simulatorMiddleware(home: SimulatedAccount, options: SimulatorPluginOptions = {}) {
  return (next: Next, context: HandlerContext) => async (args: HandlerArgs): Promise<unknown> => {
    const service = serviceOfClient(context.clientName);
    if (!service) return next(args);
    const account = answeringAccount(home, options.accountId);
    const operation = (context.commandName ?? '').replace(/Command$/, '');
    if (options.latency !== false) await virtualDelay(account.latencyMs());
    const region = await resolveRegion(account, options.region);
    const requestId = account.ids.uuid();
    try {
      const result = account.invoke(service, operation, args.input, region) as object;
      return { output: { ...sdkOutput(service, result), $metadata: metadata(200, requestId) }, response: {} };
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
  client.middlewareStack.remove(SDK_RETRY_MIDDLEWARE_NAME);
  client.middlewareStack.remove(SIMULATOR_MIDDLEWARE_NAME);
}

/**
 * Answers the client's calls from `account` (or its peer `options.accountId`) from now on, in the client's
 * configured region (or the account's default region when the client has none). Inside a simulated invocation the
 * SDK's own retry runs above the answer, with the client's retry settings (see `sdk-retry.ts`). Attaching again replaces the
 * previous account. Returns a function that detaches it. Throws when `accountId` names no peer of the account.
 */
export function attachSimulator(client: SimulatedClient, account: SimulatedAccount, options: Omit<SimulatorPluginOptions, 'region'> = {}): () => void {
  answeringAccount(account, options.accountId);
  detachSimulator(client);
  const configured = client.config.region;
  const region = typeof configured === 'string' ? configured
    : typeof configured === 'function' ? (configured as () => Promise<string>) : undefined;
  simulatorPlugin(account, { ...options, region }).applyToStack(client.middlewareStack);
  client.middlewareStack.addRelativeTo(sdkRetryMiddleware(client.config),
    { relation: 'before', toMiddleware: SIMULATOR_MIDDLEWARE_NAME, name: SDK_RETRY_MIDDLEWARE_NAME });
  return () => detachSimulator(client);
}
