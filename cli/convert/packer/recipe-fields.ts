/**
 * Writing converted values into the recipe document: a field set by its dotted path (`instance.rootVolume.sizeGiB`),
 * reported as carried; strings with bake-time values turned into the recipe's placeholders where it has them
 * (`{{timestamp}}`, `{{date}}`, and in tags `{{sourceAmiId}}`) and refused where it has none.
 */
import { bakeTimeMarker, bakeTimeNames, renderBakeTime } from '../hcl/bake-time';
import { isObject } from '../hcl/evaluate';
import type { Place, Value } from '../hcl/syntax';
import type { Report } from '../report';

/** A recipe document being built. */
export type RecipeDraft = { [field: string]: unknown };

/** What a mapper needs: where the attribute is, its name in the report, the recipe and the report. */
export interface FieldContext {
  readonly place: Place;
  readonly attribute: string;
  readonly recipe: RecipeDraft;
  readonly report: Report;
}

/** Sets `field` (a dotted path) and reports the attribute as carried there. */
export function carry(context: FieldContext, field: string, value: unknown, note?: string): void {
  setField(context.recipe, field, value);
  context.report.carried(context.place, context.attribute, field, note);
}

export function setField(recipe: RecipeDraft, field: string, value: unknown): void {
  const path = field.split('.');
  let target = recipe;
  for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as RecipeDraft;
  target[path[path.length - 1]] = value;
}

export function getField(recipe: RecipeDraft, field: string): unknown {
  return field.split('.').reduce<unknown>((target, key) => (target as RecipeDraft | undefined)?.[key], recipe);
}

/** The recipe's placeholders for Packer's bake-time values, in an AMI name. */
export const NAME_PLACEHOLDERS: Record<string, string> = { timestamp: '{{timestamp}}', date: '{{date}}' };

/** In tag values and the description, also the build variables the bakery knows when it bakes. */
export const BUILD_PLACEHOLDERS: Record<string, string> = {
  ...NAME_PLACEHOLDERS,
  'build.SourceAMI': '{{sourceAmiId}}',
  'build.SourceAMIName': '{{sourceAmiName}}',
  'build.BuildRegion': '{{region}}',
};

/** Packer's Go-template build variables written in HCL strings (`"{{ .SourceAMI }}"`), as bake-time markers. */
function withBuildVariableMarkers(text: string): string {
  return text.replace(/\{\{\s*\.([A-Za-z][A-Za-z.]*)\s*\}\}/g, (_whole, name: string) => bakeTimeMarker(`build.${name}`));
}

/**
 * A string with its bake-time values as recipe placeholders, or undefined (reported as not carried) when it holds
 * one the recipe cannot express.
 */
export function recipeText(value: Value, context: FieldContext, placeholders = NAME_PLACEHOLDERS): string | undefined {
  if (typeof value !== 'string') {
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    context.report.notCarried(context.place, context.attribute, `expected a string, got ${JSON.stringify(value)}`);
    return undefined;
  }
  const text = withBuildVariableMarkers(value);
  const unknown = bakeTimeNames(text).filter((name) => !Object.hasOwn(placeholders, name));
  if (unknown.length > 0) {
    context.report.notCarried(context.place, context.attribute, `${unknown.join(', ')} is known only while Packer builds; the recipe has no placeholder for it here`);
    return undefined;
  }
  return renderBakeTime(text, (name) => placeholders[name]);
}

/** A list of strings (a single string is a list of one). */
export function textList(value: Value, context: FieldContext): string[] | undefined {
  const items = Array.isArray(value) ? value : [value];
  const texts = items.map((item) => recipeText(item, context));
  return texts.every((text): text is string => text !== undefined) ? texts : undefined;
}

/** A map of strings, such as tags. */
export function textMap(value: Value, context: FieldContext, placeholders = NAME_PLACEHOLDERS): Record<string, string> | undefined {
  if (!isObject(value)) {
    context.report.notCarried(context.place, context.attribute, `expected a map of strings, got ${JSON.stringify(value)}`);
    return undefined;
  }
  const entries = Object.entries(value).map(([key, item]) => [key, recipeText(item, context, placeholders)] as const);
  return entries.every(([, text]) => text !== undefined) ? Object.fromEntries(entries) as Record<string, string> : undefined;
}
