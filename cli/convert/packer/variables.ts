/**
 * Packer's input variables: each `variable` block's default, then, in Packer's order of precedence, `PKR_VAR_<name>`
 * environment variables, `*.auto.pkrvars.hcl` files, `--var-file` files (`.pkrvars.hcl` or JSON) and `--var
 * name=value`. A value given as text (environment, `--var`) is taken as a string for `string` variables and parsed
 * as an HCL expression for the others, as Packer does. A variable that has no value fails where it is declared.
 */
import { readText } from './template-files';
import { evaluate, Scope } from '../hcl/evaluate';
import { parseHcl } from '../hcl/parse-hcl';
import { Block, ConvertError, Place, Value } from '../hcl/syntax';
import { parseJsonFile } from '../packer-json/json-file';

export interface VariableInputs {
  /** `--var-file` paths, in order. */
  readonly varFiles: string[];
  /** `--var name=value`, in order. */
  readonly vars: string[];
  /** The environment, for `PKR_VAR_*`. */
  readonly environment: Record<string, string | undefined>;
}

export interface Variable extends Place {
  readonly name: string;
  readonly type?: string;
  readonly sensitive: boolean;
  /** Where the value came from: `default`, `PKR_VAR_x`, a var file, `--var`. */
  readonly from?: string;
  readonly value?: Value;
}

/** A scope with no names: variable defaults and given values are constants. */
const NO_NAMES: Scope = { lookup: (name, at) => { throw new ConvertError(at, `"${name}" cannot be used here: a variable's value is a constant`); } };

export async function resolveVariables(blocks: Block[], autoVarFiles: string[], inputs: VariableInputs): Promise<Map<string, Variable>> {
  const variables = new Map<string, Variable>();
  for (const block of blocks.filter((candidate) => candidate.type === 'variable')) variables.set(block.labels[0], declared(block));
  for (const [name, variable] of variables) {
    const text = inputs.environment[`PKR_VAR_${name}`];
    if (text !== undefined) variables.set(name, { ...variable, value: await fromText(text, variable), from: `PKR_VAR_${name}` });
  }
  for (const file of [...autoVarFiles, ...inputs.varFiles]) await applyVarFile(file, variables);
  for (const assignment of inputs.vars) await applyVar(assignment, variables);
  return variables;
}

function declared(block: Block): Variable {
  const attribute = (name: string) => block.body.attributes.find((candidate) => candidate.name === name);
  const type = attribute('type');
  const defaultValue = attribute('default');
  const sensitive = attribute('sensitive');
  return {
    file: block.file,
    line: block.line,
    name: block.labels[0],
    type: type ? typeText(type.expression) : undefined,
    sensitive: sensitive ? evaluate(sensitive.expression, NO_NAMES) === true : false,
    ...(defaultValue ? { value: evaluate(defaultValue.expression, NO_NAMES), from: 'default' } : {}),
  };
}

/** `string`, `list(string)`, `map(string)`: the type as written. */
function typeText(expression: Block['body']['attributes'][number]['expression']): string {
  if (expression.kind === 'variable') return expression.name;
  if (expression.kind === 'call') return `${expression.name}(${expression.args.map(typeText).join(', ')})`;
  return 'any';
}

async function fromText(text: string, variable: Variable): Promise<Value> {
  if (variable.type === undefined || variable.type === 'string') return text;
  const body = await parseHcl(`value of ${variable.name}`, `value = ${text}\n`);
  return evaluate(body.attributes[0].expression, NO_NAMES);
}

async function applyVarFile(file: string, variables: Map<string, Variable>): Promise<void> {
  const text = readText(file);
  const values = file.endsWith('.json') ? jsonValues(file, text) : await hclValues(file, text);
  for (const [name, value] of Object.entries(values)) {
    const variable = variables.get(name);
    if (!variable) throw new ConvertError({ file, line: 1 }, `sets "${name}", which no variable block declares`);
    variables.set(name, { ...variable, value, from: file });
  }
}

function jsonValues(file: string, text: string): Record<string, Value> {
  const json = parseJsonFile(file, text);
  return Object.fromEntries(json.members(json.root, 'a JSON var file').map((member) => [member.key, json.value(member.node)]));
}

async function hclValues(file: string, text: string): Promise<Record<string, Value>> {
  const body = await parseHcl(file, text);
  return Object.fromEntries(body.attributes.map((attribute) => [attribute.name, evaluate(attribute.expression, NO_NAMES)]));
}

async function applyVar(assignment: string, variables: Map<string, Variable>): Promise<void> {
  const equals = assignment.indexOf('=');
  const name = assignment.slice(0, Math.max(equals, 0)).trim();
  const variable = variables.get(name);
  if (equals <= 0 || !variable) {
    throw new ConvertError(undefined, `--var ${assignment}: expected name=value for a declared variable (${[...variables.keys()].join(', ') || 'none declared'})`);
  }
  variables.set(name, { ...variable, value: await fromText(assignment.slice(equals + 1), variable), from: '--var' });
}
