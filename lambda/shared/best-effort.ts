/**
 * Cleanup that does as much as it can: a resource it cannot remove, or a lookup that fails, is recorded
 * and the work goes on. Throttling and server errors still end the step as `TransientAwsError`, so the
 * state machine retries the whole (idempotent) cleanup.
 */
import { describeError, toTransient, TransientAwsError } from './errors';
import { logger } from './logger';

export class BestEffort {
  /** Ids of resources that could not be removed. */
  public readonly leaked: string[] = [];

  /** Removes one resource; on a lasting error records its id as leaked. */
  public async remove(resourceId: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      rethrowTransient(error);
      logger.warn('Could not remove a resource of the build', { resourceId, error: describeError(error) });
      this.leaked.push(resourceId);
    }
  }

  /** Looks something up; on a lasting error logs it and goes on with `fallback`. */
  public async lookup<T>(what: string, fallback: T, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      rethrowTransient(error);
      logger.warn(`Could not look up ${what}`, { error: describeError(error) });
      return fallback;
    }
  }
}

function rethrowTransient(error: unknown): void {
  const thrown = toTransient(error);
  if (thrown instanceof TransientAwsError) throw thrown;
}
