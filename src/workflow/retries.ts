import { Duration } from 'aws-cdk-lib';
import { JitterType } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';

/** AWS API throttling and 5xx errors, as the handlers name them. */
export const TRANSIENT_AWS_ERRORS = ['RequestLimitExceeded', 'ThrottlingException', 'TransientAwsError'];

/** Errors of the Lambda service itself (not of the handler's code). */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

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
 * Retries a cleanup that could not remove everything yet (`CleanupIncomplete`): it is idempotent, and a
 * resource that refused once (eventual consistency, a moment of throttling) is usually gone on the next try.
 */
export function addCleanupRetries(task: LambdaInvoke): void {
  task.addRetry({ errors: ['CleanupIncomplete'], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 3 });
}
