/**
 * `npx projen docs:recipe-reference`: writes the recipe document's reference from its one schema
 * (lambda/shared/recipe-schema.ts), so it cannot drift from what Prepare and `bakery validate` accept:
 * - docs/recipe.schema.json, the JSON Schema of a recipe document (for editors and other tools);
 * - docs/recipe-reference.md, every field with its type, whether it is required, and its limits.
 * The rules that span fields (one source kind, placeholders, limits of AWS services) are checked by the schema's
 * refinements; the reference lists the fields. test/packaging/recipe-reference.test.ts fails when either file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { recipeSchema } from '../lambda/shared/recipe-schema';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
};

interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly limits: string;
}

const DOCS = join(__dirname, '..', 'docs');

/** The JSON Schema of a recipe document, as input (before defaults apply). */
export function recipeJsonSchema(): JsonSchema {
  return z.toJSONSchema(recipeSchema, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' \\| ');
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(' or ');
  if (schema.type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
  if (schema.type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object') {
    return `map of string to ${typeOf(schema.additionalProperties)}`;
  }
  return [schema.type ?? 'any'].flat().join(' or ');
}

function limitsOf(schema: JsonSchema): string {
  const limits = [
    schema.minLength !== undefined || schema.maxLength !== undefined ? `length ${range(schema.minLength, schema.maxLength)}` : '',
    schema.minimum !== undefined || schema.maximum !== undefined ? `value ${range(schema.minimum, schema.maximum)}` : '',
    schema.minItems !== undefined || schema.maxItems !== undefined ? `items ${range(schema.minItems, schema.maxItems)}` : '',
    schema.pattern ? `pattern \`${schema.pattern.replace(/\|/g, '\\|')}\`` : '',
    typeof schema.additionalProperties === 'object' && schema.propertyNames?.pattern ? `keys \`${schema.propertyNames.pattern}\`` : '',
    schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : '',
    schema.type === 'array' && schema.items && !schema.items.properties && limitsOf(schema.items) ? `each: ${limitsOf(schema.items)}` : '',
  ];
  return limits.filter((limit) => limit.length > 0).join('; ');
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min}–${max}`;
  return min !== undefined ? `≥ ${min}` : `≤ ${max}`;
}

/** A row per field, depth first, in the schema's order. */
function rowsOf(schema: JsonSchema, prefix = ''): Row[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const row: Row = { path, type: typeOf(field), required: (schema.required ?? []).includes(name), limits: limitsOf(field) };
    const nested = field.type === 'array' && field.items?.properties ? rowsOf(field.items, `${path}[].`)
      : field.properties ? rowsOf(field, `${path}.`)
        : typeof field.additionalProperties === 'object' && field.additionalProperties.properties ? rowsOf(field.additionalProperties, `${path}.<key>.`)
          : [];
    return [row, ...nested];
  });
}

/** The reference page. */
export function recipeReference(schema: JsonSchema = recipeJsonSchema()): string {
  const rows = rowsOf(schema);
  return [
    '# Recipe document reference',
    '',
    '<!-- Generated from lambda/shared/recipe-schema.ts by `npx projen docs:recipe-reference`; do not edit. -->',
    '',
    'Every field of a recipe document (`schemaVersion: 1`), as Prepare and `bakery validate` accept it. Fields',
    'not listed are refused. Rules that span fields (exactly one kind of `source`, exactly one kind of step, the',
    'placeholders a name may use, the limits of EC2 and SSM) are checked too, each with a message that names the',
    'field; [Writing recipes](recipes.md) explains what each part does. The same schema as JSON Schema is',
    '[recipe.schema.json](recipe.schema.json).',
    '',
    '| field | type | required | limits |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| \`${row.path}\` | ${row.type} | ${row.required ? 'yes' : ''} | ${row.limits} |`),
    '',
  ].join('\n');
}

/** The files this script writes, by path under docs/. */
export function recipeReferenceFiles(): Record<string, string> {
  const schema = recipeJsonSchema();
  return {
    'recipe.schema.json': `${JSON.stringify(schema, undefined, 2)}\n`,
    'recipe-reference.md': recipeReference(schema),
  };
}

if (require.main === module) {
  for (const [file, text] of Object.entries(recipeReferenceFiles())) {
    writeFileSync(join(DOCS, file), text);
    console.log(`wrote docs/${file}`);
  }
}
