/**
 * The error names the state machine's Retry and Catch match: the handlers throw errors of these names
 * (`lambda/shared/errors.ts`), and the simulator and the CLI read them from failed executions.
 */

/** What a handler throws for an AWS service's server-side (5xx) error. */
export const TRANSIENT_AWS_ERROR = 'TransientAwsError';

/** What a handler throws for a NotFound of something the bake created moments ago (eventual consistency). */
export const NOT_YET_VISIBLE = 'NotYetVisible';

/** AWS API throttling and 5xx errors, and NotFound for what the bake just created, as the handlers name them. */
export const TRANSIENT_AWS_ERRORS = ['RequestLimitExceeded', 'ThrottlingException', TRANSIENT_AWS_ERROR, NOT_YET_VISIBLE] as const;

/** Errors of the Lambda service itself (not of the handler's code). */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
] as const;

/** What a cleanup throws while something it must remove is still there; the state machine runs it again. */
export const CLEANUP_INCOMPLETE = 'CleanupIncomplete';

/** A task that ran past its `TimeoutSeconds` or heartbeat (a wait for an event that did not come). */
export const STATES_TIMEOUT = 'States.Timeout';
