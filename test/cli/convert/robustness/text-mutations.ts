/**
 * Mutations of a template's or var file's text, HCL or JSON: lines deleted, duplicated or swapped, the file cut short, stray
 * tokens, string literals replaced by other types or by trap strings, attributes given wrong values or odd names.
 */
import { below, pick, Random } from './random';

interface Mutated {
  readonly text: string;
  readonly description: string;
}

const TOKENS = [
  '{', '}', '"', '${', '[', ']', '=', ',', 'dynamic "x" {', 'for x in', 'var.nope', 'local.nope', 'data.amazon-ami.nope.id',
  'source.amazon-ebs.nope', 'null', 'true', '1e999', '"\\u0000"', '"\u0000"', '{{user `nope`}}', '{{ .Nope }}', '{{timestamp | nope}}',
];
const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"/g;
/** What a string literal becomes: another type, or a string that is a trap (a name of Object.prototype, a folder, an odd escape). */
const HCL_REPLACEMENTS = ['42', '1e999', '-0.5', '[1, "two", null]', '{ a = 1, b = [] }', 'null', '[[["x"]]]', '{}'];
const JSON_REPLACEMENTS = ['42', '1e999', '-0.5', '[1, "two", null]', '{"a": 1, "b": []}', 'null', '[[["x"]]]', '{}'];
const STRING_REPLACEMENTS = [
  '""', '"toString"', '"constructor"', '"__proto__"', '"hasOwnProperty"', '"source.amazon-ebs.nope"', '"amazon-ebs"', '"${var.nope}"',
  '"{{ .Nope }}"', '"{{user `nope`}}"', '"{{timestamp | nope}}"', '"{{ constructor }}"', '"%{ if true }x%{ endif }"', '"scripts"', '"scripts/"',
  '"${path.root}"', '"8760h"', '"-1h"', '"(["', '"/(/"', '"\\UFFFFFFFF"', '"\\uD800"', '"x\\u0000y"',
];
/** What an attribute's value becomes: wrong types, unknown names, names of Object.prototype, functions used wrongly. */
const HCL_VALUES = [
  'null', '42', '-1', '1e999', 'true', '[]', '{}', '[null]', '[[1]]', '{ a = { b = 1 } }', '{ toString = 1 }', '[{ toString = 1 }]', 'var.nope',
  'local.nope', 'data.amazon-ami.nope.id', 'source.amazon-ebs.nope', '"${var.nope}"', 'timestamp()', '[for x in 5 : x]', '""', '"${path.root}"',
  '"${build.SourceAMI}"', 'toString', 'constructor', '__defineGetter__', 'var.toString', 'local.__proto__', 'can()', 'try()', 'element([], 0)',
  'regex("(", "x")', 'jsondecode("{")', 'timeadd("2000-01-01T00:00:00Z", "99999999999h")', 'format()', 'upper()', '"\\UFFFFFFFF"',
  '{ for x in ["toString"] : x => x... }', '[for x in [1] : toString]', 'merge({}, null)', 'flatten([[[]]])', 'file("")',
];
const ATTRIBUTE_NAMES = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'nope', 'name', 'only', 'except', 'for_each', 'content'];
const ATTRIBUTE_LINE = /^(\s*)([A-Za-z_][\w-]*)(\s*=\s*)(.*)$/;

const quote = (line: string) => JSON.stringify(line.trim().slice(0, 50));

type TextMutation = (text: string, random: Random, json: boolean) => Mutated;

/** Mutations that mostly break the syntax. */
export const RAW_MUTATIONS: TextMutation[] = [
  function deleteLine(text, random) {
    const lines = text.split('\n');
    const at = below(random, lines.length);
    const [removed] = lines.splice(at, 1);
    return { text: lines.join('\n'), description: `delete line ${at + 1} ${quote(removed)}` };
  },
  function duplicateLine(text, random) {
    const lines = text.split('\n');
    const at = below(random, lines.length);
    lines.splice(at, 0, lines[at]);
    return { text: lines.join('\n'), description: `duplicate line ${at + 1} ${quote(lines[at])}` };
  },
  function truncate(text, random) {
    const at = below(random, text.length);
    return { text: text.slice(0, at), description: `truncate at offset ${at} (after ${quote(text.slice(Math.max(0, at - 30), at))})` };
  },
  function swapLines(text, random) {
    const lines = text.split('\n');
    const [a, b] = [below(random, lines.length), below(random, lines.length)];
    [lines[a], lines[b]] = [lines[b], lines[a]];
    return { text: lines.join('\n'), description: `swap lines ${a + 1} and ${b + 1}` };
  },
  insertToken,
  function replaceString(text, random, json) {
    return replaceLiteral(text, random, json ? JSON_REPLACEMENTS : HCL_REPLACEMENTS) ?? insertToken(text, random);
  },
];

/** Mutations that mostly keep the syntax, so the converter gets past parsing. */
export const SEMANTIC_MUTATIONS: TextMutation[] = [
  function replaceStringWithString(text, random) {
    return replaceLiteral(text, random, STRING_REPLACEMENTS) ?? insertToken(text, random);
  },
  function replaceValue(text, random, json) {
    const lines = text.split('\n');
    const candidates = lines.map((line, index) => [line, index] as const).filter(([line]) => ATTRIBUTE_LINE.test(line) && !/[{[(]\s*$/.test(line));
    if (json || candidates.length === 0) return replaceLiteral(text, random, STRING_REPLACEMENTS) ?? insertToken(text, random);
    const [line, index] = pick(random, candidates);
    const value = pick(random, HCL_VALUES);
    lines[index] = line.replace(ATTRIBUTE_LINE, (_whole, indent: string, name: string, equals: string) => `${indent}${name}${equals}${value}`);
    return { text: lines.join('\n'), description: `line ${index + 1}: set ${quote(line)} to ${value}` };
  },
  function renameAttribute(text, random, json) {
    const lines = text.split('\n');
    const candidates = lines.map((line, index) => [line, index] as const).filter(([line]) => ATTRIBUTE_LINE.test(line));
    if (json || candidates.length === 0) return replaceLiteral(text, random, STRING_REPLACEMENTS) ?? insertToken(text, random);
    const [line, index] = pick(random, candidates);
    const name = pick(random, ATTRIBUTE_NAMES);
    const renamed = (_whole: string, indent: string, _name: string, equals: string, value: string) => `${indent}${name}${equals}${value}`;
    lines[index] = line.replace(ATTRIBUTE_LINE, renamed);
    return { text: lines.join('\n'), description: `line ${index + 1}: rename ${quote(line)} to ${name}` };
  },
];

function insertToken(text: string, random: Random): Mutated {
  const token = pick(random, TOKENS);
  const at = below(random, text.length + 1);
  const padded = random() < 0.5 ? ` ${token} ` : token;
  const description = `insert ${JSON.stringify(padded)} at offset ${at} (line ${lineAt(text, at)})`;
  return { text: text.slice(0, at) + padded + text.slice(at), description };
}

function replaceLiteral(text: string, random: Random, replacements: readonly string[]): Mutated | undefined {
  const literals = [...text.matchAll(STRING_LITERAL)];
  if (literals.length === 0) return undefined;
  const literal = pick(random, literals);
  const replacement = pick(random, replacements);
  const at = literal.index;
  return {
    text: text.slice(0, at) + replacement + text.slice(at + literal[0].length),
    description: `replace ${literal[0].slice(0, 50)} (line ${lineAt(text, at)}) with ${replacement}`,
  };
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
