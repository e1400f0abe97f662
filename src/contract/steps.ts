/**
 * The runner's Lambda functions: one small function per workflow step, bundled from `lambda/<step>.ts`,
 * plus `abort-cleanup`, which EventBridge invokes when an execution ends without its own cleanup, and
 * `sweep-orphans`, which runs on a schedule.
 *
 * This file has no imports, so the handlers share its names and tag keys with the constructs.
 */
export const STEP_NAMES = [
  'prepare',
  'launch',
  'check-agent',
  'run-step',
  'check-step',
  'stop',
  'check-stopped',
  'create-image',
  'check-image',
  'finish-tests',
  'copy-image',
  'check-copy',
  'distribute',
  'finish',
  'cleanup-failure',
  'abort-cleanup',
  'sweep-orphans',
] as const;

export type StepName = typeof STEP_NAMES[number];

/** How long one runner function may run (its Lambda timeout). */
export const RUNNER_TIMEOUT_SECONDS = 60;

/** Phases of a bake, as named in the manifest and in failure causes. */
export type PhaseName = 'prepare' | 'launch' | 'wait-for-agent' | 'provision' | 'stop' | 'create-image' | 'test' | 'distribute' | 'cleanup';

/**
 * Prefix of the tag keys the bakery puts on everything a bake creates; IAM conditions, the handlers'
 * cleanup and the recipe schema (which keeps recipes from setting them) all use these.
 */
export const BAKERY_TAG_PREFIX = 'cdk-ami-bakery:';

/** The tag naming the bakery (its `bakeryId`): the runner's IAM conditions match on it. */
export const BAKERY_TAG = `${BAKERY_TAG_PREFIX}bakery`;

/** The tag on the state machine naming the log group that receives the provisioning commands' output (read by the CLI). */
export const OUTPUT_LOG_GROUP_TAG = `${BAKERY_TAG_PREFIX}output-log-group`;

/** The tag on the state machine naming the staging location (`s3://<bucket>/staging/`), where the CLI uploads a recipe's files. */
export const STAGING_LOCATION_TAG = `${BAKERY_TAG_PREFIX}staging-location`;

/** Namespace of the CloudWatch metrics the runner writes when a bake ends (embedded metric format). */
export const METRICS_NAMESPACE = 'cdk-ami-bakery';

/** The event source of the events that start a bake of one recipe (`Recipe.grantStartBake`). */
export const START_BAKE_SOURCE = 'cdk-ami-bakery.start';

/** The ARN of the execution named `name` (a bake's build id) of a state machine. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
