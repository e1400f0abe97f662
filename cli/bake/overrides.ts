/**
 * `--override key.path=value`: a dotted path into the recipe, set in the execution input's `overrides`
 * (a partial recipe merged over the recipe by Prepare). The value is JSON when it parses as JSON
 * (`["t3.large"]`, `true`, `300`), else a string.
 */
import { UsageError } from '../errors';
import { jsonNesting, MAX_JSON_NESTING } from '../json-nesting';

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const HINT = 'write --override path.to.field=value, e.g. --override instance.types=\'["t3.large"]\' or --override keepOnFailure=true';

export function parseOverrides(assignments: readonly string[]): Record<string, unknown> | undefined {
  if (assignments.length === 0) return undefined;
  const overrides: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) throw new UsageError(`--override "${assignment}" is not key=value`, HINT);
    const path = assignment.slice(0, equals).split('.');
    if (!path.every((segment) => SEGMENT.test(segment))) throw new UsageError(`--override "${assignment}": "${path.join('.')}" is not a field path`, HINT);
    const value = assignment.slice(equals + 1);
    if (path.length + jsonNesting(value) > MAX_JSON_NESTING) {
      const what = `--override ${path[0]}...=...: its path and value nest more than ${MAX_JSON_NESTING} levels deep`;
      throw new UsageError(`${what}, deeper than any recipe field`, HINT);
    }
    setPath(overrides, path, parseValue(value), assignment);
  }
  return overrides;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown, assignment: string): void {
  let node = target;
  for (const [index, segment] of path.entries()) {
    if (index === path.length - 1) {
      if (segment in node) throw new UsageError(`--override "${assignment}" sets ${path.join('.')} a second time`, 'give each field one --override');
      node[segment] = value;
      return;
    }
    const child = node[segment];
    if (child === undefined) {node[segment] = {};} else if (typeof child !== 'object' || child === null || Array.isArray(child)) {
      throw new UsageError(`--override "${assignment}" goes inside ${path.slice(0, index + 1).join('.')}, which another --override sets`, 'give each field one --override');
    }
    node = node[segment] as Record<string, unknown>;
  }
}
