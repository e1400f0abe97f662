/**
 * PowerShell's binary operators on values: comparisons (which filter an array on their left), `-like`,
 * `-contains`/`-in`, `-split`, `-join`, `-replace`, `-xor` and arithmetic, including `+` on strings and arrays
 * and `..` ranges. `-and`, `-or` (which short-circuit) and `-match` (which sets `$Matches`) are the interpreter's.
 */
import { runtimeError } from './signals';
import { enumerate, number, toBool, toNumber, toText, Value } from './values';
import { wildcardPattern } from './windows-paths';

const ORDER: Record<string, (order: number) => boolean> = { gt: (o) => o > 0, ge: (o) => o >= 0, lt: (o) => o < 0, le: (o) => o <= 0 };

/** A .NET regular expression as a JavaScript one (they agree on the common syntax). */
export function regex(pattern: string, caseSensitive: boolean, global = true): RegExp {
  try {
    return new RegExp(pattern, `${global ? 'g' : ''}${caseSensitive ? '' : 'i'}`);
  } catch {
    throw runtimeError(`The regular expression pattern ${pattern} is not valid.`, 'InvalidRegularExpression');
  }
}

/** `-eq`: the right operand is converted to the left one's type; strings compare without regard to case. */
function equals(left: Value, right: Value, caseSensitive: boolean): boolean {
  if (left === null || right === null) return left === right;
  if (typeof left === 'boolean') return left === toBool(right);
  if (typeof left === 'number') return left === toNumber(right);
  if (typeof left !== 'string') return left === right;
  return caseSensitive ? left === toText(right) : left.toLowerCase() === toText(right).toLowerCase();
}

/** `-gt`, `-lt` and the like: numbers as numbers, anything else as text. */
function compare(left: Value, right: Value, caseSensitive: boolean): number {
  if (typeof left === 'number') return left - number(right);
  const [a, b] = [toText(left), toText(right)].map((text) => (caseSensitive ? text : text.toLowerCase()));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `-split`: by a regular expression, into at most `max` parts when given (`$line -split ' [ *]', 2`). */
function split(left: Value, right: Value, caseSensitive: boolean): Value {
  const [pattern, max] = Array.isArray(right) ? right : [right, 0];
  const limit = toNumber(max ?? 0);
  return enumerate(left).flatMap((item) => {
    const text = toText(item);
    const parts: string[] = [];
    let start = 0;
    for (const found of text.matchAll(regex(toText(pattern ?? ' '), caseSensitive))) {
      if (found[0] === '' || (limit > 0 && parts.length >= limit - 1)) continue;
      parts.push(text.slice(start, found.index), ...found.slice(1).filter((group) => group !== undefined));
      start = found.index + found[0].length;
    }
    return [...parts, text.slice(start)];
  });
}

/** `-replace`: by a regular expression (`$0` is the whole match), on each element of an array. */
function replace(left: Value, right: Value, caseSensitive: boolean): Value {
  const [pattern, replacement] = Array.isArray(right) ? right : [right, ''];
  const [search, by] = [regex(toText(pattern ?? ''), caseSensitive), toText(replacement ?? '').replace(/\$0/g, '$$&')];
  const replaceIn = (item: Value) => toText(item).replace(search, by);
  return Array.isArray(left) ? left.map(replaceIn) : replaceIn(left);
}

/** `+`: appends to an array, concatenates to a string, else adds numbers. */
export function add(left: Value, right: Value): Value {
  if (Array.isArray(left)) return [...left, ...(Array.isArray(right) ? right : [right])];
  if (left === null) return right;
  return typeof left === 'string' ? left + toText(right) : arithmetic('+', left, right);
}

/** `- * / % ..` on numbers (`'ab' * 3` repeats a string). */
function arithmetic(op: string, left: Value, right: Value): Value {
  if (op === '*' && typeof left === 'string') return left.repeat(number(right));
  const [a, b] = [number(left), number(right)];
  if (op === '..') return Array.from({ length: Math.min(Math.abs(b - a) + 1, 100_000) }, (_, i) => (a <= b ? a + i : a - i));
  return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
}

/** A binary operator other than `-and`, `-or` and `-match`; comparisons on an array filter it, as in PowerShell. */
export function operate(op: string, caseSensitive: boolean, left: Value, right: Value): Value {
  const each = (test: (item: Value) => boolean): Value => (Array.isArray(left) ? left.filter(test) : test(left));
  const like = (item: Value) => wildcardPattern(toText(right), caseSensitive).test(toText(item));
  const contains = (list: Value, item: Value) => enumerate(list).some((candidate) => equals(candidate, item, caseSensitive));
  if (ORDER[op]) return each((item) => ORDER[op](compare(item, right, caseSensitive)));
  switch (op) {
    case 'eq': return each((item) => equals(item, right, caseSensitive));
    case 'ne': return each((item) => !equals(item, right, caseSensitive));
    case 'like': case 'notlike': return each((item) => like(item) === (op === 'like'));
    case 'contains': case 'notcontains': return contains(left, right) === (op === 'contains');
    case 'in': case 'notin': return contains(right, left) === (op === 'in');
    case 'split': return split(left, right, caseSensitive);
    case 'join': return enumerate(left).map(toText).join(toText(right));
    case 'xor': return toBool(left) !== toBool(right);
    case 'replace': return replace(left, right, caseSensitive);
    default: return op === '+' ? add(left, right) : arithmetic(op, left, right);
  }
}
