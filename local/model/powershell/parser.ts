/**
 * A parser for the PowerShell subset that provisioning steps use: statements separated by newlines or `;`,
 * `#` and `<# #>` comments, assignments (`=`, `+=`), `if`/`elseif`/`else`, `foreach`, `break`, `continue`,
 * `throw`, `exit`, `return`, and pipelines of commands (argument mode: barewords, `-Parameter`s, comma lists,
 * redirections) or expressions (quoted and here-strings, numbers, variables, `( )`, `$( )`, `@( )`, script
 * blocks, `.Member`, `.Method()`, `[index]`, and the usual operators, with PowerShell's precedence).
 *
 * A script PowerShell would refuse (an unterminated string, a missing brace) raises `PowerShellParseError`. A
 * script using PowerShell this parser does not follow (functions, `try`, `switch`, other loops, hashtables,
 * type literals) falls back to one opaque statement per line, as the POSIX shell's parser does.
 */

export type Expr =
  | { readonly kind: 'constant'; readonly value: string | number }
  | { readonly kind: 'template'; readonly parts: (string | Expr)[] }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'array'; readonly items: Expr[] }
  | { readonly kind: 'sub'; readonly body: Statement[]; readonly asArray: boolean }
  | { readonly kind: 'block'; readonly body: Statement[]; readonly text: string }
  | { readonly kind: 'member'; readonly target: Expr; readonly name: string; readonly args?: Expr[] }
  | { readonly kind: 'index'; readonly target: Expr; readonly index: Expr }
  | { readonly kind: 'unary'; readonly op: 'not' | 'negate'; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: string; readonly caseSensitive: boolean; readonly left: Expr; readonly right: Expr };

export type Argument =
  | { readonly kind: 'parameter'; readonly name: string; readonly value?: Expr }
  | { readonly kind: 'value'; readonly value: Expr };

/** `> file`, `2> $null`, `*>> file` (`2>&1` merges streams and is not kept). */
export interface Redirection {
  readonly stream: 'output' | 'error' | 'all';
  readonly target: Expr;
  readonly append: boolean;
}

export type Element =
  | { readonly kind: 'command'; readonly name: Expr; readonly args: Argument[]; readonly redirections: Redirection[] }
  | { readonly kind: 'expression'; readonly expr: Expr };

/** Where a statement is, for traces and error records. */
export interface Located {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

export type Pipeline = Located & { readonly kind: 'pipeline'; readonly elements: Element[] };

export interface Branch {
  readonly header: string;
  readonly cond: Pipeline;
  readonly body: Statement[];
}

export type Statement =
  | Pipeline
  | Located & { readonly kind: 'assign'; readonly name: string; readonly append: boolean; readonly value: Pipeline }
  | Located & { readonly kind: 'throw' | 'exit' | 'return'; readonly value?: Pipeline }
  | Located & { readonly kind: 'break' | 'continue' | 'opaque' }
  | Located & { readonly kind: 'if'; readonly branches: Branch[]; readonly otherwise?: Statement[] }
  | Located & { readonly kind: 'foreach'; readonly variable: string; readonly source: Pipeline; readonly body: Statement[] };

/** A script PowerShell itself would not run; `line`/`column` are 1-based, as in PowerShell's message. */
export class PowerShellParseError extends Error {
  constructor(message: string, readonly line: number, readonly column: number, readonly lineText: string) {
    super(message);
  }
}

/** Valid PowerShell that this parser does not follow. */
class UnsupportedSyntax extends Error {}

const UNSUPPORTED_KEYWORDS = ['function', 'filter', 'workflow', 'configuration', 'try', 'trap', 'switch', 'while', 'do', 'for', 'param', 'begin',
  'process', 'end', 'class', 'enum', 'using', 'data'];
const COMPARISON = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'notlike', 'match', 'notmatch', 'replace', 'contains', 'notcontains', 'in', 'notin',
  'split', 'join'];
const LOGICAL = ['and', 'or', 'xor'];
const OTHER_OPERATORS = ['is', 'isnot', 'as', 'band', 'bor', 'bxor', 'bnot', 'f', 'shl', 'shr'];
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', 0: '\0', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b' };
const STREAMS: Record<string, Redirection['stream']> = { '1': 'output', '*': 'all' };
const VARIABLE = /\$(?:\{([^}]*)\}|((?:[A-Za-z]+:)?[\w?]+|\$|\^))/y;
const STATEMENT_END = ['', '\n', ';', '}', ')'];

/** A variable's name as written after `$`, without the scopes that change nothing here (`$script:x` is `x`). */
function variableName(match: RegExpExecArray): string {
  return (match[1] ?? match[2]).replace(/^(global|script|local|private|variable):/i, '');
}

/** The index of the `)` closing the `(` at `open`, skipping quoted strings; -1 when there is none. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\'' || ch === '"') i = text.indexOf(ch, i + 1) < 0 ? text.length : text.indexOf(ch, i + 1);
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The text of an expandable string (`"..."` contents or a bareword): literal text, `$variables`, `$(...)`, escapes. */
function template(raw: string): Expr {
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
      parts.push({ kind: 'sub', body: new Parser(raw.slice(i + 2, end)).statements(), asArray: false });
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

class Parser {
  private pos = 0;
  /** False while parsing method arguments, where `,` separates arguments instead of building an array. */
  private commas = true;

  constructor(private readonly src: string) {}

  private get ch(): string {
    return this.src[this.pos] ?? '';
  }

  /** Statements up to `closer` (or the end of the script when `closer` is empty), which is left unconsumed. */
  statements(closer = ''): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      this.skip(true);
      if (this.ch === ';') {
        this.pos++;
        continue;
      }
      if (this.ch === closer) return out;
      if (this.ch === '') throw this.error(`Missing closing '${closer}' in statement block or type definition.`);
      if (this.ch === '}' || this.ch === ')') throw this.error(`Unexpected token '${this.ch}' in expression or statement.`);
      out.push(this.statement());
      this.skip();
      if (this.ch === '=') throw new UnsupportedSyntax('assignment to a member, an index or several variables');
      if (!STATEMENT_END.includes(this.ch)) throw this.unexpected();
    }
  }

  private at(offset: number): string {
    return this.src[this.pos + offset] ?? '';
  }

  /** A sticky regular expression's match at the current position. */
  private match(pattern: RegExp): RegExpExecArray | undefined {
    pattern.lastIndex = this.pos;
    return pattern.exec(this.src) ?? undefined;
  }

  /** Skips blanks, comments and backtick line continuations; with `newlines`, line ends too. */
  private skip(newlines = false): void {
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

  private error(message: string, at = this.pos): PowerShellParseError {
    const { line, column } = this.location(at);
    const start = at - column + 1;
    const end = this.src.indexOf('\n', start);
    return new PowerShellParseError(message, line, column, this.src.slice(start, end < 0 ? undefined : end).replace(/\r$/, ''));
  }

  private unexpected(): PowerShellParseError {
    return this.error(`Unexpected token '${this.match(/[^\s;)}]*/y)?.[0]}' in expression or statement.`);
  }

  /** The source up to `end`, moving past it. */
  private take(end: number): string {
    const text = this.src.slice(this.pos, end);
    this.pos = end;
    return text;
  }

  private location(at: number): { line: number; column: number } {
    const before = this.src.slice(0, at);
    return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
  }

  private located(start: number, end = this.pos): Located {
    return { text: this.src.slice(start, end).trim().replace(/\s*\n\s*/g, ' '), ...this.location(start) };
  }

  private expect(ch: string, message: string): void {
    if (this.ch !== ch) throw this.error(message);
    this.pos++;
  }

  /** The lower-cased word at the current position when it could be a keyword. */
  private keyword(): string {
    return this.match(/[A-Za-z]+(?![\w\-.\\:$])/y)?.[0].toLowerCase() ?? '';
  }

  private statement(): Statement {
    const start = this.pos;
    const keyword = this.keyword();
    if (keyword === 'if') return this.ifStatement(start);
    if (keyword === 'foreach' && this.match(/foreach\s*\(/iy)) return this.foreachStatement(start);
    if (keyword === 'throw' || keyword === 'exit' || keyword === 'return') {
      this.pos += keyword.length;
      const end = this.pos;
      this.skip();
      const value = STATEMENT_END.includes(this.ch) ? undefined : this.pipeline();
      if (!value) this.pos = end;
      return { kind: keyword, value, ...this.located(start) };
    }
    if (keyword === 'break' || keyword === 'continue') {
      this.pos += keyword.length;
      return { kind: keyword, ...this.located(start) };
    }
    if (UNSUPPORTED_KEYWORDS.includes(keyword)) throw new UnsupportedSyntax(keyword);
    return this.assignment(start) ?? this.pipeline();
  }

  private assignment(start: number): Statement | undefined {
    const variable = this.match(VARIABLE);
    if (!variable) return undefined;
    this.pos += variable[0].length;
    this.skip();
    const op = this.match(/[-+*/%]?=(?!=)|\+\+|--(?![A-Za-z])/y)?.[0];
    if (!op) {
      this.pos = start;
      return undefined;
    }
    if (op !== '=' && op !== '+=') throw new UnsupportedSyntax(op);
    this.pos += op.length;
    this.skip(true);
    return { kind: 'assign', name: variableName(variable), append: op === '+=', value: this.pipeline(), ...this.located(start) };
  }

  private ifStatement(start: number): Statement {
    const branches: Branch[] = [];
    let keyword = 'if';
    while (keyword === 'if' || keyword === 'elseif') {
      const branchStart = this.pos;
      this.pos += keyword.length;
      this.skip();
      this.expect('(', `Missing '(' after '${keyword}' in if statement.`);
      this.skip(true);
      const cond = this.pipeline();
      this.skip(true);
      this.expect(')', `Missing closing ')' after expression in '${keyword}' statement.`);
      const header = this.located(branchStart).text;
      branches.push({ header, cond, body: this.block(`Missing statement block after ${keyword} ( condition ).`) });
      const save = this.pos;
      this.skip(true);
      keyword = ['elseif', 'else'].includes(this.keyword()) ? this.keyword() : '';
      if (!keyword) this.pos = save;
    }
    let otherwise: Statement[] | undefined;
    if (keyword === 'else') {
      this.pos += 4;
      otherwise = this.block("Missing statement block after 'else' keyword.");
    }
    return { kind: 'if', branches, otherwise, ...this.located(start), text: branches[0].header };
  }

  private foreachStatement(start: number): Statement {
    this.pos += 'foreach'.length;
    this.skip();
    this.expect('(', "Missing opening '(' after keyword 'foreach'.");
    this.skip();
    const variable = this.match(VARIABLE);
    if (!variable) throw this.error('Missing variable name after foreach.');
    this.pos += variable[0].length;
    this.skip();
    if (this.keyword() !== 'in') throw this.error("Missing 'in' after variable in foreach loop.");
    this.pos += 2;
    this.skip(true);
    const source = this.pipeline();
    this.skip(true);
    this.expect(')', "Missing closing ')' after expression in 'foreach' statement.");
    const header = this.located(start);
    return { kind: 'foreach', variable: variableName(variable), source, body: this.block('Missing statement body in foreach loop.'), ...header };
  }

  private block(message: string): Statement[] {
    this.skip(true);
    this.expect('{', message);
    return this.inner('}');
  }

  /** Statements up to and including `closer`, where `,` builds arrays again. */
  private inner(closer: string): Statement[] {
    const commas = this.commas;
    this.commas = true;
    const body = this.statements(closer);
    this.commas = commas;
    this.expect(closer, `Missing closing '${closer}'.`);
    return body;
  }

  private pipeline(): Pipeline {
    const start = this.pos;
    const elements = [this.element()];
    for (;;) {
      const end = this.pos;
      this.skip();
      if (this.ch !== '|' || this.at(1) === '|') {
        this.pos = end;
        break;
      }
      this.pos++;
      this.skip(true);
      elements.push(this.element());
    }
    return { kind: 'pipeline', elements, ...this.located(start) };
  }

  private element(): Element {
    if ((this.ch === '&' || this.ch === '.') && /[\s'"$({]/.test(this.at(1))) {
      this.pos++;
      this.skip();
      return this.command(this.argument());
    }
    const named = /[A-Za-z_\\./]/.test(this.ch) || this.match(/\d+[A-Za-z_]/y) || (/[%?]/.test(this.ch) && /\s/.test(this.at(1)));
    if (named) return this.command(this.bareword());
    if (STATEMENT_END.includes(this.ch) || this.ch === '|') throw this.error('An empty pipe element is not allowed.');
    return { kind: 'expression', expr: this.expression() };
  }

  private command(name: Expr): Element {
    const args: Argument[] = [];
    const redirections: Redirection[] = [];
    for (let end = this.pos; ; end = this.pos) {
      this.skip();
      if (STATEMENT_END.includes(this.ch) || this.ch === '|') {
        this.pos = end;
        return { kind: 'command', name, args, redirections };
      }
      const redirect = this.match(/([1-6*])?(>>?)(&[1-6])?/y);
      const parameter = this.match(/-([A-Za-z_?][\w-]*)(:?)/y);
      if (redirect) {
        this.pos += redirect[0].length;
        this.skip();
        const stream = STREAMS[redirect[1] ?? '1'] ?? 'error';
        if (!redirect[3]) redirections.push({ stream, append: redirect[2] === '>>', target: this.argument() });
      } else if (parameter) {
        this.pos += parameter[0].length;
        args.push({ kind: 'parameter', name: parameter[1], value: parameter[2] ? this.argument() : undefined });
      } else {
        args.push({ kind: 'value', value: this.argumentList() });
      }
    }
  }

  /** Arguments separated by commas (`-Name a, b`) are one array argument. */
  private argumentList(): Expr {
    const items = [this.argument()];
    for (;;) {
      const save = this.pos;
      this.skip();
      if (this.ch !== ',') {
        this.pos = save;
        return items.length === 1 ? items[0] : { kind: 'array', items };
      }
      this.pos++;
      this.skip(true);
      items.push(this.argument());
    }
  }

  /** One argument in argument mode: a quoted string, a variable (with members), a `( )` expression, or a bareword. */
  private argument(): Expr {
    if (this.ch === '$' && this.at(1) !== '(') {
      const start = this.pos;
      const expr = this.postfix(this.primary());
      if (/^[\s;|,)}]?$/.test(this.ch)) return expr;
      this.pos = start;
      return this.bareword();
    }
    return '\'"(@{$'.includes(this.ch) ? this.postfix(this.primary()) : this.bareword();
  }

  /** An unquoted word, expanded like a double-quoted string; quoted parts inside it are joined to it. */
  private bareword(): Expr {
    let raw = '';
    while (this.ch !== '' && !/[\s;|,)}(]/.test(this.ch)) {
      const subexpression = this.ch === '$' && this.at(1) === '(' ? closingParen(this.src, this.pos + 1) : -1;
      if (this.ch === '\'') raw += this.singleQuoted().replace(/[`$]/g, '`$&');
      else if (this.ch === '"') raw += this.doubleQuoted();
      else raw += this.take(subexpression > 0 ? subexpression + 1 : this.pos + (this.ch === '`' ? 2 : 1));
    }
    if (!raw) throw this.unexpected();
    return template(raw);
  }

  private singleQuoted(): string {
    const literal = this.match(/'((?:[^']|'')*)'/y);
    if (!literal) throw this.error("The string is missing the terminator: '.");
    this.pos += literal[0].length;
    return literal[1].replace(/''/g, '\'');
  }

  /** A double-quoted string's contents in template form (`""` becomes an escaped quote). */
  private doubleQuoted(): string {
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

  expression(): Expr {
    const multiplicative = () => this.arithmetic(['*', '/', '%'], () => this.range());
    return this.binary(LOGICAL, () => this.binary(COMPARISON, () => this.arithmetic(['+', '-'], multiplicative)));
  }

  /** Left-associative `-operator`s of one precedence level (`-ceq`/`-ieq` are `-eq`, case-sensitive or not). */
  private binary(names: string[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const save = this.pos;
      this.skip();
      const word = this.match(/-([A-Za-z]+)(?![\w-])/y)?.[1].toLowerCase() ?? '';
      const name = names.includes(word) ? word : /^[ci]/.test(word) && names.includes(word.slice(1)) ? word.slice(1) : undefined;
      if (OTHER_OPERATORS.includes(word)) throw new UnsupportedSyntax(`-${word}`);
      if (!name) {
        this.pos = save;
        return left;
      }
      this.pos += word.length + 1;
      this.skip(true);
      left = { kind: 'binary', op: name, caseSensitive: word.startsWith('c') && name !== word, left, right: operand() };
    }
  }

  private arithmetic(ops: string[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const save = this.pos;
      this.skip();
      if (!ops.includes(this.ch) || /[=A-Za-z]/.test(this.at(1))) {
        this.pos = save;
        return left;
      }
      const op = this.src[this.pos++];
      this.skip(true);
      left = { kind: 'binary', op, caseSensitive: false, left, right: operand() };
    }
  }

  private range(): Expr {
    const left = this.unary();
    if (this.ch !== '.' || this.at(1) !== '.') return left;
    this.pos += 2;
    return { kind: 'binary', op: '..', caseSensitive: false, left, right: this.unary() };
  }

  private unary(): Expr {
    this.skip();
    const not = this.match(/(!|-not(?![\w-]))/iy);
    if (not) {
      this.pos += not[0].length;
      return { kind: 'unary', op: 'not', operand: this.unary() };
    }
    if (this.ch === '-' && /[$(]/.test(this.at(1))) {
      this.pos++;
      return { kind: 'unary', op: 'negate', operand: this.unary() };
    }
    return this.comma();
  }

  private comma(): Expr {
    const items = [this.postfix(this.primary())];
    for (;;) {
      const save = this.pos;
      this.skip();
      if (!this.commas || this.ch !== ',') {
        this.pos = save;
        return items.length === 1 ? items[0] : { kind: 'array', items };
      }
      this.pos++;
      this.skip(true);
      items.push(this.postfix(this.primary()));
    }
  }

  private postfix(target: Expr): Expr {
    for (;;) {
      const member = this.ch === '.' ? this.match(/\.(\w+)/y) : undefined;
      if (member) {
        this.pos += member[0].length;
        target = { kind: 'member', target, name: member[1], args: this.ch === '(' ? this.methodArguments() : undefined };
      } else if (this.ch === '[') {
        this.pos++;
        this.skip(true);
        target = { kind: 'index', target, index: this.expression() };
        this.skip(true);
        this.expect(']', 'Array index expression is missing or not valid.');
      } else if (this.ch === ':' && this.at(1) === ':') {
        throw new UnsupportedSyntax('static member');
      } else {
        return target;
      }
    }
  }

  private methodArguments(): Expr[] {
    const args: Expr[] = [];
    const commas = this.commas;
    this.commas = false;
    this.pos++;
    for (this.skip(true); this.ch !== ')'; this.skip(true)) {
      args.push(this.expression());
      this.skip(true);
      if (this.ch === ',') this.pos++;
      else if (this.ch !== ')') throw this.error("Missing ')' in method call.");
    }
    this.pos++;
    this.commas = commas;
    return args;
  }

  private primary(): Expr {
    this.skip();
    const ch = this.ch;
    const number = this.match(/-?(0x[0-9a-f]+|\d+(?:\.\d+)?)(kb|mb|gb|tb)?(?!\w)/iy);
    const here = this.match(/@(['"])[ \t]*\r?\n([\s\S]*?)\r?\n\1@/y);
    if (number || here) this.pos += (number ?? here)![0].length;
    if (number) {
      const unit = 1024 ** ['', 'kb', 'mb', 'gb', 'tb'].indexOf((number[2] ?? '').toLowerCase());
      return { kind: 'constant', value: Number(number[1]) * unit * (number[0].startsWith('-') ? -1 : 1) };
    }
    if (here) return here[1] === '\'' ? { kind: 'constant', value: here[2] } : template(here[2]);
    if (ch === '\'') return { kind: 'constant', value: this.singleQuoted() };
    if (ch === '"') return template(this.doubleQuoted());
    if ((ch === '$' || ch === '@' || ch === '(') && this.at(ch === '(' ? 0 : 1) === '(') {
      this.pos += ch === '(' ? 1 : 2;
      return { kind: 'sub', body: this.inner(')'), asArray: ch === '@' };
    }
    if (ch === '{') {
      const start = ++this.pos;
      const body = this.inner('}');
      return { kind: 'block', body, text: this.src.slice(start, this.pos - 1) };
    }
    const variable = this.match(VARIABLE);
    if (variable) {
      this.pos += variable[0].length;
      return { kind: 'variable', name: variableName(variable) };
    }
    if (ch === '[' || ch === '@') throw new UnsupportedSyntax(ch === '[' ? 'type literal' : 'hashtable or splatting');
    if (STATEMENT_END.includes(ch)) throw this.error('You must provide a value expression following this operator.');
    throw this.unexpected();
  }
}

/** Each non-empty line as one opaque statement: the fallback for scripts the parser does not follow. */
function opaqueLines(script: string): Statement[] {
  return script.split('\n')
    .map((line, i) => ({ text: line.trim(), line: i + 1, column: 1 + line.length - line.trimStart().length }))
    .filter(({ text }) => text && !text.startsWith('#') && !/^[{}()]+$/.test(text))
    .map((located) => ({ kind: 'opaque' as const, ...located }));
}

/** The script's statements; throws `PowerShellParseError` for a script PowerShell would not run. */
export function parsePowerShell(script: string): Statement[] {
  try {
    return new Parser(script).statements();
  } catch (error) {
    if (error instanceof UnsupportedSyntax) return opaqueLines(script);
    throw error;
  }
}
