/**
 * A legacy JSON template's user variables, as Packer resolves them: each default in `variables` (which may read
 * the environment with `{{env}}` and earlier variables with `{{user}}`), then `--var-file` files (JSON), then
 * `--var name=value`. A default of `null` makes the variable required; reading one without a value fails,
 * naming where it is declared and how to set it.
 */
import { readFileSync } from 'node:fs';
import { JsonFile, parseJsonFile } from './json-file';
import { renderTemplateString } from './template-engine';
import { ConvertError, Place } from '../hcl/syntax';
import type { VariableInputs } from '../packer/variables';

interface UserVariable {
  readonly place: Place;
  /** The default as written, rendered on first use; null when the variable is required. */
  readonly written: string | null;
  /** A value given with --var-file or --var. */
  readonly given?: string;
}

/** Reads user variables by name: `{{user `name`}}`. */
export type UserVariables = (name: string, place: Place) => string;

export function userVariables(json: JsonFile, inputs: VariableInputs, templateDir: string): UserVariables {
  const variables = new Map<string, UserVariable>();
  const section = json.members(json.root, 'the template').find((member) => member.key === 'variables');
  for (const member of json.members(section?.node, '"variables"')) {
    const value = json.value(member.node);
    variables.set(member.key, { place: member.place, written: value === null ? null : typeof value === 'string' ? value : JSON.stringify(value) });
  }
  for (const file of inputs.varFiles) applyVarFile(file, variables);
  for (const assignment of inputs.vars) applyVar(assignment, variables);

  const values = new Map<string, string>();
  const resolving = new Set<string>();
  const read: UserVariables = (name, place) => {
    const variable = variables.get(name);
    if (!variable) throw new ConvertError(place, `user variable "${name}" is not declared in "variables" (${[...variables.keys()].join(', ') || 'none'})`);
    if (variable.given !== undefined) return variable.given;
    if (variable.written === null) {
      throw new ConvertError(variable.place, `variable "${name}" is required (its default is null); set it with --var ${name}=... or a --var-file`);
    }
    if (values.has(name)) return values.get(name)!;
    if (resolving.has(name)) throw new ConvertError(variable.place, `variable "${name}" refers to itself`);
    resolving.add(name);
    try {
      const context = { user: read, env: inputs.environment as NodeJS.ProcessEnv, templateDir, place: variable.place };
      values.set(name, renderTemplateString(variable.written, context));
    } finally {
      resolving.delete(name);
    }
    return values.get(name)!;
  };
  return read;
}

function applyVarFile(file: string, variables: Map<string, UserVariable>): void {
  if (!file.toLowerCase().endsWith('.json')) {
    throw new ConvertError({ file, line: 1 }, 'a JSON template takes JSON var files ({"name": "value"}); .pkrvars.hcl files are for HCL2 templates');
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConvertError(undefined, `${file}: cannot be read`);
  }
  const json = parseJsonFile(file, text);
  for (const member of json.members(json.root, 'a var file')) {
    const variable = variables.get(member.key);
    if (!variable) throw new ConvertError(member.place, `sets "${member.key}", which the template's "variables" does not declare`);
    const value = json.value(member.node);
    variables.set(member.key, { ...variable, given: typeof value === 'string' ? value : JSON.stringify(value) });
  }
}

function applyVar(assignment: string, variables: Map<string, UserVariable>): void {
  const equals = assignment.indexOf('=');
  const variable = variables.get(assignment.slice(0, Math.max(equals, 0)).trim());
  if (equals <= 0 || !variable) {
    throw new ConvertError(undefined, `--var ${assignment}: expected name=value for a declared variable (${[...variables.keys()].join(', ') || 'none declared'})`);
  }
  variables.set(assignment.slice(0, equals).trim(), { ...variable, given: assignment.slice(equals + 1) });
}
