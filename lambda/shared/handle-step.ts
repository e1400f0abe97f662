/**
 * What every handler does around its own work: bind the logger to the build and invocation, and
 * turn server-side AWS errors into `TransientAwsError` so the state machine retries them.
 */
import { describeError, toTransient } from './errors';
import { bindLogger, LambdaContext, logger } from './logger';

/** Runs one step's body. */
export async function handleStep<T>(
  step: string,
  buildId: string | undefined,
  context: LambdaContext | undefined,
  body: () => Promise<T>,
): Promise<T> {
  bindLogger(step, buildId, context);
  try {
    return await body();
  } catch (error) {
    const thrown = toTransient(error);
    logger.error(`${step} failed: ${describeError(thrown)}`);
    throw thrown;
  }
}
