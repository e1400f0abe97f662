/**
 * The recipe catalog: the documents of every recipe the CDK app registers, in one JSON file that ships as an S3
 * asset, so a bakery's template holds no recipe document and grows little with each recipe. Values of a document
 * known only at deploy time (tokens, such as the staging bucket's name or a key's ARN) are placeholders in the file;
 * Prepare's environment carries their deployed values. Imported by the construct, Prepare and the simulator.
 */

/** Prepare's environment: where the catalog is, and the deployed values of its placeholders (a JSON array). */
export const RECIPE_CATALOG_ENV = {
  bucket: 'RECIPE_CATALOG_BUCKET',
  key: 'RECIPE_CATALOG_KEY',
  values: 'RECIPE_CATALOG_VALUES',
} as const;

/** The catalog file's content. */
export interface RecipeCatalogFile {
  readonly catalogVersion: 1;
  /** Registered recipe documents by recipe name. */
  readonly recipes: Record<string, unknown>;
}

const PLACEHOLDER_START = '${cdk-ami-bakery:value:';

/** The placeholder of the deploy-time value at `index` of the catalog's values. */
export function catalogPlaceholder(index: number): string {
  return `${PLACEHOLDER_START}${index}}`;
}

/** True when a text already holds something that reads as a placeholder (the catalog could not tell them apart). */
export function holdsPlaceholder(text: string): boolean {
  return text.includes(PLACEHOLDER_START);
}

/**
 * The catalog's JSON text with each placeholder replaced by its deployed value: a JSON string that is one
 * placeholder becomes the value as it is (a number stays a number), a placeholder within a string is spliced in.
 * Throws naming a placeholder without a value.
 */
export function withDeployedValues(text: string, values: readonly unknown[]): string {
  const valueAt = (index: string): unknown => {
    const position = Number(index);
    if (position >= values.length) throw new Error(`the recipe catalog names deploy-time value ${position}, but only ${values.length} are deployed`);
    return values[position];
  };
  return text
    .replace(/"\$\{cdk-ami-bakery:value:(\d+)\}"/g, (_match, index: string) => JSON.stringify(valueAt(index)))
    .replace(/\$\{cdk-ami-bakery:value:(\d+)\}/g, (_match, index: string) => JSON.stringify(String(valueAt(index))).slice(1, -1));
}
