/**
 * What a recipe step is called in messages, how long it may run and which exit codes count as success,
 * and how a shell or reboot step becomes an AWS-RunShellScript script.
 */
import { rebootCommands } from './reboot-script';
import { STEP_KINDS, StepKind } from './step-kinds';
import type { ProvisioningStep } from './step-schema';
import { stepTimeoutSeconds } from '../../src/recipe/timeouts';

/** How long a step may run: kept with the construct, which derives `bakeTimeout` from the steps' limits. */
export { stepTimeoutSeconds } from '../../src/recipe/timeouts';

export interface StepScript {
  readonly commands: string[];
  readonly workingDirectory?: string;
  readonly timeoutSeconds: number;
}

/** The step's kind: the one kind key it has. */
export function stepKind(step: ProvisioningStep): StepKind {
  return STEP_KINDS.find((kind) => step[kind] !== undefined) ?? 'shell';
}

/** `shell`, `shell: install nginx` when the step has a name, `document: AWS-RunPatchBaseline`. */
export function stepLabel(step: ProvisioningStep): string {
  const kind = stepKind(step);
  const name = step[kind]?.name;
  return name ? `${kind}: ${name}` : kind;
}

/** The fields every kind but `reboot` has. */
function runFields(step: ProvisioningStep): RunFields {
  return step.reboot ? {} : (step[stepKind(step)] as RunFields | undefined) ?? {};
}

interface RunFields {
  readonly timeoutSeconds?: number;
  readonly validExitCodes?: number[];
}

/** The exit codes that count as success (Packer's `valid_exit_codes`). */
export function validExitCodes(step: ProvisioningStep): readonly number[] {
  return runFields(step).validExitCodes ?? [0];
}

/** A value in single quotes for a POSIX shell: `it's` becomes `'it'\''s'`. */
/** `export NAME='value'` for each variable of a step's `environment`. */
export function exportCommands(environment: Record<string, string> | undefined): string[] {
  return Object.entries(environment ?? {}).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/**
 * The script for step `stepNumber` (counted from 1): `set -e` so the first failing command fails the step
 * (as Packer's shell provisioner does), environment exports, then the commands.
 */
export function stepScript(step: ProvisioningStep, buildId: string, stepNumber: number | string): StepScript {
  if (!step.shell) return { commands: rebootCommands(buildId, stepNumber), timeoutSeconds: stepTimeoutSeconds(step) };
  return {
    commands: ['set -e', ...exportCommands(step.shell.environment), ...step.shell.commands],
    workingDirectory: step.shell.workingDirectory,
    timeoutSeconds: stepTimeoutSeconds(step),
  };
}
