/**
 * The lexical half of the PowerShell parser: a cursor over the script that skips blanks, comments and line
 * continuations, matches sticky regular expressions, reads quoted strings, locates statements for traces,
 * and builds `PowerShellParseError`s; and the expansion of double-quoted strings and barewords into templates.
 */
import { Expr, Located, PowerShellParseError, Statement } from './syntax';

/** A variable reference: `$name`, `$env:NAME`, `${any name}`, `$$`, `$^`, `$?`. */
export const VARIABLE = /\$(?:\{([^}]*)\}|((?:[A-Za-z]+:)?[\w?]+|\$|\^))/y;
/** What may follow a statement (`''` is the end of the script). */
export const STATEMENT_END = ['', '\n', ';', '}', ')'];
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', 0: '\0', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b' };

/** A variable's name as written after `$`, without the scopes that change nothing here (`$script:x` is `x`). */
export function variableName(match: RegExpExecArray): string {
  return (match[1] ?? match[2]).replace(/^(global|script|local|private|variable):/i, '');
}

/** The index of the `)` closing the `(` at `open`, skipping quoted strings; -1 when there is none. */
export function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\'' || ch === '"') i = text.indexOf(ch, i + 1) < 0 ? text.length : text.indexOf(ch, i + 1);
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * The text of an expandable string (`"..."` contents or a bareword): literal text, `$variables`, `$(...)` (whose
 * statements `parseStatements` reads), escapes. A text without expansions is a constant.
 */
export function expandableString(raw: string, parseStatements: (source: string) => Statement[]): Expr {
  const parts: (string | Expr)[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push(text);
    text = '';
  };
  for (let i = 0; i < raw.length;) {
    VARIABLE.lastIndex = i;
    const variable = raw[i] === '$' ? VARIABLE.exec(raw) : null;
    if (raw[i] === '`' && i + 1 < raw.length) {
      text += ESCAPES[raw[i + 1]] ?? raw[i + 1];
      i += 2;
    } else if (raw[i] === '$' && raw[i + 1] === '(' && closingParen(raw, i + 1) > 0) {
      const end = closingParen(raw, i + 1);
      flush();
      parts.push({ kind: 'sub', body: parseStatements(raw.slice(i + 2, end)), asArray: false });
      i = end + 1;
    } else if (variable) {
      flush();
      parts.push({ kind: 'variable', name: variableName(variable) });
      i += variable[0].length;
    } else {
      text += raw[i++];
    }
  }
  flush();
  return parts.every((part) => typeof part === 'string') ? { kind: 'constant', value: parts.join('') } : { kind: 'template', parts };
}

/** A cursor over a script's source, with what every part of the parser needs to read it. */
export class Tokenizer {
  protected pos = 0;

  constructor(protected readonly src: string) {}

  /** The character at the cursor (`''` at the end). */
  protected get ch(): string {
    return this.src[this.pos] ?? '';
  }

  /** The character `offset` places after the cursor. */
  protected at(offset: number): string {
    return this.src[this.pos + offset] ?? '';
  }

  /** A sticky regular expression's match at the current position. */
  protected match(pattern: RegExp): RegExpExecArray | undefined {
    pattern.lastIndex = this.pos;
    return pattern.exec(this.src) ?? undefined;
  }

  /** Skips blanks, comments and backtick line continuations; with `newlines`, line ends too. */
  protected skipBlanks(newlines = false): void {
    for (;;) {
      const continuation = this.match(/`\r?\n/y);
      if (this.ch === ' ' || this.ch === '\t' || this.ch === '\r' || (newlines && this.ch === '\n')) {
        this.pos++;
      } else if (continuation) {
        this.pos += continuation[0].length;
      } else if (this.ch === '<' && this.at(1) === '#') {
        const end = this.src.indexOf('#>', this.pos + 2);
        if (end < 0) throw this.error("Missing the terminator '#>' of a block comment.");
        this.pos = end + 2;
      } else if (this.ch === '#') {
        const end = this.src.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.src.length : end;
      } else {
        return;
      }
    }
  }

  /** A parse error at `at`, with the line it is on as PowerShell shows it. */
  protected error(message: string, at = this.pos): PowerShellParseError {
    const { line, column } = this.location(at);
    const start = at - column + 1;
    const end = this.src.indexOf('\n', start);
    return new PowerShellParseError(message, line, column, this.src.slice(start, end < 0 ? undefined : end).replace(/\r$/, ''));
  }

  /** The error for a token that cannot stand where it is. */
  protected unexpected(): PowerShellParseError {
    return this.error(`Unexpected token '${this.match(/[^\s;)}]*/y)?.[0]}' in expression or statement.`);
  }

  /** The source up to `end`, moving past it. */
  protected take(end: number): string {
    const text = this.src.slice(this.pos, end);
    this.pos = end;
    return text;
  }

  /** The 1-based line and column of a source offset. */
  protected location(at: number): { line: number; column: number } {
    const before = this.src.slice(0, at);
    return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
  }

  /** The source from `start` to `end` on one line, with where it starts. */
  protected located(start: number, end = this.pos): Located {
    return { text: this.src.slice(start, end).trim().replace(/\s*\n\s*/g, ' '), ...this.location(start) };
  }

  /** Moves past `ch`, or fails with `message` when it is not at the cursor. */
  protected expect(ch: string, message: string): void {
    if (this.ch !== ch) throw this.error(message);
    this.pos++;
  }

  /** The lower-cased word at the current position when it could be a keyword. */
  protected keyword(): string {
    return this.match(/[A-Za-z]+(?![\w\-.\\:$])/y)?.[0].toLowerCase() ?? '';
  }

  /** A single-quoted string's text (`''` is a quote). */
  protected singleQuoted(): string {
    const literal = this.match(/'((?:[^']|'')*)'/y);
    if (!literal) throw this.error("The string is missing the terminator: '.");
    this.pos += literal[0].length;
    return literal[1].replace(/''/g, '\'');
  }

  /** A double-quoted string's contents in template form (`""` becomes an escaped quote). */
  protected doubleQuoted(): string {
    let raw = '';
    let i = this.pos + 1;
    for (;;) {
      const ch = this.src[i];
      const end = ch === '$' && this.src[i + 1] === '(' ? closingParen(this.src, i + 1) : i;
      if (ch === undefined || end < 0) throw this.error('The string is missing the terminator: ".');
      if (ch === '"' && this.src[i + 1] !== '"') break;
      const length = ch === '`' || ch === '"' ? 2 : end - i + 1;
      raw += ch === '"' ? '`"' : this.src.slice(i, i + length);
      i += length;
    }
    this.pos = i + 1;
    return raw;
  }
}
