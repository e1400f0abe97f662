/**
 * HCL string templates: the text between interpolations with its escapes resolved (`\n`, `\"`, `$${` for a literal
 * `${`), heredocs (`<<EOF`, and `<<-EOF` with its indentation removed), and the interpolations as expressions. The
 * text is cut from the source between the interpolations, so its spaces stay as written. Template directives
 * (`%{ if }`, `%{ for }`) are refused with their line: Packer templates rarely use them.
 */
import type { Node } from 'web-tree-sitter';
import { ConvertError, Expression, Place } from './syntax';

/** A file's name and text. */
export interface SourceText {
  readonly file: string;
  readonly text: string;
}

type ReadExpression = (source: SourceText, node: Node) => Expression;

const ESCAPES: Record<string, string> = { 'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\' };

/** Quoted template text with HCL's escapes resolved; an escape of no Unicode character fails at `place`. */
export function unescapeTemplateText(text: string, place: Place): string {
  return text
    .replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (whole, code: string) => {
      if (code.length === 1) return Object.hasOwn(ESCAPES, code) ? ESCAPES[code] : whole;
      const point = parseInt(code.slice(1), 16);
      if (point > 0x10ffff) throw new ConvertError(place, `\\${code} is not a Unicode character`);
      return String.fromCodePoint(point);
    })
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

/** The parts of a quoted or heredoc template: text and interpolated expressions, in order. */
export function templateParts(source: SourceText, node: Node, readExpression: ReadExpression): (string | Expression)[] {
  const heredoc = node.type === 'heredoc_template';
  const children = node.namedChildren.filter((child): child is Node => child !== null);
  const [start, end] = heredoc ? heredocRange(source, children, node) : quotedRange(children, node);
  const literal = (from: number, to: number) => {
    const text = source.text.slice(from, to);
    return heredoc ? text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') : unescapeTemplateText(text, { file: source.file, line: node.startPosition.row + 1 });
  };
  const parts: (string | Expression)[] = [];
  let cursor = start;
  for (const child of children) {
    if (child.type === 'template_directive') {
      throw new ConvertError({ file: source.file, line: child.startPosition.row + 1 }, 'template directives (%{ if }, %{ for }) are not supported; compute the value in a local');
    }
    if (child.type !== 'template_interpolation') continue;
    parts.push(literal(cursor, child.startIndex));
    const expression = child.namedChildren.find((inner) => inner?.type === 'expression');
    if (expression) parts.push(readExpression(source, expression));
    cursor = child.endIndex;
  }
  parts.push(literal(cursor, end));
  const kept = parts.filter((part) => part !== '');
  const stripIndent = children.find((child) => child.type === 'heredoc_start')?.text === '<<-';
  return stripIndent ? withoutIndentation(kept) : kept;
}

function quotedRange(children: Node[], node: Node): [number, number] {
  const open = children.find((child) => child.type === 'quoted_template_start');
  const close = children.find((child) => child.type === 'quoted_template_end');
  return [open?.endIndex ?? node.startIndex, close?.startIndex ?? node.endIndex];
}

/** From the line after `<<EOF` to the newline before the closing `EOF` (kept: a heredoc's text ends with a newline). */
function heredocRange(source: SourceText, children: Node[], node: Node): [number, number] {
  const identifiers = children.filter((child) => child.type === 'heredoc_identifier');
  const afterOpening = source.text.indexOf('\n', identifiers[0]?.endIndex ?? node.startIndex) + 1;
  const closing = identifiers.length > 1 ? identifiers[identifiers.length - 1].startIndex : node.endIndex;
  const lastNewline = source.text.lastIndexOf('\n', closing - 1) + 1;
  return [afterOpening, Math.max(afterOpening, lastNewline)];
}

/** `<<-EOF`: the smallest indentation of the text's non-blank lines is removed from every line. */
function withoutIndentation(parts: (string | Expression)[]): (string | Expression)[] {
  const lineStarts = (part: string, index: number) => part.split('\n').filter((_, line) => index === 0 || line > 0);
  const indents = parts.flatMap((part, index) => (typeof part === 'string' ? lineStarts(part, index) : []))
    .filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0].length);
  const indent = indents.length > 0 ? Math.min(...indents) : 0;
  return parts.map((part, index) => (typeof part === 'string'
    ? part.replace(new RegExp(`(${index === 0 ? '^|' : ''}\\n)[ \\t]{0,${indent}}`, 'g'), '$1')
    : part));
}
