/**
 * How long a `document` step may run. SendCommand's own TimeoutSeconds only bounds delivery; the run
 * limit is a parameter of the document (`executionTimeout`, `TimeoutSeconds`, ...), which the bundled
 * catalog names for the AWS documents the bakery knows.
 */
import type { DocumentStep } from './document-step';
import { AWS_DOCUMENTS } from '../../../src/recipe/aws-documents';

/** The run limit the step's document will use: the value the step gives its timeout parameter, else that parameter's default. */
export function documentTimeoutSeconds(step: DocumentStep): number | undefined {
  const timeout = AWS_DOCUMENTS[step.name]?.timeoutParameter;
  if (!timeout) return undefined;
  const given = parameterValues(step)[timeout.name]?.[0];
  const fallback = AWS_DOCUMENTS[step.name].parameters[timeout.name]?.default;
  const seconds = Number(given ?? fallback);
  return Number.isInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/** The step's parameters as SSM takes them: every value a list of strings. */
export function parameterValues(step: DocumentStep): Record<string, string[]> {
  return Object.fromEntries(Object.entries(step.parameters ?? {}).map(([name, value]) => [name, typeof value === 'string' ? [value] : [...value]]));
}

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
