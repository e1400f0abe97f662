/**
 * The values a PowerShell script handles (strings, numbers, booleans, $null, arrays, script blocks and the
 * objects cmdlets return), PowerShell's conversions between them, `.Member`, `.Method()` and `[index]`, and
 * how the console shows output.
 */
import { runtimeError } from './signals';
import type { Block } from './syntax';

/** A .NET object a cmdlet returns: its properties, and how PowerShell shows it (a table row under a header). */
export interface PsObject {
  readonly typeName: string;
  readonly properties: Readonly<Record<string, Value>>;
  readonly header?: readonly string[];
  readonly row?: string;
  readonly text?: string;
}
export type Value = string | number | boolean | null | PsObject | Block | Value[];

export const isObject = (value: Value): value is PsObject => typeof value === 'object' && value !== null && 'typeName' in value;
export const isBlock = (value: Value): value is Block => typeof value === 'object' && value !== null && 'body' in value;

/** What a value sends down the pipeline: an array's elements, nothing for $null, else the value itself. */
export function enumerate(value: Value): Value[] {
  return value === null ? [] : Array.isArray(value) ? value : [value];
}

/** A pipeline's output as one value: $null, the only value, or an array. */
export function single(values: Value[]): Value {
  return values.length === 0 ? null : values.length === 1 ? values[0] : values;
}

/** A value as a string (`[string]$x`, or inside `"..."`): arrays joined by spaces, booleans as True/False. */
export function toText(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return value.map(toText).join(' ');
  if (isBlock(value)) return value.text;
  if (isObject(value)) return value.text ?? `@{${Object.entries(value.properties).map(([name, item]) => `${name}=${toText(item)}`).join('; ')}}`;
  return String(value);
}

/** A value as a condition: empty strings, 0, $null and empty arrays are false. */
export function toBool(value: Value): boolean {
  if (Array.isArray(value)) return value.length > 1 || (value.length === 1 && toBool(value[0]));
  if (typeof value === 'string') return value !== '';
  return typeof value === 'number' ? value !== 0 : value !== null && value !== false;
}

/** A value as a number, NaN when it is not one. */
export function toNumber(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean' || value === null) return Number(value);
  const text = toText(value).trim();
  return text === '' ? 0 : /^[-+]?(0x[0-9a-f]+|\d*\.?\d+)$/i.test(text) ? Number(text) : NaN;
}

/** A value as a number, or the error PowerShell gives for one that is not. */
export function number(value: Value): number {
  const result = toNumber(value);
  if (!Number.isNaN(result)) return result;
  throw runtimeError(`Cannot convert value "${toText(value)}" to type "System.Int32". Error: "Input string was not in a correct format."`,
    'InvalidCastFromStringToInteger', 'InvalidArgument: (:) [], RuntimeException');
}

/** The .NET type name PowerShell gives a value in messages. */
function typeNameOf(value: Value): string {
  if (Array.isArray(value)) return 'System.Object[]';
  if (isObject(value)) return value.typeName;
  const types: Record<string, string> = { string: 'System.String', number: 'System.Int32', boolean: 'System.Boolean' };
  return types[typeof value] ?? 'System.Management.Automation.ScriptBlock';
}

/** `.Name`: a property, `.Count`/`.Length`, or (on an array) each element's property. */
export function member(target: Value, name: string): Value {
  const key = name.toLowerCase();
  if (Array.isArray(target) && (key === 'count' || key === 'length')) return target.length;
  if (Array.isArray(target)) return single(target.map((item) => member(item, name)).filter((item) => item !== null));
  if (key === 'count') return target === null ? 0 : 1;
  if (typeof target === 'string' && key === 'length') return target.length;
  const property = isObject(target) ? Object.keys(target.properties).find((candidate) => candidate.toLowerCase() === key) : undefined;
  return isObject(target) && property !== undefined ? target.properties[property] : null;
}

/** `text` without the `chars` at its start and/or end (.NET's Trim, TrimStart, TrimEnd). */
const trimmed = (text: string, chars = ' \t\r\n', start = true, end = true): string => {
  let [from, to] = [0, text.length];
  while (start && from < to && chars.includes(text[from])) from++;
  while (end && to > from && chars.includes(text[to - 1])) to--;
  return text.slice(from, to);
};

const STRING_METHODS: Record<string, (text: string, args: string[]) => Value> = {
  trim: (text, [chars]) => trimmed(text, chars),
  trimstart: (text, [chars]) => trimmed(text, chars, true, false),
  trimend: (text, [chars]) => trimmed(text, chars, false, true),
  tolower: (text) => text.toLowerCase(),
  toupper: (text) => text.toUpperCase(),
  tolowerinvariant: (text) => text.toLowerCase(),
  toupperinvariant: (text) => text.toUpperCase(),
  contains: (text, [part = '']) => text.includes(part),
  startswith: (text, [part = '']) => text.startsWith(part),
  endswith: (text, [part = '']) => text.endsWith(part),
  replace: (text, [from = '', to = '']) => text.split(from).join(to),
  indexof: (text, [part = '']) => text.indexOf(part),
  split: (text, [separators = ' ']) => text.split(new RegExp(`[${separators.replace(/[\]\\^-]/g, '\\$&')}]`)),
  substring: (text, [start = '0', length]) => text.slice(Number(start), length === undefined ? undefined : Number(start) + Number(length)),
};

/** `.Method(...)`: `ToString()` on anything, and the common string methods. */
export function method(target: Value, name: string, args: Value[]): Value {
  const call = STRING_METHODS[name.toLowerCase()];
  if (name.toLowerCase() === 'tostring') return toText(target);
  if (typeof target === 'string' && call) return call(target, args.map(toText));
  if (target === null) throw runtimeError('You cannot call a method on a null-valued expression.', 'InvokeMethodOnNull');
  throw runtimeError(`Method invocation failed because [${typeNameOf(target)}] does not contain a method named '${name}'.`, 'MethodNotFound');
}

/** `$a[i]` (negative from the end, an array of indexes picks several), `$s[i]` a character, `$o['Name']` a property. */
export function index(target: Value, at: Value): Value {
  if (target === null) throw runtimeError('Cannot index into a null array.', 'NullArray');
  if (isObject(target) && typeof at === 'string') return member(target, at);
  const items = typeof target === 'string' ? [...target] : enumerate(target);
  const pick = (position: Value) => items[number(position) < 0 ? items.length + number(position) : number(position)] ?? null;
  return Array.isArray(at) ? at.map(pick) : pick(at);
}

/** Nested arrays' elements, without the $nulls. */
function flatten(value: Value): Value[] {
  return Array.isArray(value) ? value.flatMap(flatten) : value === null ? [] : [value];
}

/** Output as the console shows it: objects as table rows under their header, anything else as text. */
export function formatValues(values: Value[]): string[] {
  const lines: string[] = [];
  let header = '';
  for (const value of values.flatMap(flatten)) {
    const table = isObject(value) && value.header && value.row !== undefined ? value : undefined;
    if (table?.header && table.header.join('\n') !== header) lines.push(...table.header);
    else if (!table && header) lines.push('');
    header = table?.header?.join('\n') ?? '';
    lines.push(...(table ? [table.row ?? ''] : toText(value).split(/\r?\n/)));
  }
  return header ? [...lines, ''] : lines;
}
