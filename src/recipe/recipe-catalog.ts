/**
 * Ships the registered recipes' documents as one S3 asset (see `recipe-catalog-format.ts`): a bakery's template then
 * grows by a few hundred bytes per recipe instead of by its document, and 500 recipes fit in one stack.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IResolvable, Stack, Token, Tokenization } from 'aws-cdk-lib';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { catalogPlaceholder, holdsPlaceholder, RECIPE_CATALOG_ENV, RecipeCatalogFile } from './recipe-catalog-format';

/**
 * At most this many distinct deploy-time values in all documents: their deployed values travel in Prepare's
 * environment, which Lambda caps at 4 KB.
 */
export const MAX_CATALOG_VALUES = 24;

/** The catalog's asset and Prepare's environment for it. */
export interface ShippedCatalog {
  readonly asset: Asset;
  readonly environment: Record<string, string>;
}

/** Writes the documents, sorted by name, to one file with their tokens as placeholders, and ships it as an asset. */
export function shipRecipeCatalog(scope: Construct, id: string, documents: ReadonlyMap<string, unknown>): ShippedCatalog {
  const values = new DeployTimeValues();
  const recipes: Record<string, unknown> = {};
  for (const [name, document] of [...documents].sort(([left], [right]) => left.localeCompare(right))) {
    recipes[values.inText(name, `recipe ${name}`)] = values.inValue(document, `recipe ${name}`);
  }
  if (values.tokens.length > MAX_CATALOG_VALUES) {
    throw new Error(`AmiBakery: the registered recipes hold ${values.tokens.length} distinct values known only at deploy time (tokens), ` +
      `and Prepare's environment carries at most ${MAX_CATALOG_VALUES}; give values such as key ARNs as literal strings.`);
  }
  const file: RecipeCatalogFile = { catalogVersion: 1, recipes };
  const path = join(mkdtempSync(join(tmpdir(), 'cdk-ami-bakery-recipes-')), 'recipes.json');
  writeFileSync(path, JSON.stringify(file));
  const asset = new Asset(scope, id, { path });
  return {
    asset,
    environment: {
      [RECIPE_CATALOG_ENV.bucket]: asset.s3BucketName,
      [RECIPE_CATALOG_ENV.key]: asset.s3ObjectKey,
      [RECIPE_CATALOG_ENV.values]: values.tokens.length === 0 ? '[]' : Stack.of(scope).toJsonString(values.tokens),
    },
  };
}

/** Replaces each token of the documents with a placeholder, and keeps the tokens in placeholder order. */
class DeployTimeValues {
  public readonly tokens: IResolvable[] = [];
  private readonly indexes = new Map<IResolvable, number>();

  public inValue(value: unknown, path: string): unknown {
    if (typeof value === 'string') return this.inText(value, path);
    if (typeof value === 'number') return Token.isUnresolved(value) ? this.placeholder(Tokenization.reverseNumber(value)!, 'number') : value;
    if (Array.isArray(value)) return value.map((item, index) => this.inValue(item, `${path}[${index}]`));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.inText(key, path), this.inValue(item, `${path}.${key}`)]));
  }

  public inText(text: string, path: string): string {
    if (!Token.isUnresolved(text)) {
      if (holdsPlaceholder(text)) throw new Error(`AmiBakery: ${path} holds "\${cdk-ami-bakery:", which the recipe catalog reserves; write it another way.`);
      return text;
    }
    const fragments = Tokenization.reverseString(text);
    if (fragments.tokens.length === 0) {
      throw new Error(`AmiBakery: ${path} is a list known only at deploy time (a token); give the list itself, with tokens as its items.`);
    }
    return fragments.mapTokens({ mapToken: (token) => this.placeholder(token) }).join({ join: (left, right) => `${left}${right}` });
  }

  private placeholder(token: IResolvable, kind: 'value' | 'number' = 'value'): string {
    let index = this.indexes.get(token);
    if (index === undefined) {
      index = this.tokens.push(token) - 1;
      this.indexes.set(token, index);
    }
    return catalogPlaceholder(index, kind);
  }
}
