/**
 * A parser for the PowerShell subset that provisioning steps use: statements separated by newlines or `;`,
 * `#` and `<# #>` comments, assignments (`=`, `+=`), `if`/`elseif`/`else`, `foreach`, `break`, `continue`,
 * `throw`, `exit`, `return`, and pipelines of commands or expressions (read by `expression-parser.ts`, over
 * the cursor of `tokenizer.ts`; the tree's types are in `syntax.ts`).
 *
 * A script PowerShell would refuse (an unterminated string, a missing brace) raises `PowerShellParseError`. A
 * script using PowerShell this parser does not follow (functions, `try`, `switch`, other loops, hashtables,
 * type literals) falls back to one opaque statement per line, as the POSIX shell's parser does.
 */
import { ExpressionParser } from './expression-parser';
import { Branch, Element, Pipeline, PowerShellParseError, Statement, UnsupportedSyntax } from './syntax';
import { STATEMENT_END, VARIABLE, variableName } from './tokenizer';

export { PowerShellParseError };
export type { Argument, Branch, Element, Expr, Located, Pipeline, Redirection, Statement } from './syntax';

const UNSUPPORTED_KEYWORDS = ['function', 'filter', 'workflow', 'configuration', 'try', 'trap', 'switch', 'while', 'do', 'for', 'param', 'begin',
  'process', 'end', 'class', 'enum', 'using', 'data'];

/** The statement parser: keywords, assignments and pipelines, over the expression parser. */
class Parser extends ExpressionParser {
  statements(closer = ''): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      this.skipBlanks(true);
      if (this.ch === ';') {
        this.pos++;
        continue;
      }
      if (this.ch === closer) return out;
      if (this.ch === '') throw this.error(`Missing closing '${closer}' in statement block or type definition.`);
      if (this.ch === '}' || this.ch === ')') throw this.error(`Unexpected token '${this.ch}' in expression or statement.`);
      out.push(this.statement());
      this.skipBlanks();
      if (this.ch === '=') throw new UnsupportedSyntax('assignment to a member, an index or several variables');
      if (!STATEMENT_END.includes(this.ch)) throw this.unexpected();
    }
  }

  protected nestedStatements(source: string): Statement[] {
    return new Parser(source).statements();
  }

  private statement(): Statement {
    const start = this.pos;
    const keyword = this.keyword();
    if (keyword === 'if') return this.ifStatement(start);
    if (keyword === 'foreach' && this.match(/foreach\s*\(/iy)) return this.foreachStatement(start);
    if (keyword === 'throw' || keyword === 'exit' || keyword === 'return') {
      this.pos += keyword.length;
      const end = this.pos;
      this.skipBlanks();
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

  /** `$name = ...` or `$name += ...`; undefined (the cursor back at `start`) when the statement is no assignment. */
  private assignment(start: number): Statement | undefined {
    const variable = this.match(VARIABLE);
    if (!variable) return undefined;
    this.pos += variable[0].length;
    this.skipBlanks();
    const op = this.match(/[-+*/%]?=(?!=)|\+\+|--(?![A-Za-z])/y)?.[0];
    if (!op) {
      this.pos = start;
      return undefined;
    }
    if (op !== '=' && op !== '+=') throw new UnsupportedSyntax(op);
    this.pos += op.length;
    this.skipBlanks(true);
    return { kind: 'assign', name: variableName(variable), append: op === '+=', value: this.pipeline(), ...this.located(start) };
  }

  private ifStatement(start: number): Statement {
    const branches: Branch[] = [];
    let keyword = 'if';
    while (keyword === 'if' || keyword === 'elseif') {
      const branchStart = this.pos;
      this.pos += keyword.length;
      this.skipBlanks();
      this.expect('(', `Missing '(' after '${keyword}' in if statement.`);
      this.skipBlanks(true);
      const cond = this.pipeline();
      this.skipBlanks(true);
      this.expect(')', `Missing closing ')' after expression in '${keyword}' statement.`);
      const header = this.located(branchStart).text;
      branches.push({ header, cond, body: this.block(`Missing statement block after ${keyword} ( condition ).`) });
      const save = this.pos;
      this.skipBlanks(true);
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
    this.skipBlanks();
    this.expect('(', "Missing opening '(' after keyword 'foreach'.");
    this.skipBlanks();
    const variable = this.match(VARIABLE);
    if (!variable) throw this.error('Missing variable name after foreach.');
    this.pos += variable[0].length;
    this.skipBlanks();
    if (this.keyword() !== 'in') throw this.error("Missing 'in' after variable in foreach loop.");
    this.pos += 2;
    this.skipBlanks(true);
    const source = this.pipeline();
    this.skipBlanks(true);
    this.expect(')', "Missing closing ')' after expression in 'foreach' statement.");
    const header = this.located(start);
    return { kind: 'foreach', variable: variableName(variable), source, body: this.block('Missing statement body in foreach loop.'), ...header };
  }

  /** A `{ ... }` statement block after a keyword, or the error `message` when there is none. */
  private block(message: string): Statement[] {
    this.skipBlanks(true);
    this.expect('{', message);
    return this.inner('}');
  }

  /** Elements joined by `|` (a `||` ends the pipeline). */
  private pipeline(): Pipeline {
    const start = this.pos;
    const elements = [this.element()];
    for (;;) {
      const end = this.pos;
      this.skipBlanks();
      if (this.ch !== '|' || this.at(1) === '|') {
        this.pos = end;
        break;
      }
      this.pos++;
      this.skipBlanks(true);
      elements.push(this.element());
    }
    return { kind: 'pipeline', elements, ...this.located(start) };
  }

  /** A command (`name args`, `& expr args`, `. expr args`) or an expression. */
  private element(): Element {
    if ((this.ch === '&' || this.ch === '.') && /[\s'"$({]/.test(this.at(1))) {
      this.pos++;
      this.skipBlanks();
      return this.command(this.argument());
    }
    const named = /[A-Za-z_\\./]/.test(this.ch) || this.match(/\d+[A-Za-z_]/y) || (/[%?]/.test(this.ch) && /\s/.test(this.at(1)));
    if (named) return this.command(this.bareword());
    if (STATEMENT_END.includes(this.ch) || this.ch === '|') throw this.error('An empty pipe element is not allowed.');
    return { kind: 'expression', expr: this.expression() };
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
