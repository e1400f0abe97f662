/**
 * Parses an HCL2 file with tree-sitter's HCL grammar into the converter's syntax (`syntax.ts`): blocks and attributes
 * in written order with their lines, and expressions as a tree. A syntax error names the file and line.
 */
import type { Node } from 'web-tree-sitter';
import { hclParser } from './grammar';
import { Attribute, Block, Body, ConvertError, Expression, ForClause, Place } from './syntax';
import { SourceText, templateParts, unescapeTemplateText } from './templates';

/** The body of an HCL2 file. */
export async function parseHcl(file: string, text: string): Promise<Body> {
  const tree = (await hclParser()).parse(text);
  if (!tree) throw new ConvertError({ file, line: 1 }, 'the file could not be parsed');
  const root = tree.rootNode;
  if (root.hasError) throw syntaxError(file, root);
  const body = root.namedChildren.find((child) => child?.type === 'body');
  return body ? readBody({ file, text }, body) : { attributes: [], blocks: [] };
}

function syntaxError(file: string, root: Node): ConvertError {
  const bad = firstError(root) ?? root;
  const near = bad.text.split('\n')[0].slice(0, 40);
  const what = bad.isMissing ? `: expected ${/^\W+$/.test(bad.type) ? `"${bad.type}"` : 'a value or name'}` : near ? ` near "${near}"` : '';
  return new ConvertError({ file, line: bad.startPosition.row + 1 }, `HCL syntax error${what}`);
}

/** The first error, innermost: tree-sitter may wrap a whole block in an ERROR around the one token it could not place. */
function firstError(node: Node): Node | undefined {
  for (const child of node.children) {
    if (child?.hasError || child?.isMissing) return firstError(child) ?? child;
  }
  return node.type === 'ERROR' || node.isMissing ? node : undefined;
}

const named = (node: Node): Node[] => node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
const placeOf = (source: SourceText, node: Node): Place => ({ file: source.file, line: node.startPosition.row + 1 });

function readBody(source: SourceText, node: Node): Body {
  const attributes: Attribute[] = [];
  const blocks: Block[] = [];
  for (const child of named(node)) {
    if (child.type === 'attribute') attributes.push(readAttribute(source, child));
    else if (child.type === 'block') blocks.push(readBlock(source, child));
  }
  return { attributes, blocks };
}

function readAttribute(source: SourceText, node: Node): Attribute {
  const [name, value] = named(node);
  return { ...placeOf(source, node), name: name.text, expression: readExpression(source, value) };
}

function readBlock(source: SourceText, node: Node): Block {
  const children = named(node);
  const labels = children.slice(1).filter((child) => child.type === 'string_lit' || child.type === 'identifier')
    .map((label) => (label.type === 'string_lit' ? unescapeTemplateText(label.text.slice(1, -1), placeOf(source, label)) : label.text));
  const body = children.find((child) => child.type === 'body');
  return { ...placeOf(source, node), type: children[0].text, labels, body: body ? readBody(source, body) : { attributes: [], blocks: [] } };
}

/** An `expression` node: a base, then any attribute accesses, indexes and splats after it. */
export function readExpression(source: SourceText, node: Node): Expression {
  if (node.type !== 'expression') return readTerm(source, node);
  const [base, ...postfixes] = named(node);
  return postfixes.reduce((target, postfix) => readPostfix(source, target, postfix), readTerm(source, base));
}

function readPostfix(source: SourceText, target: Expression, node: Node): Expression {
  const place = placeOf(source, node);
  if (node.type === 'get_attr') return { ...place, kind: 'attribute', target, name: named(node)[0].text };
  if (node.type === 'index') {
    const inner = named(node)[0];
    const key = inner.type === 'legacy_index'
      ? { ...place, kind: 'literal' as const, value: Number(inner.text.slice(1)) }
      : readExpression(source, named(inner)[0]);
    return { ...place, kind: 'index', target, key };
  }
  if (node.type === 'splat') return { ...place, kind: 'splat', target, names: named(named(node)[0]).map((part) => named(part)[0]?.text ?? '') };
  throw new ConvertError(place, `unexpected ${node.type} after an expression`);
}

function readTerm(source: SourceText, node: Node): Expression {
  const place = placeOf(source, node);
  switch (node.type) {
    case 'expression': return readExpression(source, node);
    case 'literal_value': return readLiteral(source, named(node)[0]);
    case 'template_expr': return { ...place, kind: 'template', parts: templateParts(source, named(node)[0], readExpression) };
    case 'variable_expr': return { ...place, kind: 'variable', name: node.text };
    case 'collection_value': return readCollection(source, named(node)[0]);
    case 'function_call': return readCall(source, node);
    case 'conditional': {
      const [test, then, otherwise] = named(node).map((child) => readExpression(source, child));
      return { ...place, kind: 'conditional', test, then, otherwise };
    }
    case 'operation': return readOperation(source, named(node)[0]);
    case 'for_expr': return { ...place, kind: 'for', clause: readFor(source, named(node)[0]) };
    default: throw new ConvertError(place, `unsupported HCL expression (${node.type}): ${node.text.slice(0, 40)}`);
  }
}

function readLiteral(source: SourceText, node: Node): Expression {
  const place = placeOf(source, node);
  if (node.type === 'numeric_lit') return { ...place, kind: 'literal', value: Number(node.text) };
  if (node.type === 'bool_lit') return { ...place, kind: 'literal', value: node.text === 'true' };
  if (node.type === 'null_lit') return { ...place, kind: 'literal', value: null };
  return { ...place, kind: 'literal', value: unescapeTemplateText(node.text.slice(1, -1), place) };
}

function readCollection(source: SourceText, node: Node): Expression {
  const place = placeOf(source, node);
  if (node.type === 'tuple') return { ...place, kind: 'tuple', items: named(node).filter((child) => child.type === 'expression').map((item) => readExpression(source, item)) };
  const entries = named(node).filter((child) => child.type === 'object_elem').map((element) => ({
    key: objectKey(source, element.childForFieldName('key')!),
    value: readExpression(source, element.childForFieldName('val')!),
  }));
  return { ...place, kind: 'object', entries };
}

/** An object key: a bare name is the name itself (`{ name = ... }`), not a variable. */
function objectKey(source: SourceText, node: Node): Expression {
  const bare = node.type === 'expression' && named(node).length === 1 && named(node)[0].type === 'variable_expr';
  return bare ? { ...placeOf(source, node), kind: 'literal', value: node.text } : readExpression(source, node);
}

function readCall(source: SourceText, node: Node): Expression {
  const [name, argumentList] = named(node);
  const args = argumentList ? named(argumentList).filter((child) => child.type === 'expression').map((arg) => readExpression(source, arg)) : [];
  const expandLast = argumentList ? named(argumentList).some((child) => child.type === 'ellipsis') : false;
  return { ...placeOf(source, node), kind: 'call', name: name.text, args, expandLast };
}

/**
 * An operation's operands sit directly in it as a term and its postfixes (`var.size * 2` is variable_expr, get_attr,
 * `*`, literal_value), so the operator token splits them.
 */
function readOperation(source: SourceText, node: Node): Expression {
  const place = placeOf(source, node);
  const children = node.children.filter((child): child is Node => child !== null && child.type !== 'comment');
  const isOperator = (child: Node) => !child.isNamed && child.type !== '(' && child.type !== ')';
  const operatorAt = children.findIndex((child, index) => isOperator(child) && (node.type === 'unary_operation' || index > 0));
  const operator = children[operatorAt]?.text ?? '';
  const operand = (nodes: Node[]) => {
    const [base, ...postfixes] = nodes.filter((child) => child.isNamed);
    return postfixes.reduce((target, postfix) => readPostfix(source, target, postfix), readTerm(source, base));
  };
  if (node.type === 'unary_operation') return { ...place, kind: 'unary', operator, operand: operand(children.slice(operatorAt + 1)) };
  return { ...place, kind: 'binary', operator, left: operand(children.slice(0, operatorAt)), right: operand(children.slice(operatorAt + 1)) };
}

function readFor(source: SourceText, node: Node): ForClause {
  const children = named(node);
  const intro = named(children.find((child) => child.type === 'for_intro')!);
  const identifiers = intro.filter((child) => child.type === 'identifier').map((child) => child.text);
  const collection = readExpression(source, intro.find((child) => child.type === 'expression')!);
  const expressions = children.filter((child) => child.type === 'expression').map((child) => readExpression(source, child));
  const condition = children.find((child) => child.type === 'for_cond');
  const object = node.type === 'for_object_expr';
  return {
    keyVariable: identifiers.length > 1 ? identifiers[0] : undefined,
    valueVariable: identifiers[identifiers.length - 1],
    collection,
    key: object ? expressions[0] : undefined,
    value: object ? expressions[1] : expressions[0],
    condition: condition ? readExpression(source, named(condition)[0]) : undefined,
    object,
    grouped: children.some((child) => child.type === 'ellipsis'),
  };
}
