/**
 * Checks the parameters a `document` step gives against the parameters its document declares, as SSM
 * would at SendCommand, so a typo fails the bake in Prepare, before anything is launched.
 */
import type { DocumentDefinition, DocumentParameter } from '../../../src/recipe/aws-documents';

/** A problem with one parameter, or with the parameters as a whole. */
export interface ParameterProblem {
  readonly parameter?: string;
  readonly message: string;
}

/** Problems with `given` for `definition`, each naming the parameter and the fix. */
export function documentParameterProblems(definition: DocumentDefinition, given: Record<string, string[]>): ParameterProblem[] {
  const declared = Object.keys(definition.parameters);
  const problems: ParameterProblem[] = [];
  for (const [name, values] of Object.entries(given)) {
    const parameter = definition.parameters[name];
    if (!parameter) {
      problems.push({ parameter: name, message: `${definition.name} has no parameter "${name}"; it takes ${declared.join(', ') || 'none'}` });
    } else {
      problems.push(...valueProblems(parameter, values).map((message) => ({ parameter: name, message })));
    }
  }
  const missing = declared.filter((name) => definition.parameters[name].default === undefined && given[name] === undefined);
  if (missing.length > 0) {
    problems.push({ message: `${definition.name} needs ${missing.map((name) => `"${name}"`).join(', ')} (no default); add ${missing.length > 1 ? 'them' : 'it'} to parameters` });
  }
  return problems;
}

function valueProblems(parameter: DocumentParameter, values: string[]): string[] {
  const problems: string[] = [];
  const single = parameter.type !== 'StringList' && parameter.type !== 'MapList';
  if (single && values.length !== 1) return [`expected one value (the parameter is a ${parameter.type}); got ${values.length}`];
  if (parameter.minItems !== undefined && values.length < parameter.minItems) problems.push(`expected at least ${parameter.minItems} values`);
  if (parameter.maxItems !== undefined && values.length > parameter.maxItems) problems.push(`expected at most ${parameter.maxItems} values`);
  for (const value of values) {
    const problem = typeProblem(parameter, value) ?? allowedProblem(parameter, value);
    if (problem) problems.push(problem);
  }
  return problems;
}

function typeProblem(parameter: DocumentParameter, value: string): string | undefined {
  if (parameter.type === 'Boolean' && value !== 'true' && value !== 'false') return `expected "true" or "false"; got "${value}"`;
  if (parameter.type === 'Integer' && !/^-?\d+$/.test(value)) return `expected a whole number; got "${value}"`;
  if (parameter.type === 'StringMap' && !isJsonObject(value)) return 'expected a JSON object, e.g. "{\\"path\\": \\"...\\"}"';
  return undefined;
}

function allowedProblem(parameter: DocumentParameter, value: string): string | undefined {
  if (parameter.allowedValues && !parameter.allowedValues.includes(value)) {
    return `"${value}" is not allowed; use one of ${parameter.allowedValues.map((allowed) => `"${allowed}"`).join(', ')}`;
  }
  if (parameter.allowedPattern && !new RegExp(`^(?:${parameter.allowedPattern})$`).test(value)) {
    return `"${shorten(value)}" does not match the document's pattern ${parameter.allowedPattern}`;
  }
  return undefined;
}

function isJsonObject(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

function shorten(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
