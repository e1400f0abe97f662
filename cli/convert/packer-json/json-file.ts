/**
 * A legacy JSON template read with the line of every value: the report and every error name where a builder,
 * provisioner or attribute is written. Comments and trailing commas, which Packer refuses, are refused here too.
 */
import { getNodeValue, Node, parseTree, ParseError, printParseErrorCode } from 'jsonc-parser';
import { ConvertError, Place, Value } from '../hcl/syntax';

/** A member of a JSON object: its key, where it is, and its value. */
export interface JsonMember {
  readonly key: string;
  readonly place: Place;
  readonly node: Node;
}

export class JsonFile {
  private readonly lineStarts: number[];

  constructor(readonly file: string, readonly text: string, readonly root: Node) {
    this.lineStarts = [0, ...[...text.matchAll(/\n/g)].map((match) => match.index! + 1)];
  }

  place(node: Node): Place {
    return { file: this.file, line: lineOf(this.lineStarts, node.offset) };
  }

  /** The members of an object node, in written order; anything else fails at its line. */
  members(node: Node | undefined, what: string): JsonMember[] {
    if (!node) return [];
    if (node.type !== 'object') throw new ConvertError(this.place(node), `${what} must be a JSON object`);
    return (node.children ?? []).map((property) => ({
      key: String(property.children![0].value),
      place: this.place(property),
      node: property.children![1],
    }));
  }

  /** The items of an array node. */
  items(node: Node | undefined, what: string): Node[] {
    if (!node) return [];
    if (node.type !== 'array') throw new ConvertError(this.place(node), `${what} must be a JSON array`);
    return node.children ?? [];
  }

  value(node: Node): Value {
    return getNodeValue(node) as Value;
  }
}

export function parseJsonFile(file: string, text: string): JsonFile {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((match) => match.index! + 1)];
  if (errors.length > 0 || !root) {
    const error = errors[0];
    const line = error ? lineOf(lineStarts, error.offset) : 1;
    throw new ConvertError({ file, line }, `not valid JSON: ${error ? describeParseError(printParseErrorCode(error.error)) : 'the file is empty'}`);
  }
  return new JsonFile(file, text, root);
}

/** `CommaExpected` as `comma expected`. */
function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function lineOf(lineStarts: readonly number[], offset: number): number {
  let line = 0;
  while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line++;
  return line + 1;
}
