/**
 * Where SSM streams a step's command output: `<commandId>/<instanceId>/<plugin>/stdout` and `/stderr` in the
 * command-output log group, where `<plugin>` is the plugin id with `:` as `-` (`aws-runShellScript`), or the
 * step name of a schema 2.2 document (the staged-files document's `runStep`).
 */
import type { ProvisioningStep } from './step-schema';
import { STAGED_RUN_STEP, stagedKindOf } from '../../src/staging/staging-location';

/** The plugin part of a step's output streams; undefined for documents whose plugins the bakery does not know. */
export function outputPlugin(step: ProvisioningStep | undefined): string | undefined {
  if (!step) return undefined;
  if (stagedKindOf(step)) return STAGED_RUN_STEP;
  if (step.document && step.document.name !== 'AWS-RunShellScript') return undefined;
  return 'aws-runShellScript';
}

/** The stream of a step's standard output or error. */
export function outputStream(commandId: string, instanceId: string, plugin: string, stream: 'stdout' | 'stderr'): string {
  return `${commandId}/${instanceId}/${plugin}/${stream}`;
}
