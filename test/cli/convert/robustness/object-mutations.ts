/** Mutations of a JSON template as a parsed object: values of the wrong type, keys dropped or renamed, arrays nested, trap strings. */
import { below, pick, Random } from './random';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonPath = (string | number)[];

const WRONG_VALUES: Json[] = [42, -1, 1e308, 'text', '', true, null, [], {}, [[1]], { a: { b: [null] } }, ['amazon-ebs'], [{}], { toString: 1 }];
/** Strings a JSON template may hold that are traps: names of Object.prototype, broken or odd template actions. */
const JSON_STRINGS = [
  '', 'toString', 'constructor', '__proto__', 'hasOwnProperty', '{{user `constructor`}}', '{{user `nope`}}', '{{ constructor }}', '{{ .__proto__ }}',
  '{{ .Nope }}', '{{timestamp | nope}}', '{{', '}}', '{{ printf "%5000d" 1 }}', '{{ split "a" "" 99999999999999999999 }}',
  '{{ replace "a" "b" 99999999999999999999 "a" }}', '{{ isotime "2006" | clean_resource_name }}', '{{ env `HOME` }}', '{{template_dir}}',
  '{{template_dir}}/scripts', '{{ build_name }}', '{{ (((((((((((((((((((((((1))))))))))))))))))))))) }}', '{{ "\\U0010FFFF" }}', 'scripts/',
];

/** Every value inside the document, by path. */
function pathsOf(value: Json, path: JsonPath = []): JsonPath[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...path, key], ...pathsOf(item, [...path, key])]);
}

function valueAt(document: Json, path: JsonPath): Json {
  return path.reduce<Json>((value, key) => (value as Record<string | number, Json>)[key], document);
}

function setAt(document: Json, path: JsonPath, value: Json | undefined): void {
  const container = valueAt(document, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1];
  if (value !== undefined) container[key] = value;
  else if (Array.isArray(container)) container.splice(key as number, 1);
  else delete container[key];
}

const pathText = (path: JsonPath) => path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('') || '(root)';
const kindOf = (value: Json) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

type ObjectMutation = (document: Json, random: Random) => string;

export const OBJECT_MUTATIONS: ObjectMutation[] = [
  function wrongType(document, random) {
    const path = pick(random, pathsOf(document));
    const current = valueAt(document, path);
    const replacement = pick(random, WRONG_VALUES.filter((value) => kindOf(value) !== kindOf(current)));
    setAt(document, path, replacement);
    return `set ${pathText(path)} to ${JSON.stringify(replacement)}`;
  },
  function dropType(document, random) {
    const typed = pathsOf(document).filter((path) => path[path.length - 1] === 'type');
    if (typed.length === 0) return OBJECT_MUTATIONS[0](document, random);
    const path = pick(random, typed);
    setAt(document, path, undefined);
    return `drop ${pathText(path)}`;
  },
  function nestArrays(document, random) {
    const path = pick(random, pathsOf(document));
    const depth = 1 + below(random, 3);
    let value = valueAt(document, path);
    for (let level = 0; level < depth; level++) value = [value];
    setAt(document, path, value);
    return `nest ${pathText(path)} in ${depth} array(s)`;
  },
  function weirdString(document, random) {
    const strings = pathsOf(document).filter((path) => typeof valueAt(document, path) === 'string');
    if (strings.length === 0) return OBJECT_MUTATIONS[0](document, random);
    const path = pick(random, strings);
    const replacement = pick(random, JSON_STRINGS);
    setAt(document, path, replacement);
    return `set ${pathText(path)} to ${JSON.stringify(replacement)}`;
  },
  function renameKey(document, random) {
    const keys = pathsOf(document).filter((path) => typeof path[path.length - 1] === 'string');
    if (keys.length === 0) return OBJECT_MUTATIONS[0](document, random);
    const path = pick(random, keys);
    const name = pick(random, ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'type', 'name', 'only', 'override']);
    const container = valueAt(document, path.slice(0, -1)) as Record<string, Json>;
    const value = container[path[path.length - 1]];
    delete container[path[path.length - 1]];
    Object.defineProperty(container, name, { value, enumerable: true, writable: true, configurable: true });
    return `rename ${pathText(path)} to ${name}`;
  },
  function dropKey(document, random) {
    const path = pick(random, pathsOf(document));
    setAt(document, path, undefined);
    return `drop ${pathText(path)}`;
  },
];
