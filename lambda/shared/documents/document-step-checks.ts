/**
 * Prepare's checks of a recipe's `document` steps, before anything is launched: the document exists and
 * is a Command document, this bakery may run it, and it runs on the source image's platform. The parameters
 * and time limit of a document Prepare describes are checked here too; those of the AWS documents the
 * bakery knows, by the recipe schema already.
 */
import { definitionProblems } from './definition-checks';
import { lookUpDocument } from './document-definition';
import type { DocumentStep } from './document-step';
import { AWS_DOCUMENTS, DocumentDefinition, DocumentPlatform } from '../../../src/recipe/aws-documents';
import { stepPath, stepsIn } from '../../../src/recipe/step-lists';
import type { ProvisioningStep, RecipeDocument } from '../recipe-schema';

export interface DocumentCheckContext {
  /** The source image's platform. */
  readonly platform: 'linux' | 'windows';
  /** Documents beyond the catalog that this bakery may run: those its registered recipes name. */
  readonly registeredDocuments: readonly string[];
}

/** Every problem with the recipe's document steps, as `steps[2].document.parameters.Operation: ...`. */
export async function documentStepProblems(recipe: RecipeDocument, context: DocumentCheckContext): Promise<string[]> {
  const problems: string[] = [];
  for (const at of stepsIn<ProvisioningStep>(recipe)) {
    if (at.step.document) problems.push(...(await oneStepProblems(at.step.document, context)).map((problem) => `${stepPath(at)}.document${problem}`));
  }
  return problems;
}

async function oneStepProblems(step: DocumentStep, context: DocumentCheckContext): Promise<string[]> {
  if (!AWS_DOCUMENTS[step.name] && !context.registeredDocuments.includes(step.name)) {
    return [`.name: this bakery runs the AWS documents it knows (${Object.keys(AWS_DOCUMENTS).join(', ')}) and the documents ` +
      `its registered recipes name; "${step.name}" is neither. Add a recipe that uses it to the AmiBakery in your CDK app and deploy`];
  }
  const lookup = await lookUpDocument(step.name, step.documentVersion);
  if ('problem' in lookup) return [`.name: ${lookup.problem}`];
  const described = AWS_DOCUMENTS[step.name] ? [] : definitionProblems(lookup.definition, step);
  return [
    ...platformProblems(lookup.definition, context.platform),
    ...described.map(({ path, message }) => `.${path.join('.')}: ${message}`),
  ];
}

function platformProblems(definition: DocumentDefinition, platform: 'linux' | 'windows'): string[] {
  const wanted: DocumentPlatform = platform === 'windows' ? 'Windows' : 'Linux';
  if (definition.platforms.length === 0 || definition.platforms.includes(wanted)) return [];
  return [`.name: ${definition.name} runs on ${definition.platforms.join(' and ')} only, and the source image is ${wanted}; ` +
    'use a document for this platform or another source image'];
}
