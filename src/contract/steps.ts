/**
 * The runner's Lambda functions: one small function per workflow step, bundled from `lambda/<step>.ts`,
 * plus `abort-cleanup`, which EventBridge invokes when an execution ends without its own cleanup, and
 * `sweep-orphans`, which runs on a schedule; the phases of a bake; and the names the bakery's events and metrics use.
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

/** Namespace of the CloudWatch metrics the runner writes when a bake ends (embedded metric format). */
export const METRICS_NAMESPACE = 'cdk-ami-bakery';

/** The event source of the events that start a bake of one recipe (`Recipe.grantStartBake`). */
export const START_BAKE_SOURCE = 'cdk-ami-bakery.start';

/** The ARN of the execution named `name` (a bake's build id) of a state machine. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
