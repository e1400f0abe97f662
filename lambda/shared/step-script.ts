/**
 * What a recipe step is called in messages, how long it may run and which exit codes count as success,
 * and how a shell or reboot step becomes an AWS-RunShellScript script.
 */
import { documentTimeoutSeconds } from './documents/document-timeout';
import { rebootCommands } from './reboot-script';
import { DEFAULT_STEP_TIMEOUT_SECONDS, Platform, WINDOWS_DEFAULTS } from './recipe-defaults';
import { STEP_KINDS, StepKind } from './step-kinds';
import type { ProvisioningStep } from './step-schema';

/** Longest a reboot step may run: the reboot and the agent's return. */
export const REBOOT_STEP_TIMEOUT_SECONDS = 900;

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

/**
 * The run time limit of a step: its own, a document's timeout parameter as given or by default, else the bakery's
 * default for the platform (Windows restarts and installs take longer).
 */
export function stepTimeoutSeconds(step: ProvisioningStep, platform: Platform = 'linux'): number {
  const windows = platform === 'windows';
  if (step.reboot) return windows ? WINDOWS_DEFAULTS.rebootStepTimeoutSeconds : REBOOT_STEP_TIMEOUT_SECONDS;
  const byDefault = windows ? WINDOWS_DEFAULTS.stepTimeoutSeconds : DEFAULT_STEP_TIMEOUT_SECONDS;
  if (step.document) return step.document.timeoutSeconds ?? documentTimeoutSeconds(step.document) ?? byDefault;
  return runFields(step).timeoutSeconds ?? byDefault;
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
