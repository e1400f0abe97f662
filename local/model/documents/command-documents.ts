/**
 * The document a SendCommand names, checked as SSM checks it (it exists, is a Command document, and the
 * parameters are the declared ones with allowed values), and what it runs on the instance: a script for
 * the simulated shell, its plugin's name, and its run time limit.
 */
import { documentName } from './account-documents';
import { AWS_DOCUMENT_SCRIPTS, DocumentScript, Parameters } from './aws-document-scripts';
import type { DeclaredParameter, DocumentRecord } from './records';
import type { S3Reader } from './s3-reader';
import { AWS_DOCUMENTS } from '../../../src/recipe/aws-documents';
import type { OperationContext } from '../context';
import { ssmError } from '../errors';

/** AWS-RunShellScript's default `executionTimeout`. */
const DEFAULT_EXECUTION_TIMEOUT_SECONDS = 3600;

export interface RunnableDocument extends DocumentScript {
  readonly documentName: string;
  readonly executionTimeoutSeconds: number;
}

export function runnableDocument(ctx: OperationContext, name: string, parameters: Parameters, s3: S3Reader): RunnableDocument {
  const known = AWS_DOCUMENTS[name];
  if (known) {
    checkParameters(known.parameters as Record<string, DeclaredParameter>, parameters);
    const timeout = known.timeoutParameter;
    const given = timeout ? parameters[timeout.name]?.[0] ?? known.parameters[timeout.name]?.default : undefined;
    const seconds = Number(given ?? DEFAULT_EXECUTION_TIMEOUT_SECONDS);
    return { documentName: name, ...AWS_DOCUMENT_SCRIPTS[name](parameters, s3), executionTimeoutSeconds: seconds || DEFAULT_EXECUTION_TIMEOUT_SECONDS };
  }
  const record = ctx.region.documents.get(documentName(name, ctx.accountId));
  if (!record || record.documentType !== 'Command') throw ssmError('InvalidDocument', `Document with name ${name} does not exist.`);
  checkParameters(record.content.parameters ?? {}, parameters);
  return { documentName: record.name, ...ownDocumentScript(record, parameters, s3), executionTimeoutSeconds: DEFAULT_EXECUTION_TIMEOUT_SECONDS };
}

function invalid(message: string): never {
  throw ssmError('InvalidParameters', message);
}

/** SSM's own check at SendCommand: unknown parameters, required ones missing, values outside the allowed ones. */
function checkParameters(declared: Record<string, DeclaredParameter>, given: Parameters): void {
  for (const [name, values] of Object.entries(given)) {
    const parameter = declared[name];
    if (!parameter) invalid(`Parameter "${name}" is not a parameter of this document.`);
    for (const value of values) {
      if (parameter.allowedValues && !parameter.allowedValues.includes(value)) {
        invalid(`Parameter "${name}" has an invalid value ${value}: allowed values are ${parameter.allowedValues.join(', ')}.`);
      }
      if (parameter.allowedPattern && !new RegExp(`^(?:${parameter.allowedPattern})$`).test(value)) {
        invalid(`Parameter "${name}" has an invalid value ${value}: it must match ${parameter.allowedPattern}.`);
      }
    }
  }
  const missing = Object.keys(declared).find((name) => declared[name].default === undefined && given[name] === undefined);
  if (missing) invalid(`Parameter "${missing}" is required.`);
}

/** `{{ name }}` in a document's inputs, replaced by the parameter's value (a list joined by lines) or its default. */
function interpolate(text: string, record: DocumentRecord, parameters: Parameters): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, name: string) => {
    const values = parameters[name] ?? defaultValues(record.content.parameters?.[name]);
    return values ? values.join('\n') : whole;
  });
}

function defaultValues(parameter: DeclaredParameter | undefined): string[] | undefined {
  if (parameter?.default === undefined) return undefined;
  return Array.isArray(parameter.default) ? parameter.default.map(String) : [String(parameter.default)];
}

/** The account's own document: its Linux shell steps in order, after its downloads, which fail when the object is missing. */
function ownDocumentScript(record: DocumentRecord, parameters: Parameters, s3: S3Reader): DocumentScript {
  const lines: string[] = [];
  let pluginName = 'aws:runShellScript';
  for (const step of record.content.mainSteps ?? []) {
    const only = step.precondition?.StringEquals?.[1];
    if (only && only !== 'Linux') continue;
    const inputs = JSON.parse(interpolate(JSON.stringify(step.inputs ?? {}), record, parameters)) as Record<string, unknown>;
    if (step.action === 'aws:downloadContent') {
      const path = String((JSON.parse(String(inputs.sourceInfo ?? '{}')) as { path?: unknown }).path ?? '');
      const problem = s3.objectProblem(path);
      if (problem) lines.push(`echo 'Failed to download content: ${problem.replace(/'/g, '')}' >&2`, 'exit 1');
    } else if (step.action === 'aws:runShellScript') {
      const run = inputs.runCommand;
      lines.push(...(Array.isArray(run) ? run.map(String) : String(run ?? '').split('\n')));
      pluginName = step.name;
    }
  }
  return { pluginName, script: lines.join('\n') };
}
