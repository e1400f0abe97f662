/**
 * How a recipe step becomes one SSM Run Command: the document, its parameters, and how long the step
 * may run. Shell and reboot steps run a script with AWS-RunShellScript; a document step runs its own
 * document with the parameters it gives.
 */
import { documentParameters } from './documents/document-timeout';
import type { ProvisioningStep } from './step-schema';
import { stepScript, stepTimeoutSeconds } from './step-script';

/** The document shell and reboot steps run with. */
export const SHELL_DOCUMENT = 'AWS-RunShellScript';

export interface StepCommand {
  readonly documentName: string;
  readonly documentVersion?: string;
  readonly parameters: Record<string, string[]>;
  /** How long the step may run once it has started. */
  readonly timeoutSeconds: number;
}

/** The command for step `stepNumber` (counted from 1) of a build. */
export function stepCommand(step: ProvisioningStep, buildId: string, stepNumber: number): StepCommand {
  if (step.document) {
    return {
      documentName: step.document.name,
      ...(step.document.documentVersion ? { documentVersion: step.document.documentVersion } : {}),
      parameters: documentParameters(step.document),
      timeoutSeconds: stepTimeoutSeconds(step),
    };
  }
  const script = stepScript(step, buildId, stepNumber);
  return {
    documentName: SHELL_DOCUMENT,
    parameters: {
      commands: script.commands,
      ...(script.workingDirectory ? { workingDirectory: [script.workingDirectory] } : {}),
      executionTimeout: [String(script.timeoutSeconds)],
    },
    timeoutSeconds: script.timeoutSeconds,
  };
}
