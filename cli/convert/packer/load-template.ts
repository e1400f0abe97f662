/**
 * Loads a Packer HCL2 template as `bakery convert` sees it: every block of its files in order, and the scope its
 * expressions are evaluated in. `var.*` holds the resolved variables (one without a value fails where it is used,
 * naming where it is declared and how to set it); `local.*` is evaluated on first use; `path.root` is the template's
 * folder; `data.amazon-ami.<name>.id`, `data.amazon-parameterstore.<name>.value` and `build.*` stay bake-time values,
 * which the converter carries as recipe fields or reports.
 */
import { resolve } from 'node:path';
import { templateFiles } from './template-files';
import { resolveVariables, Variable, VariableInputs } from './variables';
import { bakeTimeMarker } from '../hcl/bake-time';
import { evaluate, Scope } from '../hcl/evaluate';
import { hclParser } from '../hcl/grammar';
import { parseHcl } from '../hcl/parse-hcl';
import { Block, ConvertError, Expression, Value } from '../hcl/syntax';

export interface PackerTemplate {
  /** The template's folder (`path.root`). */
  readonly root: string;
  readonly variables: Map<string, Variable>;
  /** The top-level blocks of every file, in file and written order. */
  readonly blocks: Block[];
  readonly scope: Scope;
}

/** Packer's build variables (`build.SourceAMI`, `build.Password`), known only when the image is baked. */
const BUILD_VARIABLES = [
  'ID', 'Name', 'PackerRunUUID', 'Host', 'Port', 'User', 'Password', 'ConnType', 'PackerHTTPAddr', 'PackerHTTPIP', 'PackerHTTPPort',
  'SSHPublicKey', 'SSHPrivateKey', 'SourceAMI', 'SourceAMIName', 'SourceAMIOwner', 'SourceAMIOwnerName', 'SourceAMICreationDate', 'BuildRegion',
];

export async function loadTemplate(path: string, inputs: VariableInputs): Promise<PackerTemplate> {
  await hclParser();
  const files = templateFiles(path);
  const bodies = await Promise.all(files.templates.map((template) => parseHcl(template.file, template.text)));
  const blocks = bodies.flatMap((body) => body.blocks);
  const variables = await resolveVariables(blocks, files.autoVarFiles, inputs);
  const root = resolve(files.root);
  const names: Record<string, () => Value> = {
    var: () => variableValues(variables),
    local: () => locals,
    path: () => ({ root, cwd: process.cwd() }),
    data: () => dataSources(blocks),
    build: () => Object.fromEntries(BUILD_VARIABLES.map((name) => [name, bakeTimeMarker(`build.${name}`)])),
  };
  const scope: Scope = {
    lookup: (name, at) => {
      if (Object.hasOwn(names, name)) return names[name]();
      throw new ConvertError(at, `unknown name "${name}"; templates use var.*, local.*, path.*, data.* and build.*`);
    },
  };
  const locals = lazyLocals(blocks, scope);
  return { root, variables, blocks, scope };
}

/** `var.*`: each variable's value; reading one without a value fails, naming where it is declared and how to set it. */
function variableValues(variables: Map<string, Variable>): Value {
  const values: { [name: string]: Value } = {};
  for (const [name, variable] of variables) {
    Object.defineProperty(values, name, {
      enumerable: true,
      get: () => {
        if (variable.value !== undefined) return variable.value;
        throw new ConvertError(variable, `variable "${name}" has no value; set it with --var ${name}=..., a --var-file, or PKR_VAR_${name}`);
      },
    });
  }
  return values;
}

/** `local.*`: `locals { ... }` attributes and `local "name" { expression = ... }` blocks, each evaluated once, on first use. */
function lazyLocals(blocks: Block[], scope: Scope): Value {
  const expressions = new Map<string, Expression>();
  for (const block of blocks) {
    if (block.type === 'locals') block.body.attributes.forEach((attribute) => expressions.set(attribute.name, attribute.expression));
    const expression = block.type === 'local' ? block.body.attributes.find((attribute) => attribute.name === 'expression') : undefined;
    if (expression) expressions.set(block.labels[0], expression.expression);
  }
  const values = new Map<string, Value>();
  const evaluating = new Set<string>();
  const locals: { [name: string]: Value } = {};
  for (const [name, expression] of expressions) {
    Object.defineProperty(locals, name, {
      enumerable: true,
      get: () => {
        if (values.has(name)) return values.get(name)!;
        if (evaluating.has(name)) throw new ConvertError(expression, `local "${name}" refers to itself`);
        evaluating.add(name);
        try {
          values.set(name, evaluate(expression, scope));
        } finally {
          evaluating.delete(name);
        }
        return values.get(name)!;
      },
    });
  }
  return locals;
}

/** `data.<type>.<name>`: the id or value of a data source, which the recipe resolves when it bakes. */
function dataSources(blocks: Block[]): Value {
  // Maps, not objects: a data source may be named anything, "__proto__" included.
  const byType = new Map<string, Map<string, Value>>();
  for (const block of blocks.filter((candidate) => candidate.type === 'data')) {
    const [type, name] = block.labels;
    const marker = bakeTimeMarker(`data.${type}.${name}`);
    if (!byType.has(type)) byType.set(type, new Map());
    byType.get(type)!.set(name, { id: marker, value: marker, name: marker });
  }
  return Object.fromEntries([...byType].map(([type, names]) => [type, Object.fromEntries(names)]));
}
