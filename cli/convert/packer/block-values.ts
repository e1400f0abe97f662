/**
 * A block's attributes and nested blocks as values, with `dynamic` blocks expanded as Packer expands them: one
 * block per element of `for_each`, with the iterator (the block's name, or `iterator = x`) bound to `{key, value}`.
 */
import { asString, evaluate, Scope, withNames } from '../hcl/evaluate';
import { Block, Body, ConvertError, Place, Value } from '../hcl/syntax';

/** A nested block, evaluated: its attribute values and where it is. */
export interface BlockValue {
  readonly place: Place;
  readonly values: { [name: string]: Value };
}

/** The nested blocks of a body by type, `dynamic` ones expanded. */
export function nestedBlocks(body: Body, scope: Scope): Map<string, BlockValue[]> {
  const byType = new Map<string, BlockValue[]>();
  const add = (type: string, value: BlockValue) => byType.set(type, [...(byType.get(type) ?? []), value]);
  for (const block of body.blocks) {
    if (block.type === 'dynamic') expandDynamic(block, scope).forEach((value) => add(block.labels[0], value));
    else add(block.type, { place: block, values: attributeValues(block.body, scope) });
  }
  return byType;
}

export function attributeValues(body: Body, scope: Scope): { [name: string]: Value } {
  return Object.fromEntries(body.attributes.map((attribute) => [attribute.name, evaluate(attribute.expression, scope)]));
}

function expandDynamic(block: Block, scope: Scope): BlockValue[] {
  const attribute = (name: string) => block.body.attributes.find((candidate) => candidate.name === name);
  const forEach = attribute('for_each');
  const content = block.body.blocks.find((inner) => inner.type === 'content');
  if (!forEach || !content) throw new ConvertError(block, `dynamic "${block.labels[0]}" needs for_each and a content block`);
  const iterator = attribute('iterator');
  const name = iterator ? iteratorName(iterator.expression, scope) : block.labels[0];
  const collection = evaluate(forEach.expression, scope);
  const entries: [Value, Value][] = Array.isArray(collection)
    ? collection.map((item, index) => [index, item])
    : collection !== null && typeof collection === 'object' ? Object.entries(collection) : [];
  return entries.map(([key, value]) => ({ place: content, values: attributeValues(content.body, withNames(scope, { [name]: { key, value } })) }));
}

/** `iterator = disk`: the name is written bare. */
function iteratorName(expression: Block['body']['attributes'][number]['expression'], scope: Scope): string {
  return expression.kind === 'variable' ? expression.name : asString(evaluate(expression, scope), expression);
}
