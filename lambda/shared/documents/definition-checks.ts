/**
 * Checks of a `document` step against its document's definition that need no call to AWS: the parameters
 * it gives, and a `timeoutSeconds` longer than the document's own limit. The recipe schema applies them to
 * the AWS documents of the bundled catalog (so `bakery validate` catches them offline); Prepare applies them
 * to documents it describes.
 */
import { documentParameterProblems } from './document-parameters';
import type { DocumentStep } from './document-step';
import { parameterValues } from './document-timeout';
import type { DocumentDefinition } from '../../../src/recipe/aws-documents';

/** A problem under the step's `document` object: `path` continues from there. */
export interface DefinitionProblem {
  readonly path: string[];
  readonly message: string;
}

export function definitionProblems(definition: DocumentDefinition, step: DocumentStep): DefinitionProblem[] {
  const problems: DefinitionProblem[] = documentParameterProblems(definition, parameterValues(step))
    .map(({ parameter, message }) => ({ path: parameter ? ['parameters', parameter] : ['parameters'], message }));
  const limit = definition.timeoutParameter;
  if (limit && step.timeoutSeconds !== undefined && step.timeoutSeconds > limit.maxSeconds) {
    problems.push({
      path: ['timeoutSeconds'],
      message: `${definition.name} runs for at most ${limit.maxSeconds} s (its ${limit.name} parameter); lower timeoutSeconds to ${limit.maxSeconds} or less`,
    });
  }
  return problems;
}
