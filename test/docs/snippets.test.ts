/**
 * The README's and docs/'s snippets are real: every TypeScript block compiles against the library's own source,
 * with the repository's strict compiler options, and every JSON recipe passes `bakery validate`'s checks.
 * docs/README.md ("Snippets that are checked") describes the info strings a block may carry.
 */
import { join } from 'node:path';
import * as ts from 'typescript';
import { DOC_FILES, fencedBlocks, FencedBlock, ROOT } from './markdown';
import { validateRecipe } from '../../lambda/shared/validate-recipe';
import { compilerOptionsOf, inMemoryProgram } from '../setup/in-memory-program';

const blocks = DOC_FILES.flatMap((file) => fencedBlocks(file));
const where = (block: FencedBlock) => `${block.file}:${block.line}`;

describe('TypeScript snippets', () => {
  const snippets = blocks.filter((block) => block.language === 'ts' || block.language === 'typescript');

  /**
   * What a ` ```ts fragment ` may use without declaring it: the values of the CDK app it is a part of. A fragment
   * imports every class it names itself, so these use import types and stay out of its way.
   */
  const FRAGMENT_VALUES: Record<string, string> = {
    app: 'import("aws-cdk-lib").App',
    stack: 'import("aws-cdk-lib").Stack',
    bakery: 'import("cdk-ami-bakery").AmiBakery',
    vpc: 'import("aws-cdk-lib/aws-ec2").IVpc',
    subnet: 'import("aws-cdk-lib/aws-ec2").ISubnet',
    group: 'import("aws-cdk-lib/aws-ec2").ISecurityGroup',
    rollOutFunction: 'import("aws-cdk-lib/aws-lambda").IFunction',
    ciRole: 'import("aws-cdk-lib/aws-iam").IRole',
    deployPipelineRole: 'import("aws-cdk-lib/aws-iam").IRole',
    writerRole: 'import("aws-cdk-lib/aws-iam").IRole',
  };

  /** The names a snippet declares or imports at its top level, which the preamble then leaves to it. */
  function declaredNames(text: string): Set<string> {
    const source = ts.createSourceFile('snippet.ts', text, ts.ScriptTarget.Latest);
    const names = new Set<string>();
    const add = (name: ts.Node | undefined) => { if (name && ts.isIdentifier(name)) names.add(name.text); };
    for (const statement of source.statements) {
      if (ts.isVariableStatement(statement)) statement.declarationList.declarations.forEach((declaration) => add(declaration.name));
      if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) add(statement.name);
      if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        add(clause?.name);
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) add(bindings.name);
        if (bindings && ts.isNamedImports(bindings)) bindings.elements.forEach((element) => add(element.name));
      }
    }
    return names;
  }

  function preambleOf(block: FencedBlock): string[] {
    if (!block.flags.includes('fragment')) return [];
    const declared = declaredNames(block.text);
    return Object.entries(FRAGMENT_VALUES).filter(([name]) => !declared.has(name)).map(([name, type]) => `declare const ${name}: ${type};`);
  }

  /** One source file per snippet, named after where it is; the preamble's lines come first in fragments. */
  const sources = new Map(snippets.map((block, index) => {
    const preamble = preambleOf(block);
    const name = join(ROOT, 'test', 'docs', '.snippets', `${index}-${block.file.replace(/\W/g, '-')}-${block.line}.ts`);
    // `export {}` makes every snippet a module, so one snippet's names never clash with another's.
    return [name, { block, preambleLines: preamble.length, text: [...preamble, block.text, 'export {};', ''].join('\n') }];
  }));

  test('finds the snippets, complete ones and fragments', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(7);
    expect(snippets.filter((block) => block.flags.includes('fragment')).length).toBeGreaterThanOrEqual(5);
    expect(snippets.filter((block) => !block.flags.includes('fragment')).length).toBeGreaterThanOrEqual(1);
    expect(snippets.filter((block) => block.file === 'README.md').length).toBeGreaterThanOrEqual(1);
  });

  test('every snippet compiles against the library, with the repository\'s strict options', () => {
    // `import ... from 'cdk-ami-bakery'` is this checkout's source, as a reader's app sees the published package.
    const options = compilerOptionsOf(join(ROOT, 'test', 'tsconfig.json'), { paths: { 'cdk-ami-bakery': [join(ROOT, 'src', 'index.ts')] } });
    const program = inMemoryProgram(new Map([...sources].map(([file, snippet]) => [file, snippet.text])), options);

    const problems = [...sources].flatMap(([file, { block, preambleLines }]) => {
      const source = program.getSourceFile(file)!;
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => {
        const line = diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line;
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n    ');
        return `${block.file}:${block.line + line - preambleLines}: TS${diagnostic.code}: ${message}`;
      });
    });

    expect(program.getOptionsDiagnostics().map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '))).toEqual([]);
    expect(problems).toEqual([]);
  }, 300_000);
});

describe('JSON recipes', () => {
  /** What a ` ```json recipe-fields ` or ` ```json recipe-steps ` block is checked inside: the least a recipe holds. */
  const MINIMAL_RECIPE = {
    schemaVersion: 1,
    name: 'docs-snippet',
    source: { ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' },
    steps: [{ shell: { commands: ['true'] } }],
  };

  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const isRecipe = (value: unknown): value is Record<string, unknown> => isObject(value) && (('source' in value && 'steps' in value) || 'schemaVersion' in value);

  /**
   * JSON that is no recipe, and is skipped: an execution input that names a registered recipe (`recipeName`), a
   * manifest (`status` and `buildId`), an event (`detail-type`). Anything else that is not a recipe fails, so a
   * part of a recipe left unmarked cannot pass unchecked.
   */
  const isOtherJson = (value: unknown) => isObject(value) && ('recipeName' in value || ('status' in value && 'buildId' in value) || 'detail-type' in value);

  /** The recipe a JSON block holds, `skipped` when it is other JSON, or the reason it cannot be checked. */
  function recipeOf(block: FencedBlock): { recipe?: unknown; skipped?: true; unreadable?: string } {
    let document: unknown;
    try {
      if (block.flags.includes('recipe-fields')) return { recipe: { ...MINIMAL_RECIPE, ...JSON.parse(`{${block.text}}`) } };
      if (block.flags.includes('recipe-steps')) return { recipe: { ...MINIMAL_RECIPE, steps: JSON.parse(`[${block.text}]`) } };
      document = JSON.parse(block.text);
    } catch (error) {
      return { unreadable: `not JSON (${(error as Error).message}); a part of a recipe is marked \`json recipe-fields\` or \`json recipe-steps\`` };
    }
    if (isRecipe(document)) return { recipe: document };
    // An execution input that carries a whole recipe: `{"recipe": {...}}`.
    if (isObject(document) && isRecipe(document.recipe)) return { recipe: document.recipe };
    if (isOtherJson(document)) return { skipped: true };
    return { unreadable: 'neither a recipe nor an execution input, manifest or event; a part of a recipe is marked `json recipe-fields` or `json recipe-steps`' };
  }

  const jsonBlocks = blocks.filter((block) => block.language === 'json');
  const read = jsonBlocks.map((block) => ({ block, ...recipeOf(block) }));
  const recipes = read.filter((entry) => entry.recipe !== undefined);

  test('finds the recipes, whole and in parts, and skips the other JSON', () => {
    expect(recipes.length).toBeGreaterThanOrEqual(10);
    expect(recipes.filter((entry) => entry.block.flags.length > 0).length).toBeGreaterThanOrEqual(5);
    expect(recipes.filter((entry) => entry.block.file === 'README.md').length).toBeGreaterThanOrEqual(1);
    // Execution inputs and manifests are JSON that is not a recipe.
    expect(read.filter((entry) => entry.skipped).length).toBeGreaterThanOrEqual(3);
  });

  test('every JSON block parses, and every recipe passes bakery validate\'s checks', () => {
    const problems = read.flatMap(({ block, recipe, unreadable }) => {
      if (unreadable !== undefined) return [`${where(block)}: ${unreadable}`];
      if (recipe === undefined) return [];
      const result = validateRecipe(recipe);
      return result.valid ? [] : [`${where(block)}: ${result.problems.length} problem(s)\n    ${result.problems.join('\n    ')}`];
    });

    expect(problems).toEqual([]);
  });
});
