/**
 * The syntax tree `parsePowerShell` builds and the interpreter walks, and the two errors parsing can end
 * in: a script PowerShell itself would refuse, and valid PowerShell that the parser does not follow.
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

/** A script block literal (`{ ... }`), which is also a value the interpreter passes around. */
export type Block = Extract<Expr, { kind: 'block' }>;

/** A script PowerShell itself would not run; `line`/`column` are 1-based, as in PowerShell's message. */
export class PowerShellParseError extends Error {
  constructor(message: string, readonly line: number, readonly column: number, readonly lineText: string) {
    super(message);
  }
}

/** Valid PowerShell that this parser does not follow. */
export class UnsupportedSyntax extends Error {}
