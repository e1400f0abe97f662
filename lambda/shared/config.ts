/**
 * The handlers' environment, read at call time (never at import) so one process can run every step
 * with different settings, as the local simulator does. The names, and what each holds, are in the contract
 * (`BAKERY_ENV` in `src/contract/environment.ts`).
 */
import { MissingConfiguration } from './errors';
import { BAKERY_ENV, DEFAULT_MANIFEST_PREFIX } from '../../src/contract';
import { RecipePolicy } from '../../src/recipe/recipe-policy';
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

export const bakeryId = (): string => requiredEnv(BAKERY_ENV.bakeryId);
export const stateMachineArn = (): string => requiredEnv(BAKERY_ENV.stateMachineArn);
export const instanceProfileName = (): string => requiredEnv(BAKERY_ENV.instanceProfileName);
export const defaultSubnetIds = (): string[] => listEnv(BAKERY_ENV.subnetIds);
export const defaultSecurityGroupIds = (): string[] => listEnv(BAKERY_ENV.securityGroupIds);
export const outputLogGroup = (): string | undefined => optionalEnv(BAKERY_ENV.outputLogGroup);
export const copyRegions = (): string[] => listEnv(BAKERY_ENV.copyRegions);
export const commandDocuments = (): string[] => listEnv(BAKERY_ENV.commandDocuments);
export const stagedFilesDocument = (): string => requiredEnv(BAKERY_ENV.stagedFilesDocument);

/** The bakery's staging location. */
export function stagingLocation(): StagingLocation {
  const location = parseStagingLocation(requiredEnv(BAKERY_ENV.stagingLocation));
  if (!location) throw new MissingConfiguration(`environment variable ${BAKERY_ENV.stagingLocation} must be an s3://<bucket>/<prefix>/ URI`);
  return location;
}
/** What a bake's input may do beyond naming a registered recipe, as the construct wrote it at synth. */
export function recipePolicy(): RecipePolicy {
  let policy: Partial<RecipePolicy>;
  try {
    policy = JSON.parse(requiredEnv(BAKERY_ENV.recipePolicy));
  } catch (error) {
    if (error instanceof MissingConfiguration) throw error;
    throw new MissingConfiguration(`environment variable ${BAKERY_ENV.recipePolicy} must be the JSON the AmiBakery construct writes (${(error as Error).message})`);
  }
  if (typeof policy.account !== 'string' || !Array.isArray(policy.allowOverrides)) {
    throw new MissingConfiguration(`environment variable ${BAKERY_ENV.recipePolicy} must hold "account" and "allowOverrides", as the AmiBakery construct writes it`);
  }
  return policy as RecipePolicy;
}

export const manifestBucket = (): string | undefined => optionalEnv(BAKERY_ENV.manifestBucket);
export const manifestPrefix = (): string => process.env[BAKERY_ENV.manifestPrefix] ?? DEFAULT_MANIFEST_PREFIX;

/** The longest a bake may run, in seconds. */
export function maxBakeSeconds(): number {
  const seconds = Number(requiredEnv(BAKERY_ENV.maxBakeSeconds));
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new MissingConfiguration(`environment variable ${BAKERY_ENV.maxBakeSeconds} must be a positive number of seconds`);
  }
  return seconds;
}

/** The bake's region: `AWS_REGION` (set by Lambda), else `AWS_DEFAULT_REGION`. */
export function region(): string {
  return optionalEnv('AWS_REGION') ?? optionalEnv('AWS_DEFAULT_REGION') ?? requiredEnv('AWS_REGION');
}
