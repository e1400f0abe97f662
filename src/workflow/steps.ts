/**
 * The runner's Lambda steps: one small function per step, bundled from `lambda/<step>.ts`.
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
  'finish',
  'cleanup-failure',
] as const;

export type StepName = typeof STEP_NAMES[number];

/** Phases of a bake, as named in the manifest and in failure causes. */
export type PhaseName = 'prepare' | 'launch' | 'wait-for-agent' | 'provision' | 'stop' | 'create-image' | 'cleanup';

/** Tag keys the bakery puts on everything a bake creates; IAM conditions and cleanup rely on them. */
export const BAKERY_TAG = 'cdk-ami-bakery:bakery';
export const BUILD_ID_TAG = 'cdk-ami-bakery:build-id';
