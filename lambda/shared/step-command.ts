/**
 * How a recipe step becomes one SSM Run Command: the document, its parameters, and how long the step
 * may run. Shell and reboot steps run a script with AWS-RunShellScript; a document step runs its own
 * document with the parameters it gives; script, file and ansible steps run the bakery's staged-files
 * document, which downloads and checks their files first.
 */
import * as config from './config';
import { documentParameters } from './documents/document-timeout';
import { stagedCommandParameters } from './staging/staged-command';
import type { ProvisioningStep } from './step-schema';
import { stepScript, stepTimeoutSeconds } from './step-script';
import type { BuildContext } from './types';
import type { StepAt } from '../../src/recipe/step-lists';
import { stagedKindOf } from '../../src/staging/staging-location';

/** The document shell and reboot steps run with. */
export const SHELL_DOCUMENT = 'AWS-RunShellScript';

export interface StepCommand {
  readonly documentName: string;
  readonly documentVersion?: string;
  readonly parameters: Record<string, string[]>;
  /** How long the step may run once it has started. */
  readonly timeoutSeconds: number;
}

/** The command for one step of a build: a provisioning step, a test or a step run after a failure. */
export function stepCommand(build: BuildContext, at: StepAt<ProvisioningStep>): StepCommand {
  const { step, index } = at;
  const timeoutSeconds = stepTimeoutSeconds(step);
  if (stagedKindOf(step)) {
    return { documentName: config.stagedFilesDocument(), parameters: stagedCommandParameters(build, at, timeoutSeconds), timeoutSeconds };
  }
  if (step.document) {
    return {
      documentName: step.document.name,
      ...(step.document.documentVersion ? { documentVersion: step.document.documentVersion } : {}),
      parameters: documentParameters(step.document),
      timeoutSeconds,
    };
  }
  const script = stepScript(step, build.buildId, at.list === 'steps' ? index + 1 : `${at.list}-${index + 1}`);
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
