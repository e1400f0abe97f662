import { Duration } from 'aws-cdk-lib';
import { JitterType } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { CLEANUP_INCOMPLETE, LAMBDA_SERVICE_ERRORS, TRANSIENT_AWS_ERRORS } from '../contract';


/**
 * Retries throttling and transient errors with exponential backoff and full jitter, bounded: at most
 * 6 attempts over about two minutes. Anything else goes to the task's Catch.
 */
export function addTransientRetries(task: LambdaInvoke): void {
  task.addRetry({
    errors: [...TRANSIENT_AWS_ERRORS, ...LAMBDA_SERVICE_ERRORS],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 6,
    maxDelay: Duration.seconds(60),
    jitterStrategy: JitterType.FULL,
  });
}

/**
 * How a cleanup retries: without jitter, from 10 seconds doubling up to 5 minutes between attempts, 8 retries
 * (about 20 minutes in all), so it outlasts a long spell of AWS throttling or a resource that refuses for a while.
 */
const CLEANUP_BACKOFF = { interval: Duration.seconds(10), backoffRate: 2, maxDelay: Duration.minutes(5), maxAttempts: 8 };

/**
 * Retries a cleanup task for long: throttling, Lambda service errors and `CleanupIncomplete` (what it could not
 * remove yet). Cleanup is idempotent, and a resource that refused once (eventual consistency, throttling) is
 * usually gone on a later try. Each of the two retriers counts its own attempts, so a cleanup that meets both
 * kinds of error can go on for up to twice the 20 minutes. Use it instead of `addTransientRetries` on a cleanup task.
 */
export function addCleanupRetries(task: LambdaInvoke): void {
  task.addRetry({ errors: [...TRANSIENT_AWS_ERRORS, ...LAMBDA_SERVICE_ERRORS], ...CLEANUP_BACKOFF });
  task.addRetry({ errors: [CLEANUP_INCOMPLETE], ...CLEANUP_BACKOFF });
}
