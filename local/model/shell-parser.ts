/**
 * A small parser for the POSIX shell subset provisioning scripts use: words with quotes and
 * escapes, comments, `;` / newlines, `&&`, `||`, pipes, `if … then … elif … else … fi`, and
 * here-documents. Anything else (loops, `case`) makes `parseScript` fall back to one opaque
 * command per line, which the simulated shell still runs.
 */

export interface Word {
  /** The word with quotes removed. */
  readonly value: string;
  /** The word as written. */
  readonly raw: string;
  readonly quoted: boolean;
}

export type Node =
  | { readonly kind: 'simple'; readonly words: Word[]; readonly text: string }
  | { readonly kind: 'if'; readonly branches: { cond: Node[]; body: Node[] }[]; readonly otherwise?: Node[] }
  | { readonly kind: 'and' | 'or'; readonly left: Node; readonly right: Node }
  | { readonly kind: 'pipe'; readonly parts: Node[] };

type Token = { readonly type: 'word'; readonly word: Word } | { readonly type: 'op'; readonly op: string };

class ShellSyntaxError extends Error {}

const OPS = ['&&', '||', ';', '\n', '|', '&'];

/** Splits a script into words and operators. */
export function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  const heredocs: { delimiter: string; stripTabs: boolean }[] = [];
  let value = '';
  let raw = '';
  let quoted = false;
  let inWord = false;
  const flush = () => {
    if (inWord) tokens.push({ type: 'word', word: { value, raw, quoted } });
    value = ''; raw = ''; quoted = false; inWord = false;
  };
  let i = 0;
  while (i < script.length) {
    const ch = script[i];
    const next = script[i + 1];
    if (ch === '\\' && next === '\n') { i += 2; continue; }
    if (ch === '#' && !inWord) { while (i < script.length && script[i] !== '\n') i++; continue; }
    if (ch === ' ' || ch === '\t' || ch === '\r') { flush(); i++; continue; }
    if (ch === '\n') {
      flush();
      tokens.push({ type: 'op', op: '\n' });
      i = skipHeredocs(script, i + 1, heredocs);
      continue;
    }
    if (ch === '&' && (raw.endsWith('>') || next === '>')) { value += ch; raw += ch; inWord = true; i++; continue; }
    const op = OPS.find((o) => script.startsWith(o, i));
    if (op) { flush(); tokens.push({ type: 'op', op }); i += op.length; continue; }
    if (ch === '<' && next === '<' && script[i + 2] !== '<') {
      const match = /^<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(script.slice(i));
      if (match) {
        heredocs.push({ delimiter: match[3], stripTabs: match[1] === '-' });
        flush();
        i += match[0].length;
        continue;
      }
    }
    inWord = true;
    if (ch === '\'' || ch === '"') {
      const end = findClosingQuote(script, i);
      const inner = script.slice(i + 1, end);
      value += ch === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
      raw += script.slice(i, end + 1);
      quoted = true;
      i = end + 1;
      continue;
    }
    if (ch === '$' && next === '(') {
      const end = findClosingParen(script, i + 1);
      value += script.slice(i, end + 1); raw += script.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (ch === '\\' && next !== undefined) { value += next; raw += ch + next; i += 2; continue; }
    value += ch; raw += ch; i++;
  }
  flush();
  return tokens;
}

function findClosingQuote(script: string, start: number): number {
  const quote = script[start];
  for (let i = start + 1; i < script.length; i++) {
    if (quote === '"' && script[i] === '\\') { i++; continue; }
    if (script[i] === quote) return i;
  }
  throw new ShellSyntaxError(`unterminated ${quote} quote`);
}

function findClosingParen(script: string, open: number): number {
  let depth = 0;
  for (let i = open; i < script.length; i++) {
    if (script[i] === '(') depth++;
    if (script[i] === ')' && --depth === 0) return i;
  }
  throw new ShellSyntaxError('unterminated $(');
}

/** Skips the bodies of pending here-documents that start at `from`; returns where parsing resumes. */
function skipHeredocs(script: string, from: number, pending: { delimiter: string; stripTabs: boolean }[]): number {
  let i = from;
  while (pending.length) {
    const { delimiter, stripTabs } = pending.shift()!;
    for (;;) {
      if (i >= script.length) throw new ShellSyntaxError(`here-document delimited by ${delimiter} never ends`);
      const end = script.indexOf('\n', i) === -1 ? script.length : script.indexOf('\n', i);
      const line = script.slice(i, end);
      i = end + 1;
      if ((stripTabs ? line.replace(/^\t+/, '') : line) === delimiter) break;
    }
  }
  return i;
}

const UNSUPPORTED = ['for', 'while', 'until', 'case', 'select', 'function', '{', '}', '(', ')'];

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Node[] {
    const nodes = this.parseList([]);
    if (this.pos < this.tokens.length) throw new ShellSyntaxError('unexpected token');
    return nodes;
  }

  private peekWord(): string | undefined {
    const token = this.tokens[this.pos];
    return token?.type === 'word' && !token.word.quoted ? token.word.value : undefined;
  }

  private peekOp(): string | undefined {
    const token = this.tokens[this.pos];
    return token?.type === 'op' ? token.op : undefined;
  }

  private skipSeparators(): void {
    while (this.peekOp() === ';' || this.peekOp() === '\n' || this.peekOp() === '&') this.pos++;
  }

  private expect(keyword: string): void {
    if (this.peekWord() !== keyword) throw new ShellSyntaxError(`expected ${keyword}`);
    this.pos++;
  }

  parseList(stops: string[]): Node[] {
    const nodes: Node[] = [];
    this.skipSeparators();
    while (this.pos < this.tokens.length && !stops.includes(this.peekWord() ?? '')) {
      nodes.push(this.parseAndOr());
      this.skipSeparators();
    }
    return nodes;
  }

  private parseAndOr(): Node {
    let left = this.parsePipeline();
    while (this.peekOp() === '&&' || this.peekOp() === '||') {
      const kind = this.peekOp() === '&&' ? 'and' : 'or';
      this.pos++;
      while (this.peekOp() === '\n') this.pos++;
      left = { kind, left, right: this.parsePipeline() };
    }
    return left;
  }

  private parsePipeline(): Node {
    const parts = [this.parseCommand()];
    while (this.peekOp() === '|') {
      this.pos++;
      while (this.peekOp() === '\n') this.pos++;
      parts.push(this.parseCommand());
    }
    return parts.length === 1 ? parts[0] : { kind: 'pipe', parts };
  }

  private parseCommand(): Node {
    const first = this.peekWord();
    if (first === 'if') return this.parseIf();
    if (first !== undefined && UNSUPPORTED.includes(first)) throw new ShellSyntaxError(`unsupported: ${first}`);
    const words: Word[] = [];
    while (this.tokens[this.pos]?.type === 'word') {
      words.push((this.tokens[this.pos] as { word: Word }).word);
      this.pos++;
    }
    if (!words.length) throw new ShellSyntaxError('expected a command');
    return { kind: 'simple', words, text: words.map((w) => w.raw).join(' ') };
  }

  private parseIf(): Node {
    this.expect('if');
    const branches: { cond: Node[]; body: Node[] }[] = [];
    let otherwise: Node[] | undefined;
    const cond = this.parseList(['then']);
    this.expect('then');
    branches.push({ cond, body: this.parseList(['elif', 'else', 'fi']) });
    while (this.peekWord() === 'elif') {
      this.pos++;
      const elifCond = this.parseList(['then']);
      this.expect('then');
      branches.push({ cond: elifCond, body: this.parseList(['elif', 'else', 'fi']) });
    }
    if (this.peekWord() === 'else') {
      this.pos++;
      otherwise = this.parseList(['fi']);
    }
    this.expect('fi');
    return { kind: 'if', branches, otherwise };
  }
}

/** Each non-empty line as one command: the fallback for scripts the parser does not follow. */
function opaqueLines(script: string): Node[] {
  return script.split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => ({
      kind: 'simple' as const,
      words: line.split(/\s+/).map((value) => ({ value, raw: value, quoted: false })),
      text: line,
    }));
}

/** The script as a list of commands to run in order. */
export function parseScript(script: string): Node[] {
  try {
    return new Parser(tokenize(script)).parseAll();
  } catch (error) {
    if (error instanceof ShellSyntaxError) return opaqueLines(script);
    throw error;
  }
}
