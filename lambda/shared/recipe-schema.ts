/**
 * The recipe document schema (`schemaVersion: 1`), written once and used by the Prepare step,
 * `bakery validate`, and the tests that check every document the CDK classes render.
 *
 * Field names are a public contract: add fields freely, never rename them.
 */
import * as z from 'zod';
import { definitionProblems } from './documents/definition-checks';
import { BAKERY_TAG_PREFIX, NAME_PLACEHOLDERS, TAG_PLACEHOLDERS } from './recipe-defaults';
import { addProblems, int, noControl, prose, text } from './schema-fields';
import { type ProvisioningStep, stepSchema } from './step-schema';
import { AWS_DOCUMENTS } from '../../src/recipe/aws-documents';
import { copyRegionProblems, distributionProblems, REGION } from '../../src/recipe/distribution-rules';
import { launchProblems, tagLimitProblem } from '../../src/recipe/launch-rules';
import { parameterNameProblems, type ParameterUse } from '../../src/recipe/parameter-names';
import { stepsIn } from '../../src/recipe/step-lists';

const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const RECIPE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Characters EC2 accepts in an image name, outside of placeholders. */
const AMI_NAME_CHARS = /^[A-Za-z0-9()[\] ./\-'@_]*$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
/** EC2 takes user data of at most 16 KB before base64 encoding. */
const MAX_USER_DATA_BYTES = 16384;

const idList = (pattern: RegExp, example: string) =>
  z.array(z.string().regex(pattern, { error: `expected an id like ${example}` }), { error: 'expected an array of ids' })
    .min(1, { error: 'expected at least one id; leave the field out to use the default' });

/** Tag values and the description may name the build's placeholders; an unknown one is a problem, not left as text. */
function withBuildPlaceholders<T extends z.ZodType<string>>(schema: T) {
  return schema.superRefine((value, ctx) => {
    // `{{ .SourceAMI }}` too: a Packer build variable left in a tag would otherwise stay as text.
    for (const match of value.matchAll(/\{\{\s*\.?([A-Za-z]+)\s*\}\}/g)) {
      if ((TAG_PLACEHOLDERS as readonly string[]).includes(match[1]) && !match[0].includes('.')) continue;
      ctx.addIssue({ code: 'custom', message: unknownPlaceholder(match[0], TAG_PLACEHOLDERS) });
    }
  });
}

const tagsSchema = z.record(
  noControl(z.string()
    .min(1, { error: 'tag keys must not be empty' })
    .max(128, { error: 'tag keys must be at most 128 characters' }))
    .refine((key) => !key.toLowerCase().startsWith('aws:'), { error: 'tag keys must not start with "aws:" (reserved by AWS)' })
    .refine((key) => !key.startsWith(BAKERY_TAG_PREFIX), { error: `tag keys must not start with "${BAKERY_TAG_PREFIX}" (set by the bakery)` }),
  withBuildPlaceholders(noControl(z.string({ error: 'tag values must be strings' }).max(256, { error: 'tag values must be at most 256 characters' }))),
  { error: 'expected an object of tag keys to string values' },
).superRefine((tags, ctx) => {
  const problem = tagLimitProblem(tags);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** An SSM parameter name the recipe reads (`source`) or writes (`distribution`), with what SSM would refuse in it. */
const parameterName = (use: ParameterUse, expected: string) => z.string({ error: expected }).superRefine((name, ctx) => {
  for (const message of parameterNameProblems(name, use)) ctx.addIssue({ code: 'custom', message });
});

const filterSchema = z.strictObject({
  owners: z.array(text('an owner (account id, "self", "amazon" or an alias)', 64), { error: 'expected an array of owners' })
    .min(1, { error: 'expected at least one owner, e.g. ["099720109477"] or ["amazon"]' }),
  name: text('an image name pattern such as "ubuntu/images/*24.04*"', 128),
  architecture: z.enum(['x86_64', 'arm64', 'i386', 'x86_64_mac', 'arm64_mac'], { error: 'expected "x86_64" or "arm64"' }).optional(),
});

const sourceSchema = z.strictObject({
  amiId: z.string().regex(AMI_ID, { error: 'expected an AMI id like ami-0123456789abcdef0' }).optional(),
  ssmParameter: parameterName('source', 'expected an SSM parameter name like /aws/service/...').optional(),
  filter: filterSchema.optional(),
}, { error: 'expected an object with one of amiId, ssmParameter or filter' }).superRefine((source, ctx) => {
  const given = (['amiId', 'ssmParameter', 'filter'] as const).filter((key) => source[key] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: given.length === 0
        ? 'missing: set exactly one of amiId, ssmParameter or filter'
        : `set exactly one of amiId, ssmParameter or filter (got ${given.join(' and ')})`,
    });
  }
});

const rootVolumeSchema = z.strictObject({
  sizeGiB: int(1, 16384, 'GiB').optional(),
  type: z.enum(['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'], { error: 'expected one of gp2, gp3, io1, io2, st1, sc1, standard' }).optional(),
  iops: int(100, 256000, 'IOPS').optional(),
  throughputMiBps: int(125, 2000, 'MiB/s').optional(),
});

const instanceTypes = z.array(z.string().regex(INSTANCE_TYPE, { error: 'expected an instance type like t3.small' }), { error: 'expected an array of instance types' })
  .min(1, { error: 'expected at least one instance type, e.g. ["t3.small"]' }).max(10, { error: 'at most 10 instance types' });

const instanceSchema = z.strictObject({
  types: instanceTypes.optional(),
  subnetIds: idList(SUBNET_ID, 'subnet-0123456789abcdef0').optional(),
  securityGroupIds: idList(SECURITY_GROUP_ID, 'sg-0123456789abcdef0').optional(),
  rootVolume: rootVolumeSchema.optional(),
  tags: tagsSchema.optional(),
  spot: z.boolean({ error: 'expected true or false' }).optional(),
  spotFallback: z.boolean({ error: 'expected true or false' }).optional(),
  userData: prose(65536).refine((script) => Buffer.byteLength(script, 'utf8') <= MAX_USER_DATA_BYTES, {
    error: `must be at most ${MAX_USER_DATA_BYTES} bytes, EC2's limit before base64; download larger scripts in a step instead`,
  }).optional(),
}).superRefine((instance, ctx) => {
  if (instance.spotFallback !== undefined && instance.spot !== true) {
    ctx.addIssue({ code: 'custom', path: ['spotFallback'], message: 'applies to spot launches only; set "spot": true, or leave spotFallback out' });
  }
});

/** The instance the `tests` run on, launched from the new image. */
const testInstanceSchema = z.strictObject({
  types: instanceTypes.optional(),
}, { error: 'expected an object such as {"types": ["t3.small"]}' });

/** A list of steps: the provisioning steps, the tests, or the steps run after a failure. */
const stepList = (what: string, max: number) => z.array(stepSchema, { error: `expected a non-empty array of ${what}` })
  .min(1, { error: `expected a non-empty array of ${what}; leave the field out for none` })
  .max(max, { error: `at most ${max} ${what}` });

const amiNameSchema = z.string({ error: 'expected a name template' })
  .min(3, { error: 'must be at least 3 characters' })
  .max(128, { error: 'must be at most 128 characters', abort: true })
  .superRefine((template, ctx) => {
    for (const problem of nameTemplateProblems(template)) ctx.addIssue({ code: 'custom', message: problem });
  });

const amiSchema = z.strictObject({
  name: amiNameSchema.optional(),
  description: withBuildPlaceholders(prose(255)).optional(),
  tags: tagsSchema.optional(),
  encrypted: z.boolean({ error: 'expected true or false' }).optional(),
  kmsKeyId: text('a KMS key id, ARN or alias', 2048).optional(),
  forceDeregister: z.boolean({ error: 'expected true or false' }).optional(),
  deprecateAfterDays: int(1, 3650, 'days').optional(),
  deregistrationProtection: z.boolean({ error: 'expected true or false' }).optional(),
});

const retentionSchema = z.strictObject({
  keepLatest: int(1, 1000, 'images').optional(),
  maxAgeDays: int(1, 3650, 'days').optional(),
  keepIfInUse: z.boolean({ error: 'expected true or false' }).optional(),
}, { error: 'expected an object such as {"keepLatest": 5}' }).superRefine((retention, ctx) => {
  if (retention.keepLatest === undefined && retention.maxAgeDays === undefined) {
    ctx.addIssue({ code: 'custom', message: 'set keepLatest and/or maxAgeDays (or leave retention out to keep every image)' });
  }
});

const uniqueList = (pattern: RegExp, what: string, max: number) =>
  z.array(z.string({ error: `expected ${what}` }).regex(pattern, { error: `expected ${what}` }), { error: `expected an array of ${what}s` })
    .min(1, { error: 'expected at least one entry; leave the field out instead' })
    .max(max, { error: `at most ${max} entries` })
    .refine((items) => new Set(items).size === items.length, { error: 'lists an entry twice' });

const sharingSchema = z.strictObject({
  accounts: uniqueList(ACCOUNT_ID, 'a 12-digit account id', 100).optional(),
  organizationArns: uniqueList(ORGANIZATION_ARN, 'an organization ARN like arn:aws:organizations::111122223333:organization/o-exampleorgid', 10)
    .optional(),
  organizationalUnitArns: uniqueList(OU_ARN,
    'an OU ARN like arn:aws:organizations::111122223333:ou/o-exampleorgid/ou-examplerootid-exampleouid', 100).optional(),
  public: z.boolean({ error: 'expected true or false' }).optional(),
  allowPublic: z.boolean({ error: 'expected true or false' }).optional(),
}, { error: 'expected an object such as {"accounts": ["111122223333"]}' });

const distributionSchema = z.strictObject({
  regions: z.array(z.string({ error: 'expected a region name such as "eu-west-1"' }), {
    error: 'expected an array of region names such as ["eu-west-1"]',
  })
    .min(1, { error: 'expected at least one entry; leave the field out instead' })
    .superRefine((regions, ctx) => addProblems(ctx, copyRegionProblems(regions)))
    .optional(),
  kmsKeyIds: z.record(
    z.string().regex(REGION, { error: 'keys must be region names such as "eu-west-1"' }),
    text('a KMS key id, ARN or alias in that region', 2048),
    { error: 'expected an object of region names to KMS keys' },
  ).optional(),
  sharing: sharingSchema.optional(),
  ssmParameter: parameterName('distribution', 'expected an SSM parameter name such as /images/web/latest').optional(),
  ssmParameterRoles: uniqueList(ROLE_ARN, 'an IAM role ARN like arn:aws:iam::222233334444:role/ami-parameter-writer', 50).optional(),
}, { error: 'expected an object such as {"regions": ["eu-west-1"]}' });

const timeoutsSchema = z.strictObject({
  agentOnlineSeconds: int(30, 3600, 'seconds').optional(),
  instanceStopSeconds: int(30, 7200, 'seconds').optional(),
  imageAvailableSeconds: int(60, 86400, 'seconds').optional(),
  copyAvailableSeconds: int(60, 86400, 'seconds').optional(),
});

/** Windows builds: how the instance is generalised before it is imaged. */
const windowsSchema = z.strictObject({
  sysprep: z.boolean({ error: 'expected true or false' }).optional(),
}, { error: 'expected an object such as {"sysprep": false}' });

const recipeFieldsSchema = z.strictObject({
  $schema: noControl(z.string({ error: 'expected a schema URL or path' }).max(2048, { error: 'must be at most 2048 characters' })).optional(),
  schemaVersion: z.literal(1, { error: 'expected 1 (the only schema version)' }),
  name: z.string({ error: 'expected a recipe name' }).regex(RECIPE_NAME, {
    error: 'expected 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit',
  }),
  description: prose(1024).optional(),
  source: sourceSchema,
  instance: instanceSchema.optional(),
  steps: z.array(stepSchema, { error: 'expected a non-empty array of steps' })
    .min(1, { error: 'expected a non-empty array of steps' })
    .max(100, { error: 'at most 100 steps' }),
  tests: stepList('test steps', 50).optional(),
  testInstance: testInstanceSchema.optional(),
  keepUntestedImage: z.boolean({ error: 'expected true or false' }).optional(),
  onFailure: stepList('steps to run after a failure', 20).optional(),
  windows: windowsSchema.optional(),
  ami: amiSchema.optional(),
  timeouts: timeoutsSchema.optional(),
  retention: retentionSchema.optional(),
  keepOnFailure: z.boolean({ error: 'expected true or false' }).optional(),
  keepOnFailureHours: int(1, 168, 'hours').optional(),
  distribution: distributionSchema.optional(),
  rebuild: z.enum(['always', 'whenSourceChanges'], { error: 'expected "always" or "whenSourceChanges"' }).optional(),
}, { error: 'expected a recipe document (a JSON object)' });

export const recipeSchema = recipeFieldsSchema.superRefine((recipe, ctx) => {
  addProblems(ctx, distributionProblems(recipe));
  addProblems(ctx, launchProblems(recipe));
  for (const { list, index, step } of stepsIn<ProvisioningStep>(recipe)) {
    const known = step.document && AWS_DOCUMENTS[step.document.name];
    if (!known || !step.document) continue;
    for (const problem of definitionProblems(known, step.document)) {
      ctx.addIssue({ code: 'custom', path: [list, index, 'document', ...problem.path], message: problem.message });
    }
  }
  for (const field of ['testInstance', 'keepUntestedImage'] as const) {
    if (recipe[field] !== undefined && !recipe.tests) {
      ctx.addIssue({ code: 'custom', path: [field], message: 'applies to recipes with tests; add "tests": [steps...], or leave this field out' });
    }
  }
});

export type RecipeDocument = z.infer<typeof recipeSchema>;
export type { ProvisioningStep } from './step-schema';

/** Problems with an AMI name template: unknown placeholders and characters EC2 refuses. */
/** The problem with a placeholder the field does not know, naming those it does. */
function unknownPlaceholder(shown: string, known: readonly string[]): string {
  return `unknown placeholder ${shown}; use one of ${known.map((name) => `{{${name}}}`).join(', ')}`;
}

export function nameTemplateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!(NAME_PLACEHOLDERS as readonly string[]).includes(match[1])) {
      problems.push(unknownPlaceholder(`{{${match[1]}}}`, NAME_PLACEHOLDERS));
    }
  }
  const literal = template.replace(PLACEHOLDER, '');
  if (literal.includes('{{') || literal.includes('}}')) {
    problems.push('unbalanced "{{" or "}}"; placeholders look like {{timestamp}}');
  } else if (!AMI_NAME_CHARS.test(literal)) {
    problems.push("AMI names may only contain letters, digits, spaces and ( ) [ ] . / - ' @ _");
  }
  return problems;
}
