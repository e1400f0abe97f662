/**
 * How long each wait of a bake may last when the recipe does not say: the budgets the runner's wait loops use,
 * and that the state machine's timeout is derived from (see bake-budget.ts).
 */
import { AWS_DOCUMENTS } from './aws-documents';
import { DEFAULT_INSTANCE_TYPES } from '../contract';
import type { Platform } from './platform-rules';

/** The recipe's `timeouts` fields, by default. */
export const DEFAULT_TIMEOUTS = {
  agentOnlineSeconds: 600,
  instanceStopSeconds: 900,
  imageAvailableSeconds: 3600,
  copyAvailableSeconds: 7200,
} as const;

/** How long a step may run unless it says (`timeoutSeconds`), on Linux. */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 3600;

/** Longest a reboot step may run: the reboot and the agent's return. */
export const REBOOT_STEP_TIMEOUT_SECONDS = 900;

/** Extra time the check loop allows beyond a step's own timeout, for delivery and reporting. */
export const STEP_GRACE_SECONDS = 300;

/** Sysprep takes minutes; a stuck one fails the bake well before the default step limit. */
export const SYSPREP_TIMEOUT_SECONDS = 1800;

/**
 * Defaults for Windows builds: Windows Server wants 4 GiB of memory, its first boot and the SSM agent's registration
 * take minutes, and updates and feature installs take longer than Linux packages.
 */
export const WINDOWS_DEFAULTS = {
  instanceTypes: [DEFAULT_INSTANCE_TYPES.windows],
  agentOnlineSeconds: 1800,
  stepTimeoutSeconds: 7200,
  rebootStepTimeoutSeconds: 1800,
} as const;

/** How long the SSM agent has to come online on a new instance, unless the recipe says. */
export function defaultAgentOnlineSeconds(platform: Platform): number {
  return platform === 'windows' ? WINDOWS_DEFAULTS.agentOnlineSeconds : DEFAULT_TIMEOUTS.agentOnlineSeconds;
}

/** A `document` step, as far as its run limit goes. */
export interface TimedDocumentStep {
  readonly name: string;
  readonly timeoutSeconds?: number;
  readonly parameters?: Readonly<Record<string, string | readonly string[]>>;
}

/** A recipe step, as far as its run limit goes: one kind key, whose fields may set `timeoutSeconds`. */
export interface TimedStep {
  readonly reboot?: object;
  readonly document?: TimedDocumentStep;
  readonly [kind: string]: object | undefined;
}

/** The step's parameters as SSM takes them: every value a list of strings. */
export function parameterValues(step: TimedDocumentStep): Record<string, string[]> {
  return Object.fromEntries(Object.entries(step.parameters ?? {}).map(([name, value]) => [name, typeof value === 'string' ? [value] : [...value]]));
}

/** The run limit a `document` step's AWS document will use: the value the step gives its timeout parameter, else that parameter's default. */
export function documentTimeoutSeconds(step: TimedDocumentStep): number | undefined {
  const timeout = AWS_DOCUMENTS[step.name]?.timeoutParameter;
  if (!timeout) return undefined;
  const given = parameterValues(step)[timeout.name]?.[0];
  const fallback = AWS_DOCUMENTS[step.name].parameters[timeout.name]?.default;
  const seconds = Number(given ?? fallback);
  return Number.isInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * The run time limit of a step: its own, a document's timeout parameter as given or by default, else the bakery's
 * default for the platform (Windows restarts and installs take longer).
 */
export function stepTimeoutSeconds(step: TimedStep, platform: Platform = 'linux'): number {
  const windows = platform === 'windows';
  if (step.reboot) return windows ? WINDOWS_DEFAULTS.rebootStepTimeoutSeconds : REBOOT_STEP_TIMEOUT_SECONDS;
  const byDefault = windows ? WINDOWS_DEFAULTS.stepTimeoutSeconds : DEFAULT_STEP_TIMEOUT_SECONDS;
  if (step.document) return step.document.timeoutSeconds ?? documentTimeoutSeconds(step.document) ?? byDefault;
  const fields = Object.values(step).find((value) => value !== undefined) as { readonly timeoutSeconds?: number } | undefined;
  return fields?.timeoutSeconds ?? byDefault;
}
