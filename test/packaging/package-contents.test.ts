/**
 * What `npm pack` publishes: the construct (lib/, .jsii), the handler bundles, the CLI and the docs, with a
 * package.json whose every field means something to a user; and the jsii targets every CDK language builds from.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const manifest = () => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** The files npm would pack from the checkout, without running its pack scripts. */
function packedFiles(): string[] {
  const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }));
  return report.files.map((file: { path: string }) => file.path);
}

/** Packs a copy of the checkout's packed files and pack script, as `npm pack` does; returns the tarball's folder and the copy. */
function packCopy(files: string[]): { unpacked: string; copy: string } {
  const copy = mkdtempSync(join(tmpdir(), 'bakery-pack-'));
  for (const file of [...files, 'scripts/pack-manifest.mjs']) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file));
  }
  const tarball = execFileSync('npm', ['pack', '--silent'], { cwd: copy, encoding: 'utf8' }).trim().split('\n').pop()!;
  const unpacked = mkdtempSync(join(tmpdir(), 'bakery-unpacked-'));
  execFileSync('tar', ['xzf', join(copy, tarball), '-C', unpacked]);
  return { unpacked: join(unpacked, 'package'), copy };
}

describe('npm pack', () => {
  const files = packedFiles();

  test('carries the construct, the handler bundles, the CLI and the docs, and no sources or tsconfig files', () => {
    for (const file of ['lib/index.js', 'lib/index.d.ts', '.jsii', 'API.md', 'README.md', 'docs/README.md', 'docs/recipes.md', 'LICENSE', 'bin/bakery.js', 'assets/lambda/prepare/index.js']) {
      expect(files).toContain(file);
    }
    // The CLI is its bin, the ES module it imports and the chunks that module's commands load (scripts/bundle-cli.mjs).
    const chunks = readdirSync(join(ROOT, 'bin', 'chunks')).map((chunk) => `bin/chunks/${chunk}`);
    expect(chunks.length).toBeGreaterThan(0);
    expect(files).toEqual(expect.arrayContaining(['bin/bakery.mjs', ...chunks]));
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((file) => file.endsWith('tsconfig.json'))).toEqual([]);
    expect(files.filter((file) => /^(cli|lambda|local|scripts|examples|test|src)\//.test(file))).toEqual([]);
  });

  test('publishes a package.json without the checkout\'s scripts and jest settings, and leaves the checkout\'s as it was', () => {
    const { unpacked, copy } = packCopy(files);
    const packed = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));

    expect(packed.scripts).toBeUndefined();
    expect(packed.jest).toBeUndefined();
    expect(packed).toMatchObject({ name: 'cdk-ami-bakery', main: 'lib/index.js', types: 'lib/index.d.ts', bin: { bakery: 'bin/bakery.js' } });
    for (const target of [packed.main, packed.types, ...Object.values<string>(packed.bin)]) expect(readdirSync(join(unpacked, dirname(target)))).toContain(target.split('/').pop());
    expect(execFileSync(process.execPath, [join(unpacked, packed.bin.bakery), '--version'], { encoding: 'utf8' })).toBe(`${packed.version}\n`);
    expect(JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')).scripts).toEqual(manifest().scripts);
  }, 120_000);
});

describe('every CDK language', () => {
  test('jsii targets Python, Java, .NET and Go, and Construct Hub finds the package by its awscdk keyword', () => {
    const { jsii, keywords, homepage, engines } = manifest();
    expect(jsii.targets).toEqual({
      python: { distName: 'cdk-ami-bakery', module: 'cdk_ami_bakery' },
      java: { package: 'dev.cdkamibakery', maven: { groupId: 'dev.cdk-ami-bakery', artifactId: 'cdk-ami-bakery' } },
      dotnet: { namespace: 'CdkAmiBakery', packageId: 'CdkAmiBakery' },
      go: { moduleName: 'github.com/cdk-ami-bakery/cdk-ami-bakery-go' },
    });
    expect(keywords).toContain('awscdk');
    expect(homepage).toMatch(/^https:\/\//);
    expect(engines.node).toBe('>= 20.0.0');
  });

  test('the assembly every language binds to has the API CDK users expect: interfaces for fields, grants, an importable bakery', () => {
    const assembly = JSON.parse(readFileSync(join(ROOT, '.jsii'), 'utf8'));
    const type = (name: string) => assembly.types[`cdk-ami-bakery.${name}`];
    const property = (name: string) => type('AmiBakery').properties.find((candidate: { name: string }) => candidate.name === name).type.fqn;
    const method = (owner: string, name: string) => type(owner).methods.find((candidate: { name: string }) => candidate.name === name);

    expect([property('stateMachine'), property('instanceRole'), property('commandOutputLogGroup')])
      .toEqual(['aws-cdk-lib.aws_stepfunctions.IStateMachine', 'aws-cdk-lib.aws_iam.IRole', 'aws-cdk-lib.aws_logs.ILogGroup']);
    expect(method('AmiBakery', 'grantEncryptionKey').returns.type.fqn).toBe('aws-cdk-lib.aws_iam.Grant');
    expect(method('AmiBakery', 'fromAmiBakeryAttributes')).toMatchObject({ static: true, returns: { type: { fqn: 'cdk-ami-bakery.IAmiBakery' } } });
    expect(method('AmiBakeryBase', 'metricBakeDuration').parameters).toEqual([expect.objectContaining({ name: 'props', optional: true })]);
    // A recipe is made only by AmiBakery.addRecipe(), which registers it.
    expect(type('Recipe').initializer).toBeUndefined();
  });

  test('jsii-pacmak generates the Python binding, whose module compiles, with the construct\'s classes', () => {
    const out = mkdtempSync(join(tmpdir(), 'bakery-python-'));
    const generated = spawnSync('npx', ['jsii-pacmak', '--code-only', '--targets', 'python', '--outdir', out], { cwd: ROOT, encoding: 'utf8' });
    expect(generated.status).toBe(0);
    const module = join(out, 'python', 'src', 'cdk_ami_bakery', '__init__.py');
    const source = readFileSync(module, 'utf8');

    for (const name of ['AmiBakery', 'AmiBakeryProps', 'Recipe', 'SourceImage']) expect(source).toMatch(new RegExp(`^class ${name}[(:]`, 'm'));
    const compiled = spawnSync('python3', ['-m', 'py_compile', module], { encoding: 'utf8' });
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
  }, 120_000);
});
