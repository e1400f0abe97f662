/**
 * The recipes the CDK app registered: one JSON object (the catalog asset) that Prepare reads at the start of each
 * bake. One GET per bake costs less than a cache that must be proven fresh.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from './clients/s3';
import { requiredEnv } from './config';
import { MissingConfiguration } from './errors';
import { RECIPE_CATALOG_ENV, RecipeCatalogFile, withDeployedValues } from '../../src/recipe/recipe-catalog-format';

/** The registered recipes' documents by name, with their deploy-time values in place. */
export async function registeredRecipes(): Promise<Map<string, unknown>> {
  const bucket = requiredEnv(RECIPE_CATALOG_ENV.bucket);
  const key = requiredEnv(RECIPE_CATALOG_ENV.key);
  const location = `s3://${bucket}/${key}`;
  const { Body } = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const catalog = withDeployedValues((await Body?.transformToString('utf8')) ?? '', deployedValues()) as Partial<RecipeCatalogFile>;
  if (catalog.catalogVersion !== 1 || typeof catalog.recipes !== 'object' || catalog.recipes === null) {
    throw new MissingConfiguration(`the recipe catalog ${location} is not one this runner reads (catalogVersion ${String(catalog.catalogVersion)}); deploy the bakery again`);
  }
  return new Map(Object.entries(catalog.recipes));
}

function deployedValues(): unknown[] {
  const text = requiredEnv(RECIPE_CATALOG_ENV.values);
  const values = JSON.parse(text) as unknown;
  if (!Array.isArray(values)) throw new MissingConfiguration(`environment variable ${RECIPE_CATALOG_ENV.values} is not a JSON array`);
  return values;
}
