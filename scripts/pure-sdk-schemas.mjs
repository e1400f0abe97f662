// An esbuild plugin that lets a bundle keep only the AWS SDK schemas it uses.
//
// Each SDK v3 client describes every shape of its service in one generated module
// (`dist-es/schemas/schemas_0.js`): for EC2, 4,232 schema declarations in 1.3 MB. esbuild keeps all of them,
// because their object literals have computed keys (`{ [_xN]: ... }`), which it cannot prove free of side
// effects. Loading that module is most of a handler's cold start.
//
// The plugin wraps each top-level `var NAME = <literal>;` of those modules in an immediately called arrow
// marked `/* @__PURE__ */`: the value and the moment it is computed are unchanged, and a declaration
// nothing uses can be dropped. Statements of any other form are left as they are. A module whose `var`
// declarations are not all wrapped (its layout changed) fails the build rather than quietly bundling them all.

import { readFile } from 'node:fs/promises';

const SCHEMA_MODULE = /@aws-sdk[\\/](client-[^\\/]+|nested-clients)[\\/]dist-es[\\/](.*[\\/])?schemas[\\/]schemas_\d+\.js$/;
const DECLARATION = /^(export )?var ([A-Za-z_$][\w$]*) = ([\s\S]*?);\s*$/;

/** Splits generated source into its top-level statements: a statement starts on a line that is not indented or a closer. */
function topLevelStatements(source) {
  const statements = [];
  let current = [];
  for (const line of source.split('\n')) {
    const startsStatement = line.length > 0 && !/^[\s\])}]/.test(line);
    if (startsStatement && current.length > 0) {
      statements.push(current.join('\n'));
      current = [];
    }
    current.push(line);
  }
  statements.push(current.join('\n'));
  return statements;
}

/** The module's source with every top-level `var` declaration marked as free of side effects. */
export function markSchemasPure(source) {
  let wrapped = 0;
  const marked = topLevelStatements(source).map((statement) => {
    const declaration = DECLARATION.exec(statement);
    if (!declaration) return statement;
    wrapped++;
    const [, exported, name, value] = declaration;
    return `${exported ?? ''}var ${name} = /* @__PURE__ */ (() => (${value}))();`;
  }).join('\n');
  const declared = source.match(/^(export )?var /gm)?.length ?? 0;
  if (wrapped !== declared) throw new Error(`pure-sdk-schemas: wrapped ${wrapped} of ${declared} top-level var declarations; the module's layout is not the one this plugin knows`);
  return marked;
}

/** A service error's registration: `n0_registry.registerError(NoSuchKey$, NoSuchKey);`. The client's base exception is registered on `_s_registry`. */
const ERROR_REGISTRATION = /^(?!_s_registry\.)\w+_registry\.registerError\((\w+)\$, \1\);$/;

/**
 * The module's source without the registrations of the service's own error classes, so a bundle need not carry
 * every error a service can answer (SSM has 140). An answer naming an error that is not registered is thrown as the
 * client's base exception with that name, message, `$metadata` and `$fault`, as EC2's errors always are; the
 * handlers match errors by name only.
 */
export function dropServiceErrors(source) {
  return source.split('\n').filter((line) => !ERROR_REGISTRATION.test(line)).join('\n');
}

export const pureSdkSchemas = {
  name: 'pure-sdk-schemas',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
      contents: markSchemasPure(dropServiceErrors(await readFile(args.path, 'utf8'))),
      loader: 'js',
    }));
  },
};
