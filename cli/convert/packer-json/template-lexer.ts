/**
 * The tokens of one action of Packer's legacy JSON template engine (Go's text/template): what is written after
 * `{{` (or `{{- `) up to the closing `}}` (or ` -}}`, which also trims the white space after it). Strings are Go's
 * raw (`` `...` ``) and interpreted (`"..."`, with escapes) strings; numbers, booleans, function names, template
 * variables (`.SourceAMI`, `.SourceAMITags.Name`), `.`, `|`, `(` and `)` are the rest of the language Packer
 * templates use. Anything else fails with what to write instead.
 */

/** A value of the template language: Packer's functions take and return strings, and a few take whole numbers. */
export type TemplateValue = string | number | boolean;

/** Reports a problem in the string being rendered, as `<what> in "<text>": <fix>`. */
export type Fail = (what: string, fix: string) => never;

export type Token = { readonly space: boolean } & (
  | { readonly kind: 'literal'; readonly value: TemplateValue }
  | { readonly kind: 'identifier'; readonly name: string }
  | { readonly kind: 'field'; readonly path: string[] }
  | { readonly kind: 'dot' | 'pipe' | 'open' | 'close' }
);

export interface LexedAction {
  readonly tokens: Token[];
  /** Where the text after the closing delimiter starts. */
  readonly end: number;
  /** ` -}}`: the white space after the action is trimmed. */
  readonly trimAfter: boolean;
}

/** Go's template white space, which `{{- ` and ` -}}` trim. */
export const isSpace = (char: string | undefined): boolean => char === ' ' || char === '\t' || char === '\r' || char === '\n';

const NUMBER = /[+-]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/y;
const FIELD = /(?:\.[A-Za-z_][A-Za-z0-9_]*)+/y;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const CONTROL = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);
const SINGLE: Record<string, 'pipe' | 'open' | 'close'> = { '|': 'pipe', '(': 'open', ')': 'close' };

/** The tokens of the action starting at `start` (just after `{{` or `{{- `). */
export function lexAction(text: string, start: number, fail: Fail): LexedAction {
  const tokens: Token[] = [];
  let at = start;
  let space = false;
  for (;;) {
    if (at >= text.length) fail('unclosed action', 'close it with }}');
    if (isSpace(text[at])) {
      if (text.startsWith('-}}', at + 1)) return { tokens, end: at + 4, trimAfter: true };
      at += 1;
      space = true;
    } else if (text.startsWith('}}', at)) {
      return { tokens, end: at + 2, trimAfter: false };
    } else {
      const [token, next] = lexToken(text, at, space, fail);
      tokens.push(token);
      at = next;
      space = false;
    }
  }
}

function lexToken(text: string, at: number, space: boolean, fail: Fail): [Token, number] {
  const char = text[at];
  if (Object.hasOwn(SINGLE, char)) return [{ kind: SINGLE[char], space }, at + 1];
  if (char === '`') return rawString(text, at, space, fail);
  if (char === '"') return quotedString(text, at, space, fail);
  const number = matchAt(NUMBER, text, at);
  if (number !== undefined) return numberToken(number, text, at, space, fail);
  const field = matchAt(FIELD, text, at);
  if (field !== undefined) return [{ kind: 'field', path: field.slice(1).split('.'), space }, at + field.length];
  if (char === '.') return [{ kind: 'dot', space }, at + 1];
  const word = matchAt(IDENTIFIER, text, at);
  if (word !== undefined) return [wordToken(word, space, fail), at + word.length];
  if (char === '$') fail('template variable "$..."', 'Packer templates have no $ variables; use {{ user `name` }} or a template variable such as {{ .SourceAMI }}');
  if (char === "'") fail('character constant', 'write a string in "double quotes" or `backticks`');
  return fail(`unexpected ${JSON.stringify(char)}`, 'an action holds functions, strings, numbers, template variables (.Name), | and parentheses');
}

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

function numberToken(number: string, text: string, at: number, space: boolean, fail: Fail): [Token, number] {
  const end = at + number.length;
  if (/[A-Za-z0-9_.]/.test(text[end] ?? '')) fail(`bad number "${number}${text[end]}"`, 'separate a number from what follows with a space');
  const magnitude = Number(number.replace(/^[+-]/, ''));
  return [{ kind: 'literal', value: number.startsWith('-') ? -magnitude : magnitude, space }, end];
}

function wordToken(word: string, space: boolean, fail: Fail): Token {
  if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true', space };
  if (word === 'nil') fail('nil', 'Packer template values are strings and numbers; write "" for an empty string');
  if (CONTROL.has(word)) {
    fail(`"${word}" action`, "the converter reads Packer's functions (user, env, isotime, clean_resource_name...), not Go's control structures; write the value without it");
  }
  return { kind: 'identifier', name: word, space };
}

/** `` `...` ``: the text as written, without carriage returns, as Go reads it. */
function rawString(text: string, at: number, space: boolean, fail: Fail): [Token, number] {
  const close = text.indexOf('`', at + 1);
  if (close < 0) fail('unterminated raw string', 'close it with a backtick (`)');
  return [{ kind: 'literal', value: text.slice(at + 1, close).replace(/\r/g, ''), space }, close + 1];
}

/** `"..."` with Go's escapes; it ends on its line. */
function quotedString(text: string, at: number, space: boolean, fail: Fail): [Token, number] {
  let value = '';
  let index = at + 1;
  for (;;) {
    const char = text[index];
    if (char === undefined || char === '\n') fail('unterminated quoted string', 'close it with " on the same line');
    if (char === '"') return [{ kind: 'literal', value, space }, index + 1];
    if (char === '\\') {
      const [decoded, next] = escape(text, index + 1, fail);
      value += decoded;
      index = next;
    } else {
      value += char;
      index += 1;
    }
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { 'a': '\x07', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\', '"': '"' };
/** `\x`, `\u` and `\U` escapes: how many hex digits follow and the largest value. */
const HEX_ESCAPES: Record<string, readonly [number, number]> = { x: [2, 0xff], u: [4, 0x10ffff], U: [8, 0x10ffff] };

/** The escape after a backslash at `at`: its text and where the string goes on. */
function escape(text: string, at: number, fail: Fail): [string, number] {
  const char = text[at] ?? '';
  if (Object.hasOwn(SIMPLE_ESCAPES, char)) return [SIMPLE_ESCAPES[char], at + 1];
  const octal = /[0-7]/.test(char);
  const [length, max] = octal ? [3, 0xff] : Object.hasOwn(HEX_ESCAPES, char) ? HEX_ESCAPES[char] : [0, -1];
  const radix = octal ? 8 : 16;
  const start = octal ? at : at + 1;
  const digits = text.slice(start, start + length);
  const code = parseInt(digits, radix);
  const wellFormed = length > 0 && digits.length === length && [...digits].every((digit) => !Number.isNaN(parseInt(digit, radix)));
  if (!wellFormed || code > max || (code >= 0xd800 && code <= 0xdfff)) {
    fail(`invalid escape "\\${char}"`, 'Go strings know \\n, \\t, \\", \\\\, \\xFF, \\u00e9 and the like; write a backslash as \\\\ or use a `raw string`');
  }
  return [String.fromCodePoint(code), start + length];
}
