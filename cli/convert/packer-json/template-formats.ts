/**
 * The string work of Packer's JSON template functions, as Packer's Go code does it: `isotime` layouts (Go's
 * reference time `Mon Jan 2 15:04:05 MST 2006`) and `strftime` formats on the bake-time timestamp, Amazon's
 * `clean_resource_name`, `strings.Replace` and `strings.Split`, and `printf`. Bake-time markers are left whole.
 */
import type { Fail, TemplateValue } from './template-lexer';
import { bakeTimeMarker, bakeTimeNames, outsideMarkers, renderBakeTime } from '../hcl/bake-time';

/** A value as an error message shows it, with bake-time values as `<timestamp>`. */
export function shown(value: TemplateValue): string {
  return typeof value === 'string' ? JSON.stringify(renderBakeTime(value, (name) => `<${name}>`)) : String(value);
}

type Chunk = 'date' | 'time' | 'zone';

/** Go's layout elements (time.Format's std chunks), longer ones first where they share a start. */
const LAYOUT_CHUNKS: [string, Chunk][] = [
  ['January', 'date'], ['Jan', 'date'], ['Monday', 'date'], ['Mon', 'date'], ['MST', 'zone'],
  ['002', 'date'], ['01', 'date'], ['02', 'date'], ['03', 'time'], ['04', 'time'], ['05', 'time'], ['06', 'date'],
  ['15', 'time'], ['1', 'date'], ['2006', 'date'], ['2', 'date'], ['__2', 'date'], ['_2', 'date'],
  ['3', 'time'], ['4', 'time'], ['5', 'time'], ['PM', 'time'], ['pm', 'time'],
  ['-07:00:00', 'zone'], ['-070000', 'zone'], ['-0700', 'zone'], ['-07:00', 'zone'], ['-07', 'zone'],
  ['Z07:00:00', 'zone'], ['Z070000', 'zone'], ['Z0700', 'zone'], ['Z07:00', 'zone'], ['Z07', 'zone'],
];
/** What a zone element prints for UTC, the only zone isotime uses. */
const UTC: Record<string, string> = { 'MST': 'UTC', '-07:00:00': '+00:00:00', '-070000': '+000000', '-0700': '+0000', '-07:00': '+00:00', '-07': '+00' };
const FRACTION = /[.,](?:0+|9+)(?![0-9])/y;

/** The layout element at `at`, if one starts there. Go reads `Jan`/`Mon` before a lower-case letter as text (`Month`). */
function layoutChunk(layout: string, at: number): [string, Chunk] | undefined {
  const found = LAYOUT_CHUNKS.find(([chunk]) => layout.startsWith(chunk, at) && !((chunk === 'Jan' || chunk === 'Mon') && /[a-z]/.test(layout[at + 3] ?? '')));
  if (found) return found;
  FRACTION.lastIndex = at;
  const fraction = FRACTION.exec(layout)?.[0];
  return fraction ? [fraction, 'time'] : undefined;
}

/**
 * `{{isotime "layout"}}` on the bake-time timestamp, mirroring HCL's formatdate: a layout with a time of day is the
 * recipe's `{{timestamp}}`, a date alone is `{{date}}`, and a layout with neither is the text it prints.
 */
export function isotimeLayout(layout: string): string {
  const kinds = new Set<Chunk>();
  let text = '';
  for (let at = 0; at < layout.length;) {
    const [chunk, kind] = layoutChunk(layout, at) ?? [layout[at], undefined];
    if (kind) kinds.add(kind);
    text += kind === 'zone' ? (UTC[chunk] ?? 'Z') : chunk;
    at += chunk.length;
  }
  if (kinds.has('time')) return bakeTimeMarker('timestamp');
  return kinds.has('date') ? bakeTimeMarker('date') : text;
}

/** `{{strftime "%Y-%m-%d"}}` (C's strftime directives), decided as isotime layouts are. */
export function strftimeFormat(format: string): string {
  const directives = [...format.matchAll(/%(.)/gs)].map((match) => match[1]).filter((directive) => directive !== '%');
  if (directives.some((directive) => 'HIklMSpPcrRTXsLfN'.includes(directive))) return bakeTimeMarker('timestamp');
  return directives.length > 0 ? bakeTimeMarker('date') : format.replace(/%%/g, '%');
}

/**
 * Amazon's `clean_resource_name`: each byte that may not be in an AMI name becomes `-` (letters of either case,
 * digits and `()[] ./-'@_` are kept; nothing is lower-cased, unlike Google's and Azure's versions).
 */
export function cleanResourceName(text: string): string {
  const allowed = (char: string) => /[A-Za-z0-9()[\] ./'@_-]/.test(char);
  return outsideMarkers(text, (part) => [...Buffer.from(part, 'utf8')].map((byte) => String.fromCharCode(byte)).map((char) => (allowed(char) ? char : '-')).join(''));
}

/** Go's `strings.Replace(text, old, replacement, count)`: the first `count` matches, or all when it is negative. */
export function replaceText(text: string, old: string, replacement: string, count: number): string {
  let left = count < 0 ? Infinity : count;
  const take = () => left-- > 0;
  return outsideMarkers(text, (part) => {
    if (old === '') return [...part].map((char) => (take() ? replacement + char : char)).join('') + (take() ? replacement : '');
    const pieces = part.split(old);
    return pieces.slice(1).reduce((done, piece) => done + (take() ? replacement : old) + piece, pieces[0]);
  });
}

/** Go's `strings.Split` (an empty separator splits into characters), leaving markers whole. */
export function splitText(text: string, separator: string): string[] {
  const cut = '\uE002';
  return outsideMarkers(text, (part) => (separator === '' ? [...part] : part.split(separator)).join(cut)).split(cut);
}

/** Go's `fmt.Sprint`: operands side by side, with a space between two that are not strings. */
export function print(args: TemplateValue[]): string {
  return args.map((arg, index) => (index > 0 && typeof arg !== 'string' && typeof args[index - 1] !== 'string' ? ' ' : '') + String(arg)).join('');
}

const VERB = /%([-+# 0]*)(\d*)(?:\.(\d*))?(.?)/gs;

/** Go's `fmt.Sprintf` for the verbs templates use (%s %v %d %q %t %x %X %f %%); a mismatch is an error, not `%!s(...)`. */
export function printf(format: string, args: TemplateValue[], fail: Fail): string {
  let next = 0;
  const text = format.replace(VERB, (_whole, flags: string, width: string, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (verb === '') fail('printf', 'the format ends with a lone %; write %% for a percent sign');
    if (next >= args.length) fail('printf', `the format has more verbs than the ${args.length} argument(s) given`);
    if (Number(width) > 1000 || Number(precision) > 1000) fail('printf', 'a width or precision above 1000 is not supported');
    const value = args[next++];
    return pad(formatVerb(verb, value, precision === undefined ? undefined : Number(precision), flags, fail), flags, Number(width), typeof value === 'number');
  });
  if (next < args.length) fail('printf', `${args.length - next} argument(s) more than the format's verbs; add verbs such as %s`);
  return text;
}

function formatVerb(verb: string, value: TemplateValue, precision: number | undefined, flags: string, fail: Fail): string {
  const wrong = (): never => fail(`printf %${verb}`, `cannot format ${shown(value)}; use %v for any value`);
  const sign = (number: number) => (flags.includes('+') && number >= 0 ? '+' : '');
  switch (verb) {
    case 'v': return typeof value === 'number' ? sign(value) + String(value) : String(value);
    case 's': return typeof value === 'string' ? [...value].slice(0, precision).join('') : wrong();
    case 'q': return typeof value === 'string' ? goQuote(value) : wrong();
    case 't': return typeof value === 'boolean' ? String(value) : wrong();
    case 'd': return typeof value === 'number' && Number.isInteger(value) ? sign(value) + String(value) : wrong();
    case 'f': case 'F': return typeof value === 'number' ? sign(value) + value.toFixed(precision ?? 6) : wrong();
    case 'x': case 'X': {
      const hex = typeof value === 'string' ? Buffer.from(value, 'utf8').toString('hex') : typeof value === 'number' && Number.isInteger(value) ? value.toString(16) : wrong();
      return verb === 'X' ? hex.toUpperCase() : hex;
    }
    default: return fail(`printf verb %${verb}`, 'the converter formats %s, %v, %d, %q, %t, %x, %X, %f and %%');
  }
}

function pad(text: string, flags: string, width: number, numeric: boolean): string {
  const missing = width - [...text].length;
  if (!(missing > 0)) return text;
  if (flags.includes('-')) return text + ' '.repeat(missing);
  if (!flags.includes('0')) return ' '.repeat(missing) + text;
  const sign = numeric && /^[+-]/.test(text) ? text[0] : '';
  return sign + '0'.repeat(missing) + text.slice(sign.length);
}

/** Go's `strconv.Quote`, close enough for names: JSON's escapes with Go's spelling of \a, \v and bytes. */
function goQuote(text: string): string {
  return JSON.stringify(text).replace(/\\u0007/g, '\\a').replace(/\\u000b/g, '\\v').replace(/\\u00([0-9a-f]{2})/g, '\\x$1').replace(/\x7f/g, '\\x7f');
}

/** Whether a string holds bake-time values (a layout cannot). */
export const hasMarkers = (text: string): boolean => bakeTimeNames(text).length > 0;
