/**
 * The handlers' environment, read at call time (never at import) so one process can run every step
 * with different settings, as the local simulator does.
 *
 * | variable | used by | meaning |
 * | --- | --- | --- |
 * | `BAKERY_ID` | prepare | id of the `AmiBakery` construct; tagged on everything a bake creates |
 * | `RECIPE_CATALOG_BUCKET`, `RECIPE_CATALOG_KEY` | prepare | the S3 object of the recipe catalog, the registered recipes' documents |
 * | `RECIPE_CATALOG_VALUES` | prepare | JSON array: the deployed values of the catalog's placeholders (tokens at synth) |
 * | `INSTANCE_PROFILE_NAME` | launch | instance profile of the build instance (what the SSM agent needs) |
 * | `SUBNET_IDS` | launch | comma list of subnets to try when the recipe names none (may be empty: default VPC) |
 * | `SECURITY_GROUP_IDS` | launch | comma list of security groups when the recipe names none (may be empty) |
 * | `OUTPUT_LOG_GROUP` | run-step, check-step | CloudWatch Logs group that receives the full command output (optional) |
 * | `AWS_REGION` | prepare, finish | the region the bake runs in (set by Lambda) |
 * | `MAX_BAKE_SECONDS` | sweep-orphans | the state machine's timeout: nothing older belongs to a running bake |
 * | `MANIFEST_BUCKET` | finish, cleanup-failure | S3 bucket that receives a copy of every manifest (optional) |
 * | `MANIFEST_PREFIX` | finish, cleanup-failure | key prefix of those manifests (default `manifests/`) |
 * | `COPY_REGIONS` | sweep-orphans | comma list of the regions the registered recipes and the ad-hoc bounds copy to |
 * | `STATE_MACHINE_ARN` | sweep-orphans | the bakery's state machine: only its executions' resources are swept |
 * | `COMMAND_DOCUMENTS` | prepare | comma list of the SSM documents beyond the bundled catalog that registered recipes run |
 * | `STAGING_LOCATION` | prepare, run-step | `s3://<bucket>/staging/`: where the files of script, file and ansible steps are staged |
 * | `STAGED_FILES_DOCUMENT` | run-step | the bakery's SSM document that downloads staged files, checks them and runs a step with them |
 * | `RECIPE_POLICY` | prepare | JSON: the account, the fields `overrides` may change, and the bounds of ad-hoc recipes (none: refused) |
 * | `BAKERY_STEP` | logger | the step name shown in every log line |
 */
import { MissingConfiguration } from './errors';
import { RECIPE_POLICY_ENV, RecipePolicy } from '../../src/recipe/recipe-policy';
import { parseStagingLocation, StagingLocation } from '../../src/staging/staging-location';

/** The value of a required variable; throws `MissingConfiguration` naming it when unset or blank. */
export function requiredEnv(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) {
    throw new MissingConfiguration(`environment variable ${name} is not set; the AmiBakery construct sets it on every step function`);
  }
  return value;
}

/** The value of an optional variable, or undefined when unset or blank. */
export function optionalEnv(name: string): string | undefined {
  return process.env[name]?.trim() || undefined;
}

/** A comma-separated list variable; unset or blank gives an empty list. */
export function listEnv(name: string): string[] {
  return (process.env[name] ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

export const bakeryId = (): string => requiredEnv('BAKERY_ID');
export const stateMachineArn = (): string => requiredEnv('STATE_MACHINE_ARN');
export const instanceProfileName = (): string => requiredEnv('INSTANCE_PROFILE_NAME');
export const defaultSubnetIds = (): string[] => listEnv('SUBNET_IDS');
export const defaultSecurityGroupIds = (): string[] => listEnv('SECURITY_GROUP_IDS');
export const outputLogGroup = (): string | undefined => optionalEnv('OUTPUT_LOG_GROUP');
export const copyRegions = (): string[] => listEnv('COPY_REGIONS');
export const commandDocuments = (): string[] => listEnv('COMMAND_DOCUMENTS');
export const stagedFilesDocument = (): string => requiredEnv('STAGED_FILES_DOCUMENT');

/** The bakery's staging location. */
export function stagingLocation(): StagingLocation {
  const location = parseStagingLocation(requiredEnv('STAGING_LOCATION'));
  if (!location) throw new MissingConfiguration('environment variable STAGING_LOCATION must be an s3://<bucket>/<prefix>/ URI');
  return location;
}
/** What a bake's input may do beyond naming a registered recipe, as the construct wrote it at synth. */
export function recipePolicy(): RecipePolicy {
  let policy: Partial<RecipePolicy>;
  try {
    policy = JSON.parse(requiredEnv(RECIPE_POLICY_ENV));
  } catch (error) {
    if (error instanceof MissingConfiguration) throw error;
    throw new MissingConfiguration(`environment variable ${RECIPE_POLICY_ENV} must be the JSON the AmiBakery construct writes (${(error as Error).message})`);
  }
  if (typeof policy.account !== 'string' || !Array.isArray(policy.allowOverrides)) {
    throw new MissingConfiguration(`environment variable ${RECIPE_POLICY_ENV} must hold "account" and "allowOverrides", as the AmiBakery construct writes it`);
  }
  return policy as RecipePolicy;
}

export const manifestBucket = (): string | undefined => optionalEnv('MANIFEST_BUCKET');
export const manifestPrefix = (): string => process.env.MANIFEST_PREFIX ?? 'manifests/';

/** The longest a bake may run, in seconds. */
export function maxBakeSeconds(): number {
  const seconds = Number(requiredEnv('MAX_BAKE_SECONDS'));
  if (!Number.isFinite(seconds) || seconds <= 0) throw new MissingConfiguration('environment variable MAX_BAKE_SECONDS must be a positive number of seconds');
  return seconds;
}

/** The bake's region: `AWS_REGION` (set by Lambda), else `AWS_DEFAULT_REGION`. */
export function region(): string {
  return optionalEnv('AWS_REGION') ?? optionalEnv('AWS_DEFAULT_REGION') ?? requiredEnv('AWS_REGION');
}
