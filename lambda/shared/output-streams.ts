/**
 * Where SSM streams a step's command output: `<commandId>/<instanceId>/<plugin>/stdout` and `/stderr` in the
 * command-output log group, where `<plugin>` is the plugin id with `:` as `-` (`aws-runShellScript`), or the
 * step name of a schema 2.2 document (the staged-files document's `runStep`).
 */
import type { Platform } from './recipe-defaults';
import type { ProvisioningStep } from './step-schema';
import { STAGED_RUN_STEP, STAGED_RUN_STEP_WINDOWS, stagedKindOf } from '../../src/staging/staging-location';

/** The plugin part of a step's output streams; undefined for documents whose plugins the bakery does not know. */
export function outputPlugin(step: ProvisioningStep | undefined, platform: Platform = 'linux'): string | undefined {
  if (!step) return undefined;
  const windows = platform === 'windows';
  if (stagedKindOf(step)) return windows ? STAGED_RUN_STEP_WINDOWS : STAGED_RUN_STEP;
  if (step.document) return PLUGIN_OF_DOCUMENT[step.document.name];
  return step.powershell || windows ? 'aws-runPowerShellScript' : 'aws-runShellScript';
}

/** The AWS documents whose one plugin the bakery knows. */
const PLUGIN_OF_DOCUMENT: Record<string, string> = {
  'AWS-RunShellScript': 'aws-runShellScript',
  'AWS-RunPowerShellScript': 'aws-runPowerShellScript',
};

/** The stream of a step's standard output or error. */
export function outputStream(commandId: string, instanceId: string, plugin: string, stream: 'stdout' | 'stderr'): string {
  return `${commandId}/${instanceId}/${plugin}/${stream}`;
}
