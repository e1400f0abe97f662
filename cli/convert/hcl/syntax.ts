/**
 * The syntax of an HCL2 file as the converter reads it: blocks and attributes in the order they are written, each
 * with its file and line, and expressions as a small tree the evaluator walks. Built from the concrete syntax tree
 * of tree-sitter's HCL grammar (`parse-hcl.ts`).
 */

/** Where something is written: the file and the line (counted from 1). */
export interface Place {
  readonly file: string;
  readonly line: number;
}

export interface Body {
  readonly attributes: Attribute[];
  readonly blocks: Block[];
}

export interface Attribute extends Place {
  readonly name: string;
  readonly expression: Expression;
}

export interface Block extends Place {
  readonly type: string;
  readonly labels: string[];
  readonly body: Body;
}

/** A value of the HCL type system: strings, numbers, booleans, null, lists (tuples) and maps (objects). */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export type Expression = Place & (
  | { readonly kind: 'literal'; readonly value: Value }
  /** `"web-${var.x}"`: literal text and interpolations, in order. */
  | { readonly kind: 'template'; readonly parts: (string | Expression)[] }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'attribute'; readonly target: Expression; readonly name: string }
  | { readonly kind: 'index'; readonly target: Expression; readonly key: Expression }
  /** `list[*].name` */
  | { readonly kind: 'splat'; readonly target: Expression; readonly names: string[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: Expression[]; readonly expandLast: boolean }
  | { readonly kind: 'tuple'; readonly items: Expression[] }
  | { readonly kind: 'object'; readonly entries: { readonly key: Expression; readonly value: Expression }[] }
  | { readonly kind: 'conditional'; readonly test: Expression; readonly then: Expression; readonly otherwise: Expression }
  | { readonly kind: 'binary'; readonly operator: string; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'unary'; readonly operator: string; readonly operand: Expression }
  | { readonly kind: 'for'; readonly clause: ForClause }
);

/** `[for k, v in coll : value if cond]` and `{for k, v in coll : key => value...}`. */
export interface ForClause {
  readonly keyVariable?: string;
  readonly valueVariable: string;
  readonly collection: Expression;
  readonly key?: Expression;
  readonly value: Expression;
  readonly condition?: Expression;
  /** `{ ... }` makes an object; `...` after the value groups values with the same key. */
  readonly object: boolean;
  readonly grouped: boolean;
}

/** A problem in a template, with where it is: the converter's only error, shown as `file:line: message`. */
export class ConvertError extends Error {
  override readonly name = 'ConvertError';

  constructor(readonly place: Place | undefined, readonly reason: string) {
    super(place ? `${place.file}:${place.line}: ${reason}` : reason);
  }
}
