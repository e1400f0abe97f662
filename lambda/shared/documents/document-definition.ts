/**
 * What a `document` step's document declares: from the bundled catalog for the AWS documents the bakery
 * knows, else from DescribeDocument (the account's own documents, shared ones by ARN, and other AWS ones).
 */
import { DescribeDocumentCommand, DocumentDescription } from '@aws-sdk/client-ssm';
import { AWS_DOCUMENTS, DocumentDefinition, DocumentParameterType, DocumentPlatform } from '../../../src/recipe/aws-documents';
import { ssm } from '../clients/ssm';
import { isAwsErrorNamed } from '../errors';

/** The definition, or a reason the document cannot run as a provisioning step. */
export type DocumentLookup = { readonly definition: DocumentDefinition } | { readonly problem: string };

/**
 * The definition of a document. An AWS document the bakery knows is taken from the catalog whatever version a step
 * pins (the runner may only describe the documents registered recipes name); SendCommand refuses parameters an
 * older version lacks, and the step fails with that error.
 */
export async function lookUpDocument(name: string, version?: string): Promise<DocumentLookup> {
  const known = AWS_DOCUMENTS[name];
  if (known) return { definition: known };
  try {
    const { Document } = await ssm().send(new DescribeDocumentCommand({ Name: name, ...(version ? { DocumentVersion: version } : {}) }));
    return Document ? fromDescription(name, Document) : { problem: notFound(name, version) };
  } catch (error) {
    if (isAwsErrorNamed(error, 'InvalidDocument') || isAwsErrorNamed(error, 'InvalidDocumentVersion')) return { problem: notFound(name, version) };
    throw error;
  }
}

function notFound(name: string, version?: string): string {
  const which = version ? `version ${version} of SSM document "${name}"` : `SSM document "${name}"`;
  return `${which} does not exist in this account and region (or is not shared with it); check the name, or create the document first`;
}

function fromDescription(name: string, document: DocumentDescription): DocumentLookup {
  if (document.DocumentType !== 'Command') {
    return { problem: `SSM document "${name}" is a ${document.DocumentType ?? 'non-Command'} document; provisioning steps run Command documents` };
  }
  if (document.Status && document.Status !== 'Active') {
    return { problem: `SSM document "${name}" is ${document.Status}, not Active; wait until it is, or fix it` };
  }
  const parameters = Object.fromEntries((document.Parameters ?? []).map((parameter) => [parameter.Name!, {
    type: (parameter.Type ?? 'String') as DocumentParameterType,
    ...(parameter.DefaultValue !== undefined ? { default: parameter.DefaultValue } : {}),
    description: parameter.Description ?? '',
  }]));
  return {
    definition: {
      name,
      description: document.Description ?? '',
      platforms: (document.PlatformTypes ?? []) as DocumentPlatform[],
      parameters,
    },
  };
}
