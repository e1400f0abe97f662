/**
 * One action of Packer's legacy JSON template engine, parsed and evaluated as Go's text/template does for the part
 * of the language Packer templates use: a pipeline of commands separated by `|`, each a function with its
 * arguments (the previous command's value passed as the last one) or a single value; arguments are strings,
 * numbers, booleans, template variables, functions called without arguments and parenthesized pipelines.
 */
import { shown } from './template-formats';
import type { Fail, TemplateValue, Token } from './template-lexer';

type Operand =
  | { readonly kind: 'literal'; readonly value: TemplateValue }
  | { readonly kind: 'identifier'; readonly name: string }
  | { readonly kind: 'field'; readonly path: string[] }
  | { readonly kind: 'dot' }
  | { readonly kind: 'pipeline'; readonly commands: Command[] };

type Command = Operand[];

/** What evaluating an action needs: functions, template variables and where to report problems. */
export interface Evaluator {
  readonly call: (name: string, args: TemplateValue[]) => TemplateValue;
  readonly field: (path: string[]) => TemplateValue;
  readonly fail: Fail;
}

/** Parentheses nested deeper than this are refused rather than overflowing the stack. */
const MAX_DEPTH = 64;

class Cursor {
  at = 0;

  constructor(readonly tokens: Token[], readonly fail: Fail) {}

  get next(): Token | undefined {
    return this.tokens[this.at];
  }
}

/** The value of an action's tokens. */
export function evaluateAction(tokens: Token[], evaluator: Evaluator): TemplateValue {
  if (tokens.length === 0) evaluator.fail('empty action {{ }}', 'write a function or a variable between the braces, or remove them');
  const cursor = new Cursor(tokens, evaluator.fail);
  const commands = parsePipeline(cursor, 0);
  if (cursor.next) evaluator.fail('unexpected ")"', 'remove it or add the ( it closes');
  return runPipeline(commands, evaluator);
}

function parsePipeline(cursor: Cursor, depth: number): Command[] {
  if (depth > MAX_DEPTH) cursor.fail('parentheses nested too deeply', `nest at most ${MAX_DEPTH} levels`);
  const commands = [parseCommand(cursor, depth)];
  while (cursor.next?.kind === 'pipe') {
    cursor.at += 1;
    commands.push(parseCommand(cursor, depth));
  }
  return commands;
}

function parseCommand(cursor: Cursor, depth: number): Command {
  const operands: Operand[] = [];
  for (let token = cursor.next; token && token.kind !== 'pipe' && token.kind !== 'close'; token = cursor.next) {
    if (operands.length > 0 && !token.space) cursor.fail('missing space between arguments', 'separate a function and its arguments with spaces, as in {{ user `name` }}');
    operands.push(parseOperand(cursor, depth));
  }
  if (operands.length === 0) {
    const where = cursor.next ? `before "${cursor.next.kind === 'pipe' ? '|' : ')'}"` : 'at the end';
    cursor.fail(`missing value ${where}`, 'each side of | and each ( ) holds a function or a value');
  }
  return operands;
}

function parseOperand(cursor: Cursor, depth: number): Operand {
  const token = cursor.tokens[cursor.at++];
  switch (token.kind) {
    case 'literal': return { kind: 'literal', value: token.value };
    case 'identifier': return { kind: 'identifier', name: token.name };
    case 'field': return { kind: 'field', path: token.path };
    case 'dot': return { kind: 'dot' };
    default: {
      const commands = parsePipeline(cursor, depth + 1);
      if (cursor.next?.kind !== 'close') cursor.fail('unclosed parenthesis', 'close it with )');
      cursor.at += 1;
      return { kind: 'pipeline', commands };
    }
  }
}

function runPipeline(commands: Command[], evaluator: Evaluator): TemplateValue {
  return commands.slice(1).reduce((piped, command) => runCommand(command, piped, evaluator), runCommand(commands[0], undefined, evaluator));
}

function runCommand([first, ...rest]: Command, piped: TemplateValue | undefined, evaluator: Evaluator): TemplateValue {
  if (first.kind === 'identifier') {
    const args = rest.map((operand) => operandValue(operand, evaluator));
    return evaluator.call(first.name, piped === undefined ? args : [...args, piped]);
  }
  if (rest.length > 0 || piped !== undefined) {
    evaluator.fail(`${describe(first)} is not a function`, 'only a function takes arguments or a piped value; put the function first, as in {{ lower "X" }}');
  }
  return operandValue(first, evaluator);
}

function operandValue(operand: Operand, evaluator: Evaluator): TemplateValue {
  switch (operand.kind) {
    case 'literal': return operand.value;
    case 'identifier': return evaluator.call(operand.name, []);
    case 'field': return evaluator.field(operand.path);
    case 'pipeline': return runPipeline(operand.commands, evaluator);
    default: return evaluator.fail('"." (all of the template data)', 'name a template variable, such as {{ .SourceAMI }}');
  }
}

function describe(operand: Operand): string {
  if (operand.kind === 'literal') return shown(operand.value);
  if (operand.kind === 'field') return `.${operand.path.join('.')}`;
  return operand.kind === 'dot' ? '"."' : 'a parenthesized value';
}
