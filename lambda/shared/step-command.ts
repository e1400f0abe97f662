/**
 * How a recipe step becomes one SSM Run Command: the document, its parameters, and how long the step
 * may run. Shell steps run a script with AWS-RunShellScript, powershell steps with AWS-RunPowerShellScript,
 * reboot steps with the one that fits the platform; a document step runs its own
 * document with the parameters it gives; script, file and ansible steps run the bakery's staged-files
 * document, which downloads and checks their files first.
 */
import * as config from './config';
import { documentParameters } from './documents/document-timeout';
import { stagedCommandParameters } from './staging/staged-command';
import type { ProvisioningStep } from './step-schema';
import { stepScript, stepTimeoutSeconds } from './step-script';
import type { BuildContext } from './types';
import { powershellStepCommands, windowsRebootCommands } from './windows/powershell-script';
import type { StepAt } from '../../src/recipe/step-lists';
import { stagedKindOf } from '../../src/staging/staging-location';

/** The document shell steps, and reboot steps on Linux, run with. */
export const SHELL_DOCUMENT = 'AWS-RunShellScript';

/** The document powershell steps, and reboot steps on Windows, run with. */
export const POWERSHELL_DOCUMENT = 'AWS-RunPowerShellScript';

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
  const timeoutSeconds = stepTimeoutSeconds(step, build.platform);
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
  const stepNumber = at.list === 'steps' ? index + 1 : `${at.list}-${index + 1}`;
  if (step.powershell || (step.reboot && build.platform === 'windows')) {
    const commands = step.powershell ? powershellStepCommands(step.powershell) : windowsRebootCommands(build.buildId, stepNumber);
    return { documentName: POWERSHELL_DOCUMENT, parameters: { commands, executionTimeout: [String(timeoutSeconds)] }, timeoutSeconds };
  }
  const script = stepScript(step, build.buildId, stepNumber);
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
