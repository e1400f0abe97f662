/**
 * The recipe catalog: the documents of every recipe the CDK app registers, in one JSON file that ships as an S3
 * asset, so a bakery's template holds no recipe document and grows little with each recipe. Values of a document
 * known only at deploy time (tokens, such as the staging bucket's name or a key's ARN) are placeholders in the file;
 * Prepare's environment carries their deployed values. Imported by the construct, Prepare and the simulator.
 */

import { BAKERY_ENV } from '../contract';

/** Prepare's environment: where the catalog is, and the deployed values of its placeholders (a JSON array). */
export const RECIPE_CATALOG_ENV = {
  bucket: BAKERY_ENV.recipeCatalogBucket,
  key: BAKERY_ENV.recipeCatalogKey,
  values: BAKERY_ENV.recipeCatalogValues,
} as const;

/** The catalog file's content. */
export interface RecipeCatalogFile {
  readonly catalogVersion: 1;
  /** Registered recipe documents by recipe name. */
  readonly recipes: Record<string, unknown>;
}

const PLACEHOLDER_START = '${cdk-ami-bakery:';
const PLACEHOLDER = /\$\{cdk-ami-bakery:(value|number):(\d+)\}/g;
const WHOLE_PLACEHOLDER = /^\$\{cdk-ami-bakery:(value|number):(\d+)\}$/;

/**
 * The placeholder of the deploy-time value at `index` of the catalog's values. A number's deployed value arrives as
 * text (CloudFormation renders every value of the list as a string), so its placeholder says to read it as a number.
 */
export function catalogPlaceholder(index: number, kind: 'value' | 'number' = 'value'): string {
  return `${PLACEHOLDER_START}${kind}:${index}}`;
}

/** True when a text already holds something that reads as a placeholder (the catalog could not tell them apart). */
export function holdsPlaceholder(text: string): boolean {
  return text.includes(PLACEHOLDER_START);
}

/**
 * The catalog's JSON text parsed, with each placeholder replaced by its deployed value: a string that is one
 * number placeholder becomes that number, a placeholder within a string or a key is spliced in as text. Throws
 * naming a placeholder without a value.
 */
export function withDeployedValues(text: string, values: readonly unknown[]): unknown {
  const valueAt = (index: string): unknown => {
    const position = Number(index);
    if (position >= values.length) throw new Error(`the recipe catalog names deploy-time value ${position}, but only ${values.length} are deployed`);
    return values[position];
  };
  const inText = (value: string): string => value.replace(PLACEHOLDER, (_match, _kind: string, index: string) => String(valueAt(index)));
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = WHOLE_PLACEHOLDER.exec(value);
      return whole?.[1] === 'number' ? Number(valueAt(whole[2])) : inText(value);
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [inText(key), walk(item)]));
  };
  return walk(JSON.parse(text));
}
