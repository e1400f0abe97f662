/**
 * The SDK's own retry, in the simulator. The bridge answers a call before the client serializes, signs or sends
 * it, so before the SDK's retry middleware (which wraps sending) would run. The bridge therefore runs that same
 * retry middleware, configured as the client is (its retry mode and maximum attempts), just above its answer: a
 * throttled or failing call is retried by the SDK with its backoff, its retry quota and, in adaptive mode, its
 * client-side rate limiter, all on the virtual clock, as it would be on AWS.
 *
 * On AWS each Lambda execution environment has its own clients and so its own retry state. Here the handlers'
 * clients are shared by the process, so each simulated function of each bake keeps its own (`RetryState`), and
 * one bake's throttling never slows another's client-side. Outside a simulated invocation (a client attached
 * directly, the CLI's own calls) each call is answered once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { resolveRetryConfig, retryMiddleware, type RetryResolvedConfig } from '@smithy/core/retry';

/** The name the retry middleware is registered under, just before the bridge's answer. */
export const SDK_RETRY_MIDDLEWARE_NAME = 'bakerySimulatorSdkRetry';

/** The retry settings of a client's resolved config, as the SDK keeps them. */
export interface ClientRetryConfig {
  readonly retryMode?: unknown;
  readonly maxAttempts?: unknown;
}

type Next = (args: { readonly input: object }) => Promise<unknown>;
type Middleware = (next: Next, context: object) => (args: { readonly input: object }) => Promise<unknown>;

/** What one Lambda execution environment keeps between calls: a retry strategy (quota, rate limiter) per client. */
export class RetryState {
  private readonly configs = new WeakMap<ClientRetryConfig, RetryResolvedConfig>();

  /** The retry settings for a client, made from its own retry mode and attempts the first time it calls. */
  public retryOf(client: ClientRetryConfig): RetryResolvedConfig {
    let config = this.configs.get(client);
    if (!config) {
      config = resolveRetryConfig({
        retryMode: client.retryMode as string | (() => Promise<string>),
        maxAttempts: client.maxAttempts as number | (() => Promise<number>),
      });
      this.configs.set(client, config);
    }
    return config;
  }
}

const current = new AsyncLocalStorage<RetryState>();

/** Runs `work` (one simulated invocation) with `state` as its clients' retry state. */
export function withRetryState<T>(state: RetryState, work: () => Promise<T>): Promise<T> {
  return current.run(state, work);
}

/**
 * An initialize-step middleware that retries the calls below it as the SDK does, with the client's retry settings
 * and the current invocation's retry state; outside an invocation it passes each call through once.
 */
export function sdkRetryMiddleware(client: ClientRetryConfig): Middleware {
  return (next, context) => (args) => {
    const state = current.getStore();
    if (!state) return next(args);
    const retrying = retryMiddleware(state.retryOf(client)) as unknown as Middleware;
    return retrying(next, context)(args);
  };
}
