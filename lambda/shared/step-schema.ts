/**
 * The provisioning steps of a recipe document: one object per step with exactly one kind key
 * (`{"shell": {...}}`, `{"document": {...}}`, ...). Field names are a public contract.
 *
 * Every kind but `reboot` has the common fields `timeoutSeconds` and `validExitCodes`; every kind
 * has a `name` (for `document`, the name of the SSM document it runs).
 */
import { z } from 'zod';
import { environmentSchema, int, noControl, text } from './schema-fields';

/** The step kinds, in the order messages list them. */
export const STEP_KINDS = ['shell', 'reboot', 'document'] as const;
export type StepKind = typeof STEP_KINDS[number];

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
  timeoutSeconds: int(1, 172800, 'seconds').optional(),
  validExitCodes: z.array(exitCode, { error: 'expected an array of exit codes, e.g. [0, 2]' })
    .min(1, { error: 'expected at least one exit code; leave the field out for [0]' })
    .max(20, { error: 'at most 20 exit codes' })
    .optional(),
};

const stepName = text('a step name', 64).optional();

const shellSchema = z.strictObject({
  name: stepName,
  commands: z.array(noControl(z.string({ error: 'expected a string' }).max(16384, { error: 'a command must be at most 16384 characters' }), true), {
    error: 'expected a non-empty array of strings',
  }).min(1, { error: 'expected a non-empty array of strings' }).max(500, { error: 'at most 500 commands per step' }),
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

const kindList = STEP_KINDS.map((kind) => `"${kind}"`).join(', ');

export const stepSchema = z.strictObject({
  shell: shellSchema.optional(),
  reboot: rebootSchema.optional(),
  document: documentSchema.optional(),
}, { error: `expected a step object with one of ${kindList}, e.g. {"shell": {"commands": ["..."]}}` }).superRefine((step, ctx) => {
  const kinds = STEP_KINDS.filter((key) => step[key] !== undefined);
  if (kinds.length === 0) ctx.addIssue({ code: 'custom', message: `expected one of ${kindList}` });
  if (kinds.length > 1) ctx.addIssue({ code: 'custom', message: `a step has exactly one kind; this one has ${kinds.map((kind) => `"${kind}"`).join(' and ')}` });
});

export type ProvisioningStep = z.infer<typeof stepSchema>;
