/**
 * The document a SendCommand names, checked as SSM checks it (it exists, is a Command document, and the
 * parameters are the declared ones with allowed values), and what it runs on the instance: a script for
 * the simulated shell, its plugin's name, and its run time limit.
 */
import { documentName } from './account-documents';
import { AWS_DOCUMENT_SCRIPTS, DocumentScript, Download, Parameters } from './aws-document-scripts';
import type { DeclaredParameter, DocumentRecord } from './records';
import type { S3Reader } from './s3-reader';
import { WINDOWS_DOCUMENT_SCRIPTS } from './windows-document-scripts';
import { AWS_DOCUMENTS } from '../../../src/recipe/aws-documents';
import type { OperationContext } from '../context';
import { ssmError } from '../errors';

/** AWS-RunShellScript's default `executionTimeout`. */
const DEFAULT_EXECUTION_TIMEOUT_SECONDS = 3600;

/** An instance's operating system, as the simulator keeps it. */
export type InstancePlatform = 'linux' | 'windows';

/** What a document runs on an instance of one platform, with its run time limit. */
export interface PlatformScript extends DocumentScript {
  readonly executionTimeoutSeconds: number;
}

export interface RunnableDocument {
  readonly documentName: string;
  /** What it runs on a platform, built when first asked; undefined where it has no step for the platform (the invocation fails with InvalidPlatform). */
  scriptFor(platform: InstancePlatform): PlatformScript | undefined;
}

export function runnableDocument(ctx: OperationContext, name: string, parameters: Parameters, s3: S3Reader): RunnableDocument {
  const known = AWS_DOCUMENTS[name];
  if (known) {
    checkParameters(known.parameters as Record<string, DeclaredParameter>, parameters);
    const timeout = known.timeoutParameter;
    const given = timeout ? parameters[timeout.name]?.[0] ?? known.parameters[timeout.name]?.default : undefined;
    const executionTimeoutSeconds = Number(given ?? DEFAULT_EXECUTION_TIMEOUT_SECONDS) || DEFAULT_EXECUTION_TIMEOUT_SECONDS;
    const builders = { linux: AWS_DOCUMENT_SCRIPTS[name], windows: WINDOWS_DOCUMENT_SCRIPTS[name] };
    const build = (platform: InstancePlatform) => builders[platform] && { ...builders[platform](parameters, s3), executionTimeoutSeconds };
    return { documentName: name, scriptFor: once(build) };
  }
  const record = ctx.region.documents.get(documentName(name, ctx.accountId));
  if (!record || record.documentType !== 'Command') throw ssmError('InvalidDocument', `Document with name ${name} does not exist.`);
  checkParameters(record.content.parameters ?? {}, parameters);
  return {
    documentName: record.name,
    scriptFor: once((platform) => ownDocumentScript(record, parameters, s3, platform)),
  };
}

/** A platform's script is built once, for the first instance of that platform. */
function once(build: (platform: InstancePlatform) => PlatformScript | undefined): RunnableDocument['scriptFor'] {
  const built = new Map<InstancePlatform, PlatformScript | undefined>();
  return (platform) => {
    if (!built.has(platform)) built.set(platform, build(platform));
    return built.get(platform);
  };
}

function invalid(message: string): never {
  throw ssmError('InvalidParameters', message);
}

/** SSM's own check at SendCommand: unknown parameters, required ones missing, values outside the allowed ones. */
function checkParameters(declared: Record<string, DeclaredParameter>, given: Parameters): void {
  for (const [name, values] of Object.entries(given)) {
    const parameter = declared[name];
    if (!parameter) invalid(`Parameter "${name}" is not a parameter of this document.`);
    if (parameter.minItems !== undefined && values.length < parameter.minItems) {
      invalid(`Parameter "${name}" needs at least ${parameter.minItems} value(s).`);
    }
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

/**
 * A document's inputs with `{{ name }}` replaced by the parameter's value or default: a string that is just
 * one placeholder of a list parameter becomes the list; inside other text, a list's values join by lines.
 */
function interpolate(value: unknown, record: DocumentRecord, parameters: Parameters): unknown {
  if (Array.isArray(value)) return value.map((item) => interpolate(item, record, parameters));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, interpolate(inner, record, parameters)]));
  }
  if (typeof value !== 'string') return value;
  const valuesOf = (name: string) => parameters[name] ?? defaultValues(record.content.parameters?.[name]);
  const whole = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/.exec(value);
  if (whole && record.content.parameters?.[whole[1]]?.type === 'StringList') return valuesOf(whole[1]) ?? value;
  return value.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (text, name: string) => valuesOf(name)?.join('\n') ?? text);
}

function defaultValues(parameter: DeclaredParameter | undefined): string[] | undefined {
  if (parameter?.default === undefined) return undefined;
  return Array.isArray(parameter.default) ? parameter.default.map(String) : [String(parameter.default)];
}

/** The plugin that runs a script on each platform, and the precondition value that names the platform. */
const RUN_ACTIONS: Record<InstancePlatform, { action: string; language: 'shell' | 'powershell'; precondition: string }> = {
  linux: { action: 'aws:runShellScript', language: 'shell', precondition: 'Linux' },
  windows: { action: 'aws:runPowerShellScript', language: 'powershell', precondition: 'Windows' },
};

/**
 * The account's own document on one platform: its script steps for the platform in order (shell on Linux, PowerShell on
 * Windows, skipping steps whose precondition names another platform), after its downloads, which fail when the object
 * is missing; it may run as long as its script step's `timeoutSeconds` says (SSM's default, 3600 s, without one).
 * Undefined when no script step runs on the platform.
 */
function ownDocumentScript(record: DocumentRecord, parameters: Parameters, s3: S3Reader, platform: InstancePlatform): PlatformScript | undefined {
  const run = RUN_ACTIONS[platform];
  const lines: string[] = [];
  const downloads: Download[] = [];
  let pluginName: string | undefined;
  let executionTimeoutSeconds = DEFAULT_EXECUTION_TIMEOUT_SECONDS;
  for (const step of record.content.mainSteps ?? []) {
    const only = step.precondition?.StringEquals?.[1];
    if (only && only !== run.precondition) continue;
    const inputs = interpolate(step.inputs ?? {}, record, parameters) as Record<string, unknown>;
    if (step.action === 'aws:downloadContent') {
      const url = String((JSON.parse(String(inputs.sourceInfo ?? '{}')) as { path?: unknown }).path ?? '');
      const problem = s3.objectProblem(url);
      if (problem) return failedDownload(step.name, problem, run.language, executionTimeoutSeconds);
      downloads.push({ url, destination: String(inputs.destinationPath ?? '.') });
    } else if (step.action === run.action) {
      const commands = inputs.runCommand;
      lines.push(...(Array.isArray(commands) ? commands.map(String) : String(commands ?? '').split('\n')));
      pluginName = step.name;
      executionTimeoutSeconds = Number(inputs.timeoutSeconds) || DEFAULT_EXECUTION_TIMEOUT_SECONDS;
    }
  }
  if (pluginName === undefined) return undefined;
  return { pluginName, script: lines.join('\n'), downloads, executionTimeoutSeconds, language: run.language };
}

/** The download step fails, and the script steps after it never run. */
function failedDownload(pluginName: string, problem: string, language: 'shell' | 'powershell', executionTimeoutSeconds: number): PlatformScript {
  const message = `Failed to download content: ${problem.replace(/'/g, '')}`;
  const script = language === 'powershell' ? `throw '${message}'` : [`echo '${message}' >&2`, 'exit 1'].join('\n');
  return { pluginName, script, executionTimeoutSeconds, language };
}
