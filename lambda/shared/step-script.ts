/**
 * How a recipe step becomes an AWS-RunShellScript invocation: its commands, working directory and
 * run time limit, and the words that describe it in messages.
 */
import { rebootCommands } from './reboot-script';
import { DEFAULT_STEP_TIMEOUT_SECONDS } from './recipe-defaults';
import type { ProvisioningStep } from './recipe-schema';

/** Longest a reboot step may run: the reboot and the agent's return. */
export const REBOOT_STEP_TIMEOUT_SECONDS = 900;

export interface StepScript {
  readonly commands: string[];
  readonly workingDirectory?: string;
  readonly timeoutSeconds: number;
}

/** `shell` or `reboot`. */
export function stepKind(step: ProvisioningStep): 'shell' | 'reboot' {
  return step.reboot ? 'reboot' : 'shell';
}

/** `shell`, or `shell: install nginx` when the step has a name. */
export function stepLabel(step: ProvisioningStep): string {
  const name = step.shell?.name ?? step.reboot?.name;
  return name ? `${stepKind(step)}: ${name}` : stepKind(step);
}

/** The run time limit of a step. */
export function stepTimeoutSeconds(step: ProvisioningStep): number {
  return step.reboot ? REBOOT_STEP_TIMEOUT_SECONDS : step.shell?.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS;
}

/** A value in single quotes for a POSIX shell: `it's` becomes `'it'\''s'`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/**
 * The script for step `stepNumber` (counted from 1): `set -e` so the first failing command fails the step
 * (as Packer's shell provisioner does), environment exports, then the commands.
 */
export function stepScript(step: ProvisioningStep, buildId: string, stepNumber: number): StepScript {
  if (!step.shell) return { commands: rebootCommands(buildId, stepNumber), timeoutSeconds: stepTimeoutSeconds(step) };
  const exports = Object.entries(step.shell.environment ?? {}).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  return {
    commands: ['set -e', ...exports, ...step.shell.commands],
    workingDirectory: step.shell.workingDirectory,
    timeoutSeconds: stepTimeoutSeconds(step),
  };
}
