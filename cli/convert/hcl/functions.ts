/**
 * The HCL functions Packer templates use, evaluated at conversion time. `timestamp()` is a bake-time value: it becomes
 * a marker the converter turns into the recipe's `{{timestamp}}` (or `{{date}}` through `formatdate`), so the AMI name
 * is stamped when the image is baked. `file` and `templatefile` read relative to the working directory, as Packer does.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bakeTimeMarker, bakeTimeNames, outsideMarkers } from './bake-time';
import { durationSeconds } from './durations';
import { asNumber, asString, describe, evaluate, isObject, Scope } from './evaluate';
import { ConvertError, Expression, Value } from './syntax';
import { parseTemplateText } from './template-file';

type Call = Extract<Expression, { kind: 'call' }>;
type Argument = (argument: Expression) => Value;
type Implementation = (args: Value[], call: Call) => Value;

/** Evaluates a function call; `try` and `can` evaluate their arguments themselves, so a failing one is caught. */
export function callFunction(call: Call, argument: Argument): Value {
  if (call.name === 'try') return firstThatEvaluates(call, argument);
  if (call.name === 'can') return canEvaluate(call, argument);
  const implementation = Object.hasOwn(FUNCTIONS, call.name) ? FUNCTIONS[call.name] : undefined;
  if (!implementation) throw new ConvertError(call, `unknown function ${call.name}(); the converter knows ${Object.keys(FUNCTIONS).concat('try', 'can').sort().join(', ')}`);
  const values = call.args.map(argument);
  const last = values[values.length - 1];
  const expanded = call.expandLast && Array.isArray(last) ? [...values.slice(0, -1), ...last] : values;
  return implementation(expanded, call);
}

function firstThatEvaluates(call: Call, argument: Argument): Value {
  for (const candidate of call.args) {
    try {
      return argument(candidate);
    } catch (error) {
      if (!(error instanceof ConvertError)) throw error;
    }
  }
  throw new ConvertError(call, 'no argument of try() could be evaluated');
}

function canEvaluate(call: Call, argument: Argument): boolean {
  if (call.args.length !== 1) throw new ConvertError(call, `can() takes one argument, got ${call.args.length}`);
  try {
    argument(call.args[0]);
    return true;
  } catch (error) {
    if (error instanceof ConvertError) return false;
    throw error;
  }
}

const text = (value: Value, call: Call) => asString(value, call);

/** A regular expression from a template; one JavaScript cannot read fails at the call. */
function regExp(pattern: string, flags: string, call: Call): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new ConvertError(call, `${call.name}(): ${(error as Error).message}`);
  }
}
const list = (value: Value, call: Call): Value[] => {
  if (Array.isArray(value)) return value;
  throw new ConvertError(call, `${call.name}() expected a list, got ${describe(value)}`);
};
const object = (value: Value, call: Call): { [key: string]: Value } => {
  if (isObject(value)) return value;
  throw new ConvertError(call, `${call.name}() expected an object, got ${describe(value)}`);
};
const arity = (call: Call, args: Value[], count: number) => {
  if (args.length < count) throw new ConvertError(call, `${call.name}() needs ${count} argument(s), got ${args.length}`);
};

/** `formatdate` on the bake-time timestamp: a layout with a time of day is `{{timestamp}}`, a date alone `{{date}}`. */
function formatDate(args: Value[], call: Call): Value {
  arity(call, args, 2);
  const [layout, time] = [text(args[0], call), text(args[1], call)];
  if (bakeTimeNames(time).length > 0) return bakeTimeMarker(/[hHms]/.test(layout) ? 'timestamp' : 'date');
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw new ConvertError(call, `formatdate() expected an RFC 3339 time, got "${time}"`);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const parts: Record<string, string> = {
    YYYY: pad(date.getUTCFullYear(), 4),
    YY: pad(date.getUTCFullYear() % 100),
    MM: pad(date.getUTCMonth() + 1),
    M: String(date.getUTCMonth() + 1),
    DD: pad(date.getUTCDate()),
    D: String(date.getUTCDate()),
    hh: pad(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
    ZZZ: 'UTC',
  };
  return layout.replace(/'[^']*'|YYYY|YY|MM|M|DD|D|hh|mm|ss|ZZZ/g, (token) => (token.startsWith("'") ? token.slice(1, -1) : parts[token]));
}

/**
 * `timeadd(timestamp(), "8760h")`: on the bake-time timestamp, a marker `timestamp-after-<seconds>` that the
 * converter carries as a relative field (`deprecate_at` as `ami.deprecateAfterDays`); on a written time, the time.
 */
function timeAdd(args: Value[], call: Call): Value {
  arity(call, args, 2);
  const [time, duration] = [text(args[0], call), text(args[1], call)];
  const seconds = durationSeconds(duration);
  if (seconds === undefined) throw new ConvertError(call, `timeadd() expected a duration such as "8760h" or "30m", got "${duration}"`);
  const names = bakeTimeNames(time);
  if (names.length > 0) return bakeTimeMarker(`${names[0]}-after-${Math.round(seconds)}`);
  const date = new Date(time);
  const later = new Date(date.getTime() + seconds * 1000);
  if (Number.isNaN(later.getTime())) throw new ConvertError(call, `timeadd(): "${time}" plus "${duration}" is not a time (expected an RFC 3339 time and a duration)`);
  return later.toISOString().replace('.000Z', 'Z');
}

/** `format("%s-%d", ...)`: the verbs templates use (%s, %d, %v, %q, %%). */
function format(args: Value[], call: Call): Value {
  let next = 1;
  return text(args[0], call).replace(/%([%sdvq])/g, (_whole, verb: string) => {
    if (verb === '%') return '%';
    const value = args[next++];
    if (value === undefined) throw new ConvertError(call, 'format() has more verbs than arguments');
    if (verb === 'd') return String(Math.trunc(asNumber(value, call)));
    if (verb === 'q') return JSON.stringify(text(value, call));
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : text(value, call);
  });
}

function readFile(path: string, call: Call): string {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch {
    throw new ConvertError(call, `${call.name}(): cannot read ${path} (${resolve(path)}); paths are relative to the directory bakery convert runs in, as in Packer`);
  }
}

function templateFile(args: Value[], call: Call): Value {
  arity(call, args, 2);
  const path = text(args[0], call);
  const variables = object(args[1], call);
  const parts = parseTemplateText(path, readFile(path, call));
  const scope: Scope = {
    lookup: (name, at) => {
      if (name in variables) return variables[name];
      throw new ConvertError(at, `templatefile(${path}): no variable "${name}" was passed`);
    },
  };
  return parts.map((part) => (typeof part === 'string' ? part : asString(evaluate(part, scope), part))).join('');
}

const sameValue = (a: Value, b: Value) => JSON.stringify(a) === JSON.stringify(b);

const FUNCTIONS: Record<string, Implementation> = {
  timestamp: () => bakeTimeMarker('timestamp'),
  formatdate: formatDate,
  timeadd: timeAdd,
  lower: (args, call) => outsideMarkers(text(args[0], call), (part) => part.toLowerCase()),
  upper: (args, call) => outsideMarkers(text(args[0], call), (part) => part.toUpperCase()),
  title: (args, call) => outsideMarkers(text(args[0], call), (part) => part.replace(/\b\w/g, (letter) => letter.toUpperCase())),
  replace: (args, call) => {
    arity(call, args, 3);
    const [subject, search, replacement] = args.map((arg) => text(arg, call));
    const pattern = /^\/.*\/$/.test(search) ? regExp(search.slice(1, -1), 'g', call) : undefined;
    return outsideMarkers(subject, (part) => (pattern ? part.replace(pattern, replacement) : part.split(search).join(replacement)));
  },
  regex_replace: (args, call) => {
    arity(call, args, 3);
    const [subject, pattern, replacement] = args.map((arg) => text(arg, call));
    const expression = regExp(pattern, 'g', call);
    return outsideMarkers(subject, (part) => part.replace(expression, replacement.replace(/\$\{?(\d+)\}?/g, '$$$1')));
  },
  trimspace: (args, call) => text(args[0], call).trim(),
  trim: (args, call) => {
    const cut = [...text(args[1], call)];
    let value = text(args[0], call);
    while (value && cut.includes(value[0])) value = value.slice(1);
    while (value && cut.includes(value[value.length - 1])) value = value.slice(0, -1);
    return value;
  },
  trimprefix: (args, call) => {
    const [value, prefix] = [text(args[0], call), text(args[1], call)];
    return value.startsWith(prefix) ? value.slice(prefix.length) : value;
  },
  trimsuffix: (args, call) => {
    const [value, suffix] = [text(args[0], call), text(args[1], call)];
    return suffix !== '' && value.endsWith(suffix) ? value.slice(0, -suffix.length) : value;
  },
  chomp: (args, call) => text(args[0], call).replace(/(\r?\n)+$/, ''),
  substr: (args, call) => {
    const [value, offset, length] = [text(args[0], call), asNumber(args[1], call), asNumber(args[2], call)];
    return [...value].slice(offset, length < 0 ? undefined : offset + length).join('');
  },
  join: (args, call) => list(args[1], call).map((item) => text(item, call)).join(text(args[0], call)),
  split: (args, call) => text(args[1], call).split(text(args[0], call)),
  concat: (args, call) => args.flatMap((arg) => list(arg, call)),
  flatten: (args, call) => list(args[0], call).flat(Infinity as 1) as Value[],
  distinct: (args, call) => list(args[0], call).filter((item, index, all) => all.findIndex((other) => sameValue(other, item)) === index),
  compact: (args, call) => list(args[0], call).filter((item) => item !== null && item !== ''),
  merge: (args, call) => Object.fromEntries(args.filter((arg) => arg !== null).flatMap((arg) => Object.entries(object(arg, call)))),
  lookup: (args, call) => {
    const map = object(args[0], call);
    const key = text(args[1], call);
    if (Object.hasOwn(map, key)) return map[key];
    if (args.length > 2) return args[2];
    throw new ConvertError(call, `lookup(): no key "${key}" and no default`);
  },
  coalesce: (args, call) => {
    const found = args.find((arg) => arg !== null && arg !== '');
    if (found === undefined) throw new ConvertError(call, 'coalesce(): every argument is null or empty');
    return found;
  },
  coalescelist: (args, call) => args.find((arg) => list(arg, call).length > 0) ?? [],
  length: (args, call) => (typeof args[0] === 'string' ? [...args[0]].length : Array.isArray(args[0]) ? args[0].length : Object.keys(object(args[0], call)).length),
  element: (args, call) => {
    const items = list(args[0], call);
    if (items.length === 0) throw new ConvertError(call, 'element() of an empty list');
    const index = Math.trunc(asNumber(args[1], call));
    return items[((index % items.length) + items.length) % items.length];
  },
  contains: (args, call) => list(args[0], call).some((item) => sameValue(item, args[1])),
  keys: (args, call) => Object.keys(object(args[0], call)).sort(),
  values: (args, call) => Object.keys(object(args[0], call)).sort().map((key) => object(args[0], call)[key]),
  zipmap: (args, call) => Object.fromEntries(list(args[0], call).map((key, index) => [text(key, call), list(args[1], call)[index]])),
  slice: (args, call) => list(args[0], call).slice(asNumber(args[1], call), asNumber(args[2], call)),
  index: (args, call) => list(args[0], call).findIndex((item) => sameValue(item, args[1])),
  startswith: (args, call) => text(args[0], call).startsWith(text(args[1], call)),
  endswith: (args, call) => text(args[0], call).endsWith(text(args[1], call)),
  regex: (args, call) => {
    const match = regExp(text(args[0], call), '', call).exec(text(args[1], call));
    if (!match) throw new ConvertError(call, 'regex(): the pattern does not match');
    return match.length > 1 ? match.slice(1).map((group) => group ?? null) : match[0];
  },
  format,
  min: (args, call) => Math.min(...args.map((arg) => asNumber(arg, call))),
  max: (args, call) => Math.max(...args.map((arg) => asNumber(arg, call))),
  tostring: (args, call) => (args[0] === null ? null : text(args[0], call)),
  tonumber: (args, call) => (args[0] === null ? null : asNumber(args[0], call)),
  tobool: (args) => (args[0] === null ? null : args[0] === true || args[0] === 'true'),
  tolist: (args, call) => list(args[0], call),
  toset: (args, call) => FUNCTIONS.distinct([list(args[0], call)], call),
  tomap: (args, call) => object(args[0], call),
  jsonencode: (args) => JSON.stringify(args[0]),
  jsondecode: (args, call) => {
    try {
      return JSON.parse(text(args[0], call)) as Value;
    } catch (error) {
      if (error instanceof ConvertError) throw error;
      throw new ConvertError(call, `jsondecode(): not valid JSON (${(error as Error).message})`);
    }
  },
  base64encode: (args, call) => Buffer.from(text(args[0], call), 'utf8').toString('base64'),
  base64decode: (args, call) => Buffer.from(text(args[0], call), 'base64').toString('utf8'),
  abspath: (args, call) => resolve(text(args[0], call)),
  file: (args, call) => readFile(text(args[0], call), call),
  templatefile: templateFile,
};
