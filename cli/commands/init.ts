/**
 * `bakery init [dir]`: a starter recipe in `<dir>/recipe.json` (Ubuntu 24.04 from Canonical's public SSM parameter,
 * an install step and a smoke test, an AMI name with the time), checked against the schema before it is written,
 * then the commands that try it and the CDK code that registers it. An existing recipe.json is kept unless `--force`.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { validateRecipeText } from '../../lambda/shared/validate-recipe';
import { cdkSnippet } from '../convert/cdk-snippet';
import type { RecipeDraft } from '../convert/packer/recipe-fields';
import { CliError, UsageError } from '../errors';
import type { Terminal } from '../terminal';

export interface InitOptions {
  /** The recipe's name. @default the folder's name, made a valid recipe name */
  readonly name?: string;
  /** Overwrite an existing recipe.json. @default false */
  readonly force?: boolean;
}

/** The recipe `bakery init` writes, named `name`. */
export function starterRecipe(name: string): RecipeDraft {
  return {
    schemaVersion: 1,
    name,
    description: 'A starter recipe: nginx on Ubuntu 24.04. Edit the steps, then validate and simulate it.',
    source: { ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' },
    instance: { types: ['t3.small', 't3a.small'] },
    steps: [
      { shell: { name: 'install packages', commands: ['apt-get update -y', 'DEBIAN_FRONTEND=noninteractive apt-get install -y nginx'], timeoutSeconds: 1800 } },
      { shell: { name: 'smoke test', commands: ['systemctl is-active nginx', 'curl -fsS http://localhost/ >/dev/null'] } },
    ],
    ami: { name: `${name}-{{timestamp}}`, tags: { 'created-by': 'bakery init' } },
  };
}

/** Writes the starter recipe into `dir` and says what to do next. */
export function runInit(dir: string | undefined, options: InitOptions, terminal: Terminal): number {
  const folder = resolve(dir ?? '.');
  if (existsSync(folder) && !statSync(folder).isDirectory()) throw new UsageError(`${dir} is not a folder`, 'name a folder for the recipe, e.g. bakery init recipes/web');
  const name = options.name ?? recipeNameOf(basename(folder));
  const document = starterRecipe(name);
  const checked = validateRecipeText(JSON.stringify(document));
  if (!checked.valid) throw new UsageError(`"${name}" cannot name a recipe: ${checked.problems.join('; ')}`, 'pass --name with letters, digits, ".", "_" or "-" (at most 63)');
  const file = join(folder, 'recipe.json');
  if (existsSync(file) && !options.force) throw new CliError(`${shown(file)} exists; bakery init keeps it`, 'choose another folder, or pass --force to overwrite it');
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, undefined, 2)}\n`);
  terminal.out.write(nextSteps(shown(file), folder, document));
  return 0;
}

/** A recipe name from a folder's name: its letters, digits, ".", "_" and "-", lower case; "starter" when none fit. */
function recipeNameOf(folderName: string): string {
  const name = folderName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 63);
  return name.length > 0 ? name : 'starter';
}

function shown(path: string): string {
  return relative(process.cwd(), path) || path;
}

function nextSteps(file: string, folder: string, document: RecipeDraft): string {
  const steps = document.steps as unknown[];
  return [
    `wrote ${file}: recipe "${String(document.name)}", Ubuntu 24.04 on t3.small, ${steps.length} steps`,
    '',
    'Next:',
    `  bakery validate ${file}           check it after each edit`,
    `  bakery simulate ${file}           bake it in the local simulator (no AWS account needed)`,
    `  bakery build ${file} --follow     bake it in your account (the bakery must allow ad-hoc recipes)`,
    '',
    'Or register it with your AmiBakery in CDK:',
    '',
    cdkSnippet([{ file, name: String(document.name), document }], folder, 'Registers the recipe with an AmiBakery, as the recipe file says it.'),
  ].join('\n');
}
