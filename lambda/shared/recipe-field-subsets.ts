/**
 * Holds the construct's views of a recipe document to the schema, at compile time: each function below compiles
 * only while its subset names fields the schema's `RecipeDocument` has (`KnownFields`), and while a document the
 * schema accepts fits the subset's types. Nothing calls them; `tsc` checks them in every build.
 */
import type { RecipeDocument } from './recipe-schema';
import type { KnownFields } from '../../src/contract';
import type { BudgetedRecipe } from '../../src/recipe/bake-budget';
import type { DistributionFields } from '../../src/recipe/distribution-rules';
import type { LaunchFields } from '../../src/recipe/launch-rules';
import type { PlatformRecipe } from '../../src/recipe/platform-rules';
import type { RecipeReach } from '../../src/workflow/declared-access';

/** The subsets the construct reads documents through, by name. */
export interface RecipeFieldSubsets {
  readonly launch: LaunchFields;
  readonly distribution: DistributionFields;
  readonly platform: PlatformRecipe;
  readonly budget: BudgetedRecipe;
  readonly declaredAccess: RecipeReach;
}

/** One schema document for each subset. */
type SchemaDocuments = Record<keyof RecipeFieldSubsets, RecipeDocument>;

/** Compiles only while every subset names fields of the schema. */
export function namesOnlySchemaFields(subsets: RecipeFieldSubsets): KnownFields<RecipeFieldSubsets, SchemaDocuments> {
  return subsets;
}

/** Compiles only while a document the schema accepts is one each subset can read. */
export function schemaDocumentFitsSubsets(document: RecipeDocument): RecipeFieldSubsets {
  return { launch: document, distribution: document, platform: document, budget: document, declaredAccess: document };
}
