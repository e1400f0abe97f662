/**
 * The expression half of the PowerShell parser: a command's arguments (argument mode: barewords, `-Parameter`s,
 * comma lists, redirections) and expressions (quoted and here-strings, numbers, variables, `( )`, `$( )`, `@( )`,
 * script blocks, `.Member`, `.Method()`, `[index]`, and the usual operators, with PowerShell's precedence).
 * Statements inside expressions are left to the subclass, `parser.ts`'s statement parser.
 */
import { Argument, Element, Expr, Redirection, Statement, UnsupportedSyntax } from './syntax';
import { closingParen, expandableString, STATEMENT_END, Tokenizer, VARIABLE, variableName } from './tokenizer';

const COMPARISON = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'notlike', 'match', 'notmatch', 'replace', 'contains', 'notcontains', 'in', 'notin',
  'split', 'join'];
const LOGICAL = ['and', 'or', 'xor'];
const OTHER_OPERATORS = ['is', 'isnot', 'as', 'band', 'bor', 'bxor', 'bnot', 'f', 'shl', 'shr'];
const STREAMS: Record<string, Redirection['stream']> = { '1': 'output', '*': 'all' };

export abstract class ExpressionParser extends Tokenizer {
  /** False while parsing method arguments, where `,` separates arguments instead of building an array. */
  protected commas = true;

  /** Statements up to `closer` (or the end of the script when `closer` is empty), which is left unconsumed. */
  abstract statements(closer?: string): Statement[];

  /** The statements of a separate piece of source (a `$( )` inside a string). */
  protected abstract nestedStatements(source: string): Statement[];

  /** Statements up to and including `closer`, where `,` builds arrays again. */
  protected inner(closer: string): Statement[] {
    const commas = this.commas;
    this.commas = true;
    const body = this.statements(closer);
    this.commas = commas;
    this.expect(closer, `Missing closing '${closer}'.`);
    return body;
  }

  /** A command named `name`: its arguments and redirections up to the end of its pipeline element. */
  protected command(name: Expr): Element {
    const args: Argument[] = [];
    const redirections: Redirection[] = [];
    for (let end = this.pos; ; end = this.pos) {
      this.skipBlanks();
      if (STATEMENT_END.includes(this.ch) || this.ch === '|') {
        this.pos = end;
        return { kind: 'command', name, args, redirections };
      }
      const redirect = this.match(/([1-6*])?(>>?)(&[1-6])?/y);
      const parameter = this.match(/-([A-Za-z_?][\w-]*)(:?)/y);
      if (redirect) {
        this.pos += redirect[0].length;
        this.skipBlanks();
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

  /** One argument in argument mode: a quoted string, a variable (with members), a `( )` expression, or a bareword. */
  protected argument(): Expr {
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
  protected bareword(): Expr {
    let raw = '';
    while (this.ch !== '' && !/[\s;|,)}(]/.test(this.ch)) {
      const subexpression = this.ch === '$' && this.at(1) === '(' ? closingParen(this.src, this.pos + 1) : -1;
      if (this.ch === '\'') raw += this.singleQuoted().replace(/[`$]/g, '`$&');
      else if (this.ch === '"') raw += this.doubleQuoted();
      else raw += this.take(subexpression > 0 ? subexpression + 1 : this.pos + (this.ch === '`' ? 2 : 1));
    }
    if (!raw) throw this.unexpected();
    return this.template(raw);
  }

  /** An expression in expression mode, from its loosest operators (`-and`, `-or`) down. */
  protected expression(): Expr {
    const multiplicative = () => this.arithmetic(['*', '/', '%'], () => this.range());
    return this.binary(LOGICAL, () => this.binary(COMPARISON, () => this.arithmetic(['+', '-'], multiplicative)));
  }

  /** Arguments separated by commas (`-Name a, b`) are one array argument. */
  private argumentList(): Expr {
    const items = [this.argument()];
    for (;;) {
      const save = this.pos;
      this.skipBlanks();
      if (this.ch !== ',') {
        this.pos = save;
        return items.length === 1 ? items[0] : { kind: 'array', items };
      }
      this.pos++;
      this.skipBlanks(true);
      items.push(this.argument());
    }
  }

  /** An expandable string's template, its `$( )` parsed as statements. */
  private template(raw: string): Expr {
    return expandableString(raw, (source) => this.nestedStatements(source));
  }

  /** Left-associative `-operator`s of one precedence level (`-ceq`/`-ieq` are `-eq`, case-sensitive or not). */
  private binary(names: string[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const save = this.pos;
      this.skipBlanks();
      const word = this.match(/-([A-Za-z]+)(?![\w-])/y)?.[1].toLowerCase() ?? '';
      const name = names.includes(word) ? word : /^[ci]/.test(word) && names.includes(word.slice(1)) ? word.slice(1) : undefined;
      if (OTHER_OPERATORS.includes(word)) throw new UnsupportedSyntax(`-${word}`);
      if (!name) {
        this.pos = save;
        return left;
      }
      this.pos += word.length + 1;
      this.skipBlanks(true);
      left = { kind: 'binary', op: name, caseSensitive: word.startsWith('c') && name !== word, left, right: operand() };
    }
  }

  /** Left-associative arithmetic operators of one precedence level (`+ -` or `* / %`). */
  private arithmetic(ops: string[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const save = this.pos;
      this.skipBlanks();
      if (!ops.includes(this.ch) || /[=A-Za-z]/.test(this.at(1))) {
        this.pos = save;
        return left;
      }
      const op = this.src[this.pos++];
      this.skipBlanks(true);
      left = { kind: 'binary', op, caseSensitive: false, left, right: operand() };
    }
  }

  /** `a..b`. */
  private range(): Expr {
    const left = this.unary();
    if (this.ch !== '.' || this.at(1) !== '.') return left;
    this.pos += 2;
    return { kind: 'binary', op: '..', caseSensitive: false, left, right: this.unary() };
  }

  /** `!x`, `-not x`, `-$x`. */
  private unary(): Expr {
    this.skipBlanks();
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

  /** `a, b, c` as an array (unless inside method arguments). */
  private comma(): Expr {
    const items = [this.postfix(this.primary())];
    for (;;) {
      const save = this.pos;
      this.skipBlanks();
      if (!this.commas || this.ch !== ',') {
        this.pos = save;
        return items.length === 1 ? items[0] : { kind: 'array', items };
      }
      this.pos++;
      this.skipBlanks(true);
      items.push(this.postfix(this.primary()));
    }
  }

  /** `.Member`, `.Method(...)` and `[index]` after a primary expression. */
  private postfix(target: Expr): Expr {
    for (;;) {
      const member = this.ch === '.' ? this.match(/\.(\w+)/y) : undefined;
      if (member) {
        this.pos += member[0].length;
        target = { kind: 'member', target, name: member[1], args: this.ch === '(' ? this.methodArguments() : undefined };
      } else if (this.ch === '[') {
        this.pos++;
        this.skipBlanks(true);
        target = { kind: 'index', target, index: this.expression() };
        this.skipBlanks(true);
        this.expect(']', 'Array index expression is missing or not valid.');
      } else if (this.ch === ':' && this.at(1) === ':') {
        throw new UnsupportedSyntax('static member');
      } else {
        return target;
      }
    }
  }

  /** A method call's `(a, b)`, where commas separate arguments. */
  private methodArguments(): Expr[] {
    const args: Expr[] = [];
    const commas = this.commas;
    this.commas = false;
    this.pos++;
    for (this.skipBlanks(true); this.ch !== ')'; this.skipBlanks(true)) {
      args.push(this.expression());
      this.skipBlanks(true);
      if (this.ch === ',') this.pos++;
      else if (this.ch !== ')') throw this.error("Missing ')' in method call.");
    }
    this.pos++;
    this.commas = commas;
    return args;
  }

  /** A number, string, here-string, `( )`/`$( )`/`@( )`, script block or variable. */
  private primary(): Expr {
    this.skipBlanks();
    const ch = this.ch;
    const number = this.match(/-?(0x[0-9a-f]+|\d+(?:\.\d+)?)(kb|mb|gb|tb)?(?!\w)/iy);
    const here = this.match(/@(['"])[ \t]*\r?\n([\s\S]*?)\r?\n\1@/y);
    if (number || here) this.pos += (number ?? here)![0].length;
    if (number) {
      const unit = 1024 ** ['', 'kb', 'mb', 'gb', 'tb'].indexOf((number[2] ?? '').toLowerCase());
      return { kind: 'constant', value: Number(number[1]) * unit * (number[0].startsWith('-') ? -1 : 1) };
    }
    if (here) return here[1] === '\'' ? { kind: 'constant', value: here[2] } : this.template(here[2]);
    if (ch === '\'') return { kind: 'constant', value: this.singleQuoted() };
    if (ch === '"') return this.template(this.doubleQuoted());
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
