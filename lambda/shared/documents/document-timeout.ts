/**
 * The parameters a `document` step sends. SendCommand's own TimeoutSeconds only bounds delivery; the run
 * limit is a parameter of the document (`executionTimeout`, `TimeoutSeconds`, ...), which the bundled
 * catalog names for the AWS documents the bakery knows. How long the step may run (`documentTimeoutSeconds`)
 * is kept with the construct in src/recipe/timeouts.ts, which derives `bakeTimeout` from it.
 */
import type { DocumentStep } from './document-step';
import { AWS_DOCUMENTS } from '../../../src/recipe/aws-documents';
import { parameterValues } from '../../../src/recipe/timeouts';

export { parameterValues } from '../../../src/recipe/timeouts';

/**
 * The parameters SendCommand sends: the step's, plus its `timeoutSeconds` in the document's timeout parameter
 * when the step sets one and the parameters do not, so the document stops when the bakery stops waiting.
 */
export function documentParameters(step: DocumentStep): Record<string, string[]> {
  const parameters = parameterValues(step);
  const timeout = AWS_DOCUMENTS[step.name]?.timeoutParameter;
  if (timeout && step.timeoutSeconds !== undefined && parameters[timeout.name] === undefined) {
    parameters[timeout.name] = [String(Math.min(step.timeoutSeconds, timeout.maxSeconds))];
  }
  return parameters;
}
