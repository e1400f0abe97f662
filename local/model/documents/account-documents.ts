/**
 * The account's own SSM documents: CreateDocument (JSON content, Command documents of schema 2.2 with
 * aws:runShellScript / aws:runPowerShellScript steps) and DescribeDocument, which also answers for the
 * AWS documents of the bundled catalog, as SSM does for AWS-owned documents.
 */
import type { CreateDocumentRequest, CreateDocumentResult, DescribeDocumentRequest, DescribeDocumentResult, DocumentDescription } from '@aws-sdk/client-ssm';
import type { DocumentContent, DocumentRecord } from './records';
import { AWS_DOCUMENTS, DocumentDefinition } from '../../../src/recipe/aws-documents';
import type { OperationContext } from '../context';
import { ssmError } from '../errors';

const NAME = /^[A-Za-z0-9_.-]{3,128}$/;
/** The plugins a simulated instance runs (the simulated shell, and downloads from the simulated S3). */
const SIMULATED_ACTIONS = ['aws:runShellScript', 'aws:runPowerShellScript', 'aws:downloadContent'];

export function createDocument(ctx: OperationContext, input: CreateDocumentRequest): CreateDocumentResult {
  const name = input.Name ?? '';
  if (!NAME.test(name)) throw ssmError('ValidationException', `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint`);
  if (/^(aws|amazon|amzn)/i.test(name)) throw ssmError('InvalidDocumentContent', `Document name ${name} cannot start with a reserved prefix.`);
  if (ctx.region.documents.has(name)) throw ssmError('DocumentAlreadyExists', 'Document with same name already exists.');
  const content = parseContent(input.Content);
  const record: DocumentRecord = { name, documentType: input.DocumentType ?? 'Command', content, createdAt: ctx.now, ownerId: ctx.accountId };
  ctx.region.documents.set(name, record);
  return { DocumentDescription: describeRecord(record) };
}

export function describeDocument(ctx: OperationContext, input: DescribeDocumentRequest): DescribeDocumentResult {
  const name = documentName(input.Name ?? '', ctx.accountId);
  const known = AWS_DOCUMENTS[name];
  if (known) return { Document: describeCatalog(known) };
  const record = ctx.region.documents.get(name);
  if (!record) throw ssmError('InvalidDocument', `Document with name ${input.Name} does not exist.`);
  const version = input.DocumentVersion;
  if (version !== undefined && !['$LATEST', '$DEFAULT', '1'].includes(version)) {
    throw ssmError('InvalidDocumentVersion', `Document ${name} does not have version ${version}.`);
  }
  return { Document: describeRecord(record) };
}

/** A document named by ARN in this account is the same as by name; others' ARNs name nothing here. */
export function documentName(nameOrArn: string, accountId: string): string {
  const arn = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:(\d{12})?:document\/(.+)$/.exec(nameOrArn);
  if (!arn) return nameOrArn;
  return arn[1] === undefined || arn[1] === accountId ? arn[2] : nameOrArn;
}

function parseContent(text: string | undefined): DocumentContent {
  let content: DocumentContent;
  try {
    content = JSON.parse(text ?? '') as DocumentContent;
  } catch {
    throw ssmError('InvalidDocumentContent', 'The content for the document is not valid JSON.');
  }
  if (content.schemaVersion !== '2.2' || !Array.isArray(content.mainSteps) || content.mainSteps.length === 0) {
    throw ssmError('InvalidDocumentContent', 'Command documents need schemaVersion 2.2 and at least one of mainSteps.');
  }
  const unsupported = content.mainSteps.find((step) => !SIMULATED_ACTIONS.includes(step.action));
  if (unsupported) {
    throw ssmError('InvalidDocumentContent',
      `The simulator runs documents whose steps are ${SIMULATED_ACTIONS.join(', ')}; step ${unsupported.name} is ${unsupported.action}.`);
  }
  return content;
}

function platformsOf(content: DocumentContent): string[] {
  const platforms = new Set<string>();
  for (const step of content.mainSteps ?? []) {
    const only = step.precondition?.StringEquals?.[1];
    if (step.action === 'aws:runPowerShellScript') platforms.add('Windows');
    else if (only) platforms.add(only);
    else ['Linux', 'MacOS'].forEach((platform) => platforms.add(platform));
  }
  return [...platforms];
}

function describeRecord(record: DocumentRecord): DocumentDescription {
  return {
    Name: record.name,
    Owner: record.ownerId,
    DocumentType: record.documentType as DocumentDescription['DocumentType'],
    DocumentFormat: 'JSON',
    SchemaVersion: record.content.schemaVersion,
    Status: 'Active',
    DocumentVersion: '1',
    DefaultVersion: '1',
    LatestVersion: '1',
    CreatedDate: new Date(record.createdAt),
    Description: record.content.description ?? '',
    PlatformTypes: platformsOf(record.content) as DocumentDescription['PlatformTypes'],
    Parameters: Object.entries(record.content.parameters ?? {}).map(([name, parameter]) => ({
      Name: name,
      Type: parameter.type as 'String',
      Description: parameter.description ?? '',
      ...(parameter.default !== undefined ? { DefaultValue: String(parameter.default) } : {}),
    })),
  };
}

function describeCatalog(definition: DocumentDefinition): DocumentDescription {
  return {
    Name: definition.name,
    Owner: 'Amazon',
    DocumentType: 'Command',
    DocumentFormat: 'JSON',
    SchemaVersion: '2.2',
    Status: 'Active',
    DocumentVersion: '1',
    Description: definition.description,
    PlatformTypes: [...definition.platforms],
    Parameters: Object.entries(definition.parameters).map(([name, parameter]) => ({
      Name: name,
      Type: parameter.type as 'String',
      Description: parameter.description,
      ...(parameter.default !== undefined ? { DefaultValue: typeof parameter.default === 'string' ? parameter.default : JSON.stringify(parameter.default) } : {}),
    })),
  };
}
