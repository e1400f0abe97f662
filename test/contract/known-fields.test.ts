/**
 * The construct reads recipe documents through small interfaces; `KnownFields` holds them to the schema at compile
 * time. These cases compile subsets against the schema's `RecipeDocument` and show that a field the schema does not
 * have (a renamed one) fails to compile, at any depth and in a list of steps, while the real names pass.
 */
import { join } from 'node:path';
import { compilerOptionsOf, inMemoryProgram } from '../setup/in-memory-program';

const ROOT = join(__dirname, '..', '..');

const CASES = {
  'the real names': { subset: '{ readonly ami?: { readonly kmsKeyId?: string }; readonly instance?: { readonly types?: readonly string[] } }', compiles: true },
  'a renamed field': { subset: '{ readonly ami?: { readonly kmsKeyArn?: string } }', compiles: false },
  'a renamed field deep down': { subset: '{ readonly distribution?: { readonly sharing?: { readonly accountIds?: readonly string[] } } }', compiles: false },
  'a step kind the schema has': { subset: '{ readonly steps?: readonly { readonly script?: { readonly source: string } }[] }', compiles: true },
  'a step kind it does not have': { subset: '{ readonly steps?: readonly { readonly shellScript?: { readonly source: string } }[] }', compiles: false },
  'a map of tags': { subset: '{ readonly ami?: { readonly tags?: Readonly<Record<string, string>> } }', compiles: true },
};

/** The file of one case: the subset, checked as `lambda/shared/recipe-field-subsets.ts` checks the construct's. */
function caseSource(subset: string): string {
  return [
    `import type { KnownFields } from ${JSON.stringify(join(ROOT, 'src', 'contract'))};`,
    `import type { RecipeDocument } from ${JSON.stringify(join(ROOT, 'lambda', 'shared', 'recipe-schema'))};`,
    `type Subset = ${subset};`,
    'export const check = (fields: Subset): KnownFields<Subset, RecipeDocument> => fields;',
    '',
  ].join('\n');
}

test('a subset compiles only while it names fields of the schema', () => {
  const sources = new Map(Object.entries(CASES).map(([name, { subset }], index) => [join(ROOT, 'test', 'contract', `.case-${index}.ts`), { name, text: caseSource(subset) }]));
  const program = inMemoryProgram(new Map([...sources].map(([file, { text }]) => [file, text])), compilerOptionsOf(join(ROOT, 'lambda', 'tsconfig.json')));

  const compilesClean = (file: string) => program.getSemanticDiagnostics(program.getSourceFile(file)).length === 0;
  const compiled = Object.fromEntries([...sources].map(([file, { name }]) => [name, compilesClean(file)]));
  expect(compiled).toEqual(Object.fromEntries(Object.entries(CASES).map(([name, { compiles }]) => [name, compiles])));
}, 300_000);
