/**
 * Cleanup after an execution that ended without (or despite) the workflow's own cleanup: Step Functions
 * runs no Catch for an execution that is stopped or times out. An EventBridge rule on the state machine's
 * `ABORTED`, `TIMED_OUT` and `FAILED` status changes invokes this function; it removes everything tagged
 * with the execution's build id. A FAILED bake whose own cleanup ran (its error says so) is left alone.
 *
 * Event: an EventBridge `Step Functions Execution Status Change` event.
 * Returns: `{ buildId, status, leakedResources }`; throws `CleanupIncomplete` (Lambda retries the
 * asynchronous invocation) when something could not be removed yet.
 */
import { removeBuildResources } from './shared/build-cleanup';
import { CleanupIncomplete, InvalidInput } from './shared/errors';
import { handleStep } from './shared/handle-step';
import { LambdaContext, logger } from './shared/logger';
import { RUNNER_TIMEOUT_SECONDS } from '../src/contract';

const RUNNER_TIMEOUT_MS = RUNNER_TIMEOUT_SECONDS * 1000;

export interface ExecutionStatusChange {
  readonly 'detail-type'?: string;
  readonly 'detail': {
    readonly name: string;
    readonly status: string;
    readonly executionArn?: string;
    /** The error a FAILED execution ended with. */
    readonly error?: string;
    /** When the execution ended (epoch milliseconds). */
    readonly stopDate?: number;
  };
}

export interface AbortCleanupResult {
  readonly buildId: string;
  readonly status: string;
  readonly leakedResources: string[];
}

export const handler = async (event: ExecutionStatusChange, context?: LambdaContext): Promise<AbortCleanupResult> =>
  handleStep('abort-cleanup', event?.detail?.name, context, () => cleanUpEndedExecution(event));

async function cleanUpEndedExecution(event: ExecutionStatusChange): Promise<AbortCleanupResult> {
  const buildId = event?.detail?.name;
  if (!buildId) throw new InvalidInput('expected a Step Functions execution status change event with detail.name');
  const status = event.detail.status;
  if (cleanedUpByTheWorkflow(event.detail)) {
    logger.info('The workflow cleaned up after this failed bake itself; nothing to do', { status, error: event.detail.error });
    return { buildId, status, leakedResources: [] };
  }
  logger.info('Execution ended without a successful bake; removing what it made', { status });
  const leakedResources = await removeBuildResources(buildId);
  if (leakedResources.length > 0) {
    throw new CleanupIncomplete(`build ${buildId} (${status}): could not remove ${leakedResources.join(', ')} yet`);
  }
  if (taskMayStillRun(event.detail)) {
    throw new CleanupIncomplete(`build ${buildId} (${status}): a task in flight when the execution ended may still launch or create something; checking again`);
  }
  return { buildId, status, leakedResources };
}

/**
 * A runner function invoked before the execution ended runs to its end (up to its one-minute timeout), and may
 * launch an instance or make an image after this cleanup looked. Until that time has passed, the cleanup fails
 * with `CleanupIncomplete`, so Lambda invokes it again (about a minute, then two, later) and it finds those too.
 */
function taskMayStillRun(detail: ExecutionStatusChange['detail']): boolean {
  return detail.stopDate !== undefined && Date.now() - detail.stopDate < RUNNER_TIMEOUT_MS;
}

/**
 * A FAILED execution ended in "Bake failed" after the workflow's own cleanup, unless the cleanup itself
 * failed (`CleanupFailed`) or the engine stopped it with a `States.*` error. Without an error to go by,
 * clean up: removing what is already gone is harmless.
 */
function cleanedUpByTheWorkflow(detail: ExecutionStatusChange['detail']): boolean {
  return detail.status === 'FAILED' && !!detail.error && detail.error !== 'CleanupFailed' && !detail.error.startsWith('States.');
}
