/**
 * `bakery convert` as a person runs it: recipes and their files written to --out, the report as a table or one
 * JSON object, exit codes 0, 1 and 2, errors as one line naming the file and line, and a --cdk snippet that
 * compiles and registers the recipes with an AmiBakery.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS } from './corpus';
import { bakeryOffline, cliEnvironment, ROOT } from '../fixtures/run-bakery';

const fixture = (path: string) => join(CORPUS, path);
const newFolder = () => mkdtempSync(join(tmpdir(), 'bakery-convert-cli-'));

describe('bakery convert', () => {
  test('writes the recipes and the files they name to --out, and prints the report as a table', () => {
    const out = newFolder();

    const run = bakeryOffline('convert', fixture('04-folder-distribution'), '--var-file', fixture('04-folder-distribution/prod.pkrvars.hcl'), '--out', out);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^WHERE +ATTRIBUTE +OUTCOME\n/);
    expect(run.stdout).toMatch(/source\.pkr\.hcl:\d+ +source\.amazon-ebs\.base\.ssh_username +not needed \(SSM Run Command replaces SSH\/WinRM\)\n/);
    expect(run.stdout).toMatch(/source\.amazon-ebs\.base\.deprecate_at +carried as ami\.deprecateAfterDays\n/);
    expect(run.stdout).toContain(`1 recipe(s) written: ${join(out, 'base.json')}`);
    const recipe = JSON.parse(readFileSync(join(out, 'base.json'), 'utf8'));
    expect(recipe.steps).toEqual([{ script: { source: 'scripts/harden.sh', environment: { ENVIRONMENT: 'prod' } } }]);
    expect(readFileSync(join(out, 'scripts/harden.sh'), 'utf8')).toBe(readFileSync(fixture('04-folder-distribution/scripts/harden.sh'), 'utf8'));
    expect(bakeryOffline('validate', join(out, 'base.json')).stdout).toBe(`${join(out, 'base.json')}: valid recipe "base" (1 step(s))\n`);
  });

  test('--json prints one JSON object: the recipes written and the report', () => {
    const out = newFolder();

    const run = bakeryOffline('convert', fixture('06-two-distros-only-except/agents.pkr.hcl'), '--only', 'amazon-ebs.ubuntu', '--out', out, '--json');

    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(Object.keys(output)).toEqual(['recipes', 'report']);
    expect(output.recipes).toEqual([{ file: join(out, 'ubuntu.json'), name: 'ubuntu' }]);
    expect(output.report).toContainEqual({
      file: fixture('06-two-distros-only-except/agents.pkr.hcl'), line: 22, attribute: 'source.amazon-ebs.ubuntu.instance_type', outcome: 'carried', field: 'instance.types',
    });
    expect(existsSync(join(out, 'amazonlinux.json'))).toBe(false);
  });

  test('exit code 1 with the file, line and cause when the template is wrong or makes no recipe; never a stack trace', () => {
    const missing = bakeryOffline('convert', fixture('15-required-variable/release.pkr.hcl'), '--out', newFolder());
    const broken = newFolder();
    writeFileSync(join(broken, 'broken.pkr.hcl'), 'source "amazon-ebs" "x" {\n  ami_name = "a-${upper(}"\n}\n');
    const syntax = bakeryOffline('convert', join(broken, 'broken.pkr.hcl'));
    const none = bakeryOffline('convert', fixture('01-ubuntu-nginx/web.pkr.hcl'), '--only', 'source.amazon-ebs.nope', '--out', newFolder());

    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^bakery: .*release\.pkr\.hcl:2: variable "app_version" has no value; set it with --var app_version=\.\.\..*\nhint: /);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/^bakery: .*broken\.pkr\.hcl:2: HCL syntax error near "}"\nhint: [^\n]+\n$/);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no recipe written: no amazon-ebs source of a build matches --only source.amazon-ebs.nope');
    for (const run of [missing, syntax, none]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('exit code 2 for wrong usage: no template, a var without "=", a var file that does not exist', () => {
    const runs = [
      bakeryOffline('convert'),
      bakeryOffline('convert', fixture('01-ubuntu-nginx'), '--var', 'region'),
      bakeryOffline('convert', fixture('01-ubuntu-nginx'), '--var-file', 'nope.pkrvars.hcl'),
      bakeryOffline('convert', 'nope.pkr.hcl'),
    ];

    expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2]);
    expect(runs.map((run) => run.stderr.split('\n')[0])).toEqual([
      "bakery: missing required argument 'template'",
      'bakery: --var region: expected name=value',
      'bakery: --var-file nope.pkrvars.hcl: no such file',
      'bakery: nope.pkr.hcl: no such file or folder',
    ]);
  });

  test('--cdk prints TypeScript that compiles and registers the converted recipes with an AmiBakery', () => {
    const out = newFolder();
    const run = bakeryOffline('convert', fixture('21-json-two-builders/template.json'), '--out', out, '--cdk', '--json');
    const snippet: string = JSON.parse(run.stdout).cdk;
    expect(snippet).toContain("bakery.addRecipe('Web', {");
    expect(snippet).toContain("ProvisionStep.script({ source: path.join(files, 'scripts/worker.sh'), environment: { QUEUE: 'orders' } })");

    // The app sits beside the recipes, outside this project: node_modules linked in, no tsconfig around it.
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
    const app = join(out, 'app.ts');
    writeFileSync(app, [
      snippet.replace("from 'cdk-ami-bakery'", `from ${JSON.stringify(join(ROOT, 'src'))}`)
        .replace('declare const bakery: AmiBakery;', 'const stack = new Stack(new App(), \'Images\');\nconst bakery = new AmiBakery(stack, \'Bakery\');')
        .replace(/path\.join\(__dirname, '[^']*'\)/, JSON.stringify(out)),
      'const assembly = Stage.of(stack)!.synth();',
      "const manifest = JSON.parse(readFileSync(joinPath(assembly.directory, 'Images.assets.json'), 'utf8'));",
      'const catalog = Object.values<any>(manifest.files).find((file) => /^asset\\..*\\.json$/.test(file.source.path));',
      "console.log(readFileSync(joinPath(assembly.directory, catalog.source.path), 'utf8'));",
      "import { readFileSync } from 'node:fs';",
      "import { join as joinPath } from 'node:path';",
      "import { App, Stack, Stage } from 'aws-cdk-lib';",
    ].join('\n'));
    const typecheck = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', '--esModuleInterop',
      '--module', 'nodenext', '--target', 'es2022', '--types', 'node', app], { cwd: out, encoding: 'utf8' });
    expect(typecheck.stdout).toBe('');
    const synth = spawnSync(process.execPath, ['--import', 'tsx', app], { cwd: ROOT, env: cliEnvironment(), encoding: 'utf8', timeout: 120_000 });
    expect(synth.stderr).not.toMatch(/Error/);
    // Each registered recipe is in the recipe catalog under its name, its document naming the staged scripts.
    const { recipes } = JSON.parse(synth.stdout);
    expect(Object.keys(recipes).sort()).toEqual(['web', 'worker']);
    expect(JSON.stringify(recipes.worker)).toMatch(/staging\/[0-9a-f]{64}\/worker.sh/);
  }, 180_000);
});
