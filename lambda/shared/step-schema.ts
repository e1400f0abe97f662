/**
 * The provisioning steps of a recipe document: one object per step with exactly one kind key
 * (`{"shell": {...}}`, `{"document": {...}}`, ...). Field names are a public contract.
 *
 * Every kind but `reboot` has the common fields `timeoutSeconds` and `validExitCodes`; every kind
 * has a `name` (for `document`, the name of the SSM document it runs).
 */
import * as z from 'zod';
import { environmentSchema, int, noControl, text } from './schema-fields';
import { STEP_KINDS } from './step-kinds';
import { MAX_STEP_TIMEOUT_SECONDS } from '../../src/recipe/launch-rules';


/** SSM document names (AWS-owned or the account's own) and the ARN of a document another account shares. */
const DOCUMENT_NAME = /^[A-Za-z0-9_.-]{3,128}$/;
const DOCUMENT_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:document\/[A-Za-z0-9_.-]{3,128}$/;
const DOCUMENT_VERSION = /^(\$LATEST|\$DEFAULT|[1-9][0-9]*)$/;
const DOCUMENT_PARAMETER_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** Exit codes as the platforms report them: 0-255 on Linux, any 32-bit value on Windows. */
const exitCode = z.number({ error: 'expected a whole-number exit code' })
  .int({ error: 'expected a whole-number exit code' })
  .min(-2147483648, { error: 'expected a 32-bit exit code' })
  .max(4294967295, { error: 'expected a 32-bit exit code' });

/** The fields every kind but `reboot` has, besides its name. */
const runFields = {
  timeoutSeconds: int(1, MAX_STEP_TIMEOUT_SECONDS, 'seconds').optional(),
  validExitCodes: z.array(exitCode, { error: 'expected an array of exit codes, e.g. [0, 2]' })
    .min(1, { error: 'expected at least one exit code; leave the field out for [0]' })
    .max(20, { error: 'at most 20 exit codes' })
    .optional(),
};

const stepName = text('a step name', 64).optional();

/** The commands of a `shell` or `powershell` step, one per element. */
const commandList = (what: string) => z.array(
  noControl(z.string({ error: 'expected a string' }).max(16384, { error: 'a command must be at most 16384 characters' }), true),
  { error: `expected a non-empty array of ${what}` },
).min(1, { error: `expected a non-empty array of ${what}` }).max(500, { error: 'at most 500 commands per step' });

const shellSchema = z.strictObject({
  name: stepName,
  commands: commandList('strings'),
  workingDirectory: text('a directory path', 1024).optional(),
  environment: environmentSchema.optional(),
  ...runFields,
});

/** PowerShell commands for Windows (AWS-RunPowerShellScript), as Packer's `powershell` provisioner's `inline`. */
const powershellSchema = z.strictObject({
  name: stepName,
  commands: commandList('PowerShell commands'),
  workingDirectory: text('a directory path', 1024).optional(),
  environment: environmentSchema.optional(),
  ...runFields,
});

const rebootSchema = z.strictObject({
  name: stepName,
}, { error: 'expected an object, e.g. {}' });

/** A document parameter's value: SSM takes a list of strings; a single string is a list of one. */
const documentParameterValue = z.union([
  noControl(z.string().max(65536, { error: 'must be at most 65536 characters' }), true),
  z.array(noControl(z.string().max(65536, { error: 'must be at most 65536 characters' }), true)).max(1000, { error: 'at most 1000 values' }),
], { error: 'expected a string or an array of strings, e.g. ["Install"]' });

const documentSchema = z.strictObject({
  name: z.string({ error: 'expected an SSM document name such as "AWS-RunPatchBaseline", or a document ARN' })
    .refine((name) => DOCUMENT_NAME.test(name) || DOCUMENT_ARN.test(name), {
      error: 'expected an SSM document name (3-128 letters, digits, "_", "-" or ".") such as "AWS-RunPatchBaseline", or a document ARN',
    }),
  documentVersion: z.string({ error: 'expected "$LATEST", "$DEFAULT" or a version number such as "3"' })
    .regex(DOCUMENT_VERSION, { error: 'expected "$LATEST", "$DEFAULT" or a version number such as "3"' }).optional(),
  parameters: z.record(
    z.string().regex(DOCUMENT_PARAMETER_NAME, { error: 'parameter names are letters, digits, "_", "-" or "."' }),
    documentParameterValue,
    { error: 'expected an object of parameter names to values, e.g. {"Operation": ["Install"]}' },
  ).optional(),
  ...runFields,
}, { error: 'expected an object such as {"name": "AWS-RunPatchBaseline", "parameters": {"Operation": ["Install"]}}' });

/** Where a file comes from: a path relative to the recipe file (staged by the CLI), or its s3:// URI in the staging location. */
const source = (what: string) => text(`a ${what} path relative to the recipe file, or an s3:// URI`, 1024);
/** An absolute path on Linux (`/etc/app.conf`) or Windows (`C:\\app\\app.conf`). */
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/])/;
/** `user`, `user:group`, or numeric ids. */
const OWNER = /^([a-z_][a-z0-9_.-]*\$?|\d+)(:([a-z_][a-z0-9_.-]*\$?|\d+))?$/;
const PLAYBOOK = /^(?!\/)(?!.*\.\.)[A-Za-z0-9_.\/-]+\.ya?ml$/;

const scriptSchema = z.strictObject({
  name: stepName,
  source: source('script file').refine((path) => !/[\\/]$/.test(path), {
    error: 'a script is one file, and this source is a folder (it ends with "/"); name the script, or upload the folder with a "file" step',
  }),
  args: z.array(noControl(z.string({ error: 'expected a string' }).max(4096, { error: 'an argument must be at most 4096 characters' })), {
    error: 'expected an array of strings, e.g. ["--fast"]',
  }).max(100, { error: 'at most 100 arguments' }).optional(),
  environment: environmentSchema.optional(),
  workingDirectory: text('a directory path', 1024).optional(),
  ...runFields,
});

const fileSchema = z.strictObject({
  name: stepName,
  source: source('file or folder ("files/site/" for a folder)'),
  destination: text('an absolute path on the instance', 1024)
    .refine((path) => ABSOLUTE_PATH.test(path), { error: 'must be an absolute path on the instance, such as /etc/nginx/nginx.conf' }),
  owner: z.string({ error: 'expected an owner such as "root" or "www-data:www-data"' })
    .regex(OWNER, { error: 'expected an owner such as "root" or "www-data:www-data"' }).optional(),
  mode: z.string({ error: 'expected an octal mode in quotes, such as "0644"' })
    .regex(/^[0-7]{3,4}$/, { error: 'expected an octal mode in quotes, such as "0644"' }).optional(),
  ...runFields,
});

const ansibleSchema = z.strictObject({
  name: stepName,
  source: source('folder ("ansible/")').refine((path) => /[\\/]$/.test(path), {
    error: 'expected the folder that holds the playbook, ending with "/", such as "ansible/"',
  }),
  playbook: z.string({ error: 'expected the playbook\'s path inside the folder, such as "site.yml"' })
    .regex(PLAYBOOK, { error: 'expected the playbook\'s path inside the folder, such as "site.yml" (a .yml or .yaml file, no "..")' }),
  extraVars: z.record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'variable names are letters, digits and "_", not starting with a digit' }),
    z.union([noControl(z.string().max(4096, { error: 'must be at most 4096 characters' }), true), z.number(), z.boolean()],
      { error: 'expected a string, number or boolean' }),
    { error: 'expected an object of variable names to values, e.g. {"env": "prod"}' },
  ).optional(),
  ...runFields,
});

const kindList = STEP_KINDS.map((kind) => `"${kind}"`).join(', ');

export const stepSchema = z.strictObject({
  shell: shellSchema.optional(),
  reboot: rebootSchema.optional(),
  document: documentSchema.optional(),
  script: scriptSchema.optional(),
  file: fileSchema.optional(),
  ansible: ansibleSchema.optional(),
  powershell: powershellSchema.optional(),
}, { error: `expected a step object with one of ${kindList}, e.g. {"shell": {"commands": ["..."]}}` }).superRefine((step, ctx) => {
  const kinds = STEP_KINDS.filter((key) => step[key] !== undefined);
  if (kinds.length === 0) ctx.addIssue({ code: 'custom', message: `expected one of ${kindList}` });
  if (kinds.length > 1) ctx.addIssue({ code: 'custom', message: `a step has exactly one kind; this one has ${kinds.map((kind) => `"${kind}"`).join(' and ')}` });
});

export type ProvisioningStep = z.infer<typeof stepSchema>;
