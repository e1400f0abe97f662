/**
 * Every command explains itself with --help (options, the global options, examples); usage errors are one
 * line and a hint with exit code 2; and the bundle that ships as the package's `bin` runs on its own.
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bakeryOffline, cliEnvironment, ROOT } from './fixtures/run-bakery';

const COMMANDS: Record<string, string[]> = {
  build: ['--follow', '--override <path=value>', '--name <buildId>', '$ bakery build nginx --follow'],
  list: ['--recipe <name>', '--limit <n>', '$ bakery list --recipe nginx --limit 5'],
  status: ['<buildId>', '--follow', '$ bakery status nginx-20261125101500-1a2b'],
  logs: ['<buildId>', '--step <n>', '$ bakery logs nginx-20261125101500-1a2b --step 2'],
  simulate: ['--fault <rule>', '--state <file>', '--inventory', 'step:<n>:fail', '$ bakery simulate examples/recipes/nginx.json'],
  validate: ['<recipe.json>', '$ bakery validate examples/recipes/nginx.json'],
  init: ['[dir]', '--name <name>', '--force', '$ bakery init recipes/web'],
  convert: [
    '<template>', '--var <name=value>', '--var-file <file>', '--only <source>', '--out <dir>', '--cdk', 'PKR_VAR_<name>', '{"recipes": [{"file", "name"}]',
    'Exit codes: 0 at least one recipe written', '$ bakery convert ubuntu.pkr.hcl',
  ],
};

describe('--help', () => {
  test.each(Object.entries(COMMANDS))('bakery %s --help: usage, options, global options, examples', (command, expected) => {
    const run = bakeryOffline(command, '--help');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: bakery ${command} `));
    for (const text of expected) expect(run.stdout).toContain(text);
    for (const global of ['--region <region>', '--profile <name>', '--state-machine <arn>', '--bakery <bakeryId>', '--json', '--debug']) {
      expect(run.stdout).toContain(global);
    }
    expect(run.stdout).toMatch(/Examples?:/);
  });

  test('bakery --help lists every command; bakery alone prints it and exits 2', () => {
    const help = bakeryOffline('--help');
    expect(help.code).toBe(0);
    for (const command of Object.keys(COMMANDS)) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(help.stdout).toContain('--state-machine <arn>');
    const bare = bakeryOffline();
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe(help.stdout);
  });

  test('bakery --version prints the package\'s version, and -V too', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const run = bakeryOffline(flag);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${version}\n`);
    }
  });

  test('usage errors: one line, a hint, exit code 2', () => {
    const unknown = bakeryOffline('buld', 'nginx');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("bakery: unknown command 'buld' (Did you mean build?)\nhint: bakery --help lists the commands\n");
    const limit = bakeryOffline('list', '--limit', '0');
    expect(limit.code).toBe(2);
    expect(limit.stderr).toBe("bakery: option '-l, --limit <n>' argument '0' is invalid. expected a whole number from 1.\nhint: bakery list --help shows the usage\n");
    const missing = bakeryOffline('logs');
    expect(missing.stderr).toBe("bakery: missing required argument 'buildId'\nhint: bakery logs --help shows the usage\n");
  });
});

describe('the packaged bin', () => {
  // The bundle as an installed package lays it out: bin/ beside assets/ (the handler bundles) and its peers in
  // node_modules; every other module of the checkout out of its reach.
  const pkg = mkdtempSync(join(tmpdir(), 'bakery-bin-'));
  const outfile = join(pkg, 'bin', 'bakery.js');
  const metafile = join(pkg, 'metafile.json');
  let bundled: SpawnSyncReturns<string>;
  beforeAll(() => {
    mkdirSync(join(pkg, 'node_modules'));
    for (const peer of ['aws-cdk-lib', 'constructs']) symlinkSync(join(ROOT, 'node_modules', peer), join(pkg, 'node_modules', peer), 'dir');
    symlinkSync(join(ROOT, 'assets'), join(pkg, 'assets'), 'dir');
    bundled = spawnSync(process.execPath, ['scripts/bundle-cli.mjs', '--outfile', outfile, '--metafile', metafile], { cwd: ROOT, encoding: 'utf8' });
  });

  test('scripts/bundle-cli.mjs bundles the CLI into a bin, its entry and chunks, which run without the sources', () => {
    expect(bundled.stderr).toBe('');
    expect(bundled.status).toBe(0);
    expect(readdirSync(join(pkg, 'bin')).sort()).toEqual(['bakery.js', 'bakery.mjs', 'chunks', 'tree-sitter-hcl.wasm', 'tree-sitter.wasm']);

    const version = spawnSync(outfile, ['--version'], { cwd: ROOT, env: cliEnvironment(), encoding: 'utf8' });
    expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
    const help = spawnSync(outfile, ['build', '--help'], { cwd: ROOT, env: cliEnvironment(), encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: bakery build [options] <recipe>');
    const validate = spawnSync(process.execPath, [outfile, 'validate', 'examples/recipes/nginx.json'], { cwd: ROOT, env: cliEnvironment(), encoding: 'utf8' });
    expect(validate.stdout).toBe('examples/recipes/nginx.json: valid recipe "nginx" (3 step(s))\n');
    // Without credentials the first AWS call fails with one line and a hint, not a stack trace.
    const noRegion = spawnSync(process.execPath, [outfile, 'list'], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: tmpdir(), AWS_EC2_METADATA_DISABLED: 'true' }, encoding: 'utf8' });
    expect(noRegion.status).toBe(1);
    expect(noRegion.stderr).toMatch(/^bakery: (no AWS region set|no AWS credentials found.*)\nhint: /);
    // bakery convert parses HCL with the WebAssembly files beside the bin (node_modules is out of its reach), from a chunk.
    const out = mkdtempSync(join(tmpdir(), 'bakery-bin-recipes-'));
    const convert = spawnSync(process.execPath, [outfile, 'convert', 'test/fixtures/packer/01-ubuntu-nginx/web.pkr.hcl', '--out', out, '--json'],
      { cwd: ROOT, env: cliEnvironment(), encoding: 'utf8' });
    expect(convert.stderr).toBe('');
    expect(JSON.parse(convert.stdout).recipes).toEqual([{ file: join(out, 'web.json'), name: 'web' }]);
  });

  test('bakery --version loads the entry and what every command needs, not the simulator nor bakery convert', () => {
    const { outputs } = JSON.parse(readFileSync(metafile, 'utf8')) as {
      outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }>;
    };
    const loaded = new Set<string>();
    const load = (output: string) => {
      if (loaded.has(output)) return;
      loaded.add(output);
      for (const imported of outputs[output].imports) if (imported.kind === 'import-statement' && !imported.external) load(imported.path);
    };
    load(Object.keys(outputs).find((output) => output.endsWith('/bakery.mjs'))!);
    const inputs = [...loaded].flatMap((output) => Object.keys(outputs[output].inputs));

    expect(inputs).toContain('cli/program.ts');
    // The simulator (its commands, its bakes, the handlers it runs, EC2's client) and bakery convert (its parser) are loaded by their commands.
    const commandsOnly = /^(cli\/commands\/(simulate|convert)\.ts|local\/simulate-bake\.ts|lambda\/[\w-]+\.ts)$|@aws-sdk\/client-ec2\/|web-tree-sitter\//;
    expect(inputs.filter((input) => commandsOnly.test(input))).toEqual([]);
    expect(Object.values(outputs).flatMap((output) => Object.keys(output.inputs))).toEqual(expect.arrayContaining(['cli/commands/simulate.ts', 'local/simulate-bake.ts']));
    // The peers are loaded by the simulator only.
    expect([...loaded].flatMap((output) => outputs[output].imports.filter((imported) => imported.external).map((imported) => imported.path))
      .filter((path) => /^(aws-cdk-lib|constructs)/.test(path))).toEqual([]);
  });

  test('bakery simulate runs from the bundle: aws-cdk-lib from the package\'s peers, the handler bundles from assets/', () => {
    const simulate = spawnSync(process.execPath, [outfile, 'simulate', 'examples/recipes/nginx.json', '--json', '--seed', '1'],
      { cwd: ROOT, env: cliEnvironment(), encoding: 'utf8' });
    expect(simulate.status).toBe(0);
    expect(JSON.parse(simulate.stdout)).toMatchObject({ status: 'SUCCEEDED', recipe: 'nginx', leakedResources: [] });
  }, 120_000);
});
