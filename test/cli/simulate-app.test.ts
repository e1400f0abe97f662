/**
 * `bakery simulate --app <cdk.out> <recipe name>`: a recipe a CDK app registered, baked by name in the bakery as
 * `app.synth()` wrote it to the cloud assembly folder. Runs the command in-process, as `cli/bakery.ts` does.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { IVpc, Vpc } from 'aws-cdk-lib/aws-ec2';
import { cliEnvironment, ROOT as CLI_ROOT } from './fixtures/run-bakery';
import { describeFailure } from '../../cli/errors';
import { createProgram } from '../../cli/program';
import type { Terminal } from '../../cli/terminal';
import { inventory, loadAccount } from '../../local/account-state';
import { AmiBakery, ProvisionStep, SourceImage } from '../../src';

const ROOT = mkdtempSync(join(tmpdir(), 'bakery-simulate-app-'));
const SITE_CONF = join(ROOT, 'site.conf');
writeFileSync(SITE_CONF, 'listen 8080;\n');

/** An AmiBakery registering three recipes: `web` (one step), `base` (two steps) and `site` (a file the app stages). */
function imagesBakery(stack: Stack, vpc?: IVpc): AmiBakery {
  const images = new AmiBakery(stack, 'Bakery', vpc ? { vpc } : undefined);
  images.addRecipe('Web', {
    recipeName: 'web', source: SourceImage.amazonLinux2023(), steps: [ProvisionStep.shell({ name: 'install httpd', commands: ['dnf install -y httpd'] })],
  });
  images.addRecipe('Base', {
    recipeName: 'base',
    source: SourceImage.amazonLinux2023(),
    steps: [ProvisionStep.shell({ name: 'update', commands: ['dnf update -y'] }), ProvisionStep.shell({ name: 'say base', commands: ['echo base image'] })],
  });
  images.addRecipe('Site', {
    recipeName: 'site', source: SourceImage.amazonLinux2023(), steps: [ProvisionStep.file({ source: SITE_CONF, destination: '/etc/site.conf' })],
  });
  return images;
}

/** Synthesizes an app into `<ROOT>/<name>/cdk.out`, as `cdk synth` would, and returns that folder. */
function synth(name: string, build: (app: App) => void, context: Record<string, unknown> = {}): string {
  const outdir = join(ROOT, name, 'cdk.out');
  const app = new App({ outdir, context });
  build(app);
  app.synth();
  return outdir;
}

interface Run {
  readonly code?: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The error the command ended with, as `bakery` prints it. */
  readonly failure?: { message: string; hint: string; exitCode: number };
}

/** `bakery <args>` in this process; stdout and stderr captured. */
async function bakery(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const terminal = { out: process.stdout, err: process.stderr, interactive: false } as unknown as Terminal;
  let code: number | undefined;
  try {
    await createProgram(terminal, (exitCode) => {
      code = exitCode;
    }).parseAsync(args, { from: 'user' });
    return { code, stdout, stderr };
  } catch (error) {
    return { stdout, stderr, failure: describeFailure(error) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/**
 * `bakery <args>` in a process of its own, as a person runs it: for a bake in another region than this process's
 * (the handlers keep their region's clients per process).
 */
function bakeryProcess(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(CLI_ROOT, 'cli/bakery.ts'), ...args], {
    cwd: CLI_ROOT, env: cliEnvironment({ NODE_NO_WARNINGS: '1' }), encoding: 'utf8', timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The manifest printed last on stdout (pretty-printed, or one line with --json). */
function manifestOf(stdout: string): any {
  return JSON.parse(stdout.slice(stdout.lastIndexOf('\n{') + 1));
}

describe('one bakery, environment-agnostic stack', () => {
  const cdkOut = synth('agnostic', (app) => imagesBakery(new Stack(app, 'Images')));

  test('bakes the recipe named, and the AMI is in the --state account afterwards', async () => {
    const state = join(ROOT, 'agnostic.bakery-state.json');
    const run = await bakery('simulate', '--app', cdkOut, 'base', '--state', state, '--seed', '7');
    expect(run.failure).toBeUndefined();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Baking recipe base of Images/Bakery (${cdkOut}) in the simulator\n`);
    // `base` has two steps, `web` one: the progress shows the chosen recipe ran.
    expect(run.stdout).toMatch(/^ +step 2\/2 shell +Success/m);
    const manifest = manifestOf(run.stdout);
    expect(manifest).toMatchObject({ status: 'SUCCEEDED', recipe: 'base', leakedResources: [] });
    expect(manifest.artifacts[0].name).toMatch(/^base-\d{14}$/);
    expect(manifest.steps).toHaveLength(2);

    const account = loadAccount(state);
    expect(account.accountId).toBe('123456789012');
    const saved = inventory(account);
    expect(saved.images.find((image) => image.imageId === manifest.artifacts[0].amiId)).toMatchObject({ region: 'us-east-1', state: 'available' });
    expect(saved.instances.filter((instance) => !['shutting-down', 'terminated'].includes(instance.state))).toEqual([]);
  });

  test('a recipe with a file the app stages bakes: the file deployed with the stack lands on the instance', async () => {
    const state = join(ROOT, 'site.bakery-state.json');
    const run = await bakery('simulate', '--app', cdkOut, 'site', '--state', state);
    expect(run.failure).toBeUndefined();
    expect(manifestOf(run.stdout)).toMatchObject({ status: 'SUCCEEDED', recipe: 'site', steps: [{ kind: 'file', status: 'Success' }], leakedResources: [] });
    const [instance] = loadAccount(state).region('us-east-1').instances.values();
    expect(Buffer.from(instance.contents?.get('/etc/site.conf') ?? '', 'base64').toString('utf8')).toBe('listen 8080;\n');
  });

  test('--json prints the manifest alone on stdout; --fault applies to the registered recipe', async () => {
    const run = await bakery('simulate', '--app', cdkOut, 'base', '--json', '--fault', 'step:2:fail');
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'FAILED', recipe: 'base', leakedResources: [] });
    expect(run.stderr).toContain('Baking recipe base of Images/Bakery');
  });

  test('a fault rule beyond the registered recipe\'s steps is refused before anything is simulated', async () => {
    const run = await bakery('simulate', '--app', cdkOut, 'web', '--fault', 'step:2:fail');
    expect(run.failure?.exitCode).toBe(2);
    expect(run.failure?.message).toContain('step:2:fail');
    expect(run.stdout).toBe('');
  });

  test('an unknown recipe name is refused, listing the recipes the bakery has', async () => {
    const run = await bakery('simulate', '--app', cdkOut, 'nginx');
    expect(run.failure).toMatchObject({ exitCode: 2, message: expect.stringContaining('registers no recipe "nginx"; its recipes: base, site, web') });
    expect(run.failure?.hint).toContain(`bakery simulate --app ${cdkOut} base`);
    expect(run.stdout).toBe('');
  });

  test('--app takes exactly one recipe name', async () => {
    const run = await bakery('simulate', '--app', cdkOut);
    expect(run.failure).toMatchObject({ exitCode: 2, message: '--app takes one recipe name, not 0' });
  });
});

test('a missing folder, or one without manifest.json, says to run cdk synth first', async () => {
  const missing = await bakery('simulate', '--app', join(ROOT, 'nowhere', 'cdk.out'), 'web');
  expect(missing.failure).toMatchObject({ exitCode: 2, message: expect.stringContaining('does not exist') });
  expect(missing.failure?.hint).toContain('run cdk synth first');
  const empty = join(ROOT, 'empty');
  mkdirSync(empty);
  const noManifest = await bakery('simulate', '--app', empty, 'web');
  expect(noManifest.failure).toMatchObject({ exitCode: 2, message: `--app ${empty} holds no manifest.json, so it is not a cloud assembly` });
  expect(noManifest.failure?.hint).toContain('run cdk synth first');
});

describe('two bakeries, one in a stack with an account and region', () => {
  const cdkOut = synth('two', (app) => {
    imagesBakery(new Stack(app, 'Images'));
    const tools = new AmiBakery(new Stack(app, 'Tools', { env: { account: '111122223333', region: 'eu-west-1' } }), 'Bakery');
    tools.addRecipe('Ci', { recipeName: 'ci-runner', source: SourceImage.amazonLinux2023(), steps: [ProvisionStep.shell({ commands: ['echo ci'] })] });
  });

  test('without --bakery, the error lists them', async () => {
    const run = await bakery('simulate', '--app', cdkOut, 'web');
    expect(run.failure?.exitCode).toBe(2);
    expect(run.failure?.message).toMatch(/has 2 bakeries: Images\/Bakery \(--bakery Images-Bakery-\w+\), Tools\/Bakery \(--bakery Tools-Bakery-\w+\)$/);
    expect(run.failure?.hint).toContain('--bakery');
  });

  test('--bakery by construct path chooses one: its recipes only, baked in its stack\'s account and region', async () => {
    const wrong = await bakery('simulate', '--app', cdkOut, 'web', '--bakery', 'Tools/Bakery');
    expect(wrong.failure?.message).toContain('registers no recipe "web"; its recipes: ci-runner');

    const state = join(ROOT, 'tools.bakery-state.json');
    const run = bakeryProcess('simulate', '--app', cdkOut, 'ci-runner', '--bakery', 'Tools/Bakery', '--state', state);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Baking recipe ci-runner of Tools/Bakery');
    const manifest = manifestOf(run.stdout);
    expect(manifest).toMatchObject({ status: 'SUCCEEDED', recipe: 'ci-runner', leakedResources: [] });
    expect(manifest.artifacts[0].region).toBe('eu-west-1');
    const account = loadAccount(state);
    expect(account.accountId).toBe('111122223333');
    expect(inventory(account).images.map((image) => [image.imageId, image.region, image.state]))
      .toContainEqual([manifest.artifacts[0].amiId, 'eu-west-1', 'available']);

    // That state file is the Tools account: the Images bakery (123456789012, us-east-1) cannot bake into it.
    const images = await bakery('simulate', '--app', cdkOut, 'web', '--bakery', 'Images/Bakery', '--state', state);
    expect(images.failure).toMatchObject({ exitCode: 2, message: expect.stringContaining('the bakery is deployed to account 123456789012 in us-east-1') });
  });

  test('--bakery by bakery id or Stack/LogicalId; an unknown one lists the bakeries', async () => {
    const unknown = await bakery('simulate', '--app', cdkOut, 'web', '--bakery', 'Nope');
    expect(unknown.failure?.message).toMatch(/^--bakery Nope names no bakery of .*; its bakeries: Images\/Bakery \(--bakery (Images-Bakery-\w+)\)/);
    const bakeryId = /--bakery (Images-Bakery-\w+)/.exec(unknown.failure!.message)![1];
    const byId = await bakery('simulate', '--app', cdkOut, 'nginx', '--bakery', bakeryId);
    expect(byId.failure?.message).toContain('registers no recipe "nginx"; its recipes: base, site, web');
    const byLogicalId = await bakery('simulate', '--app', cdkOut, 'nginx', '--bakery', 'Tools/BakeryStateMachine209127C1');
    expect(byLogicalId.failure?.message).toContain('its recipes: ci-runner');
  });
});

describe('a bakery in an imported VPC', () => {
  const SUBNETS = ['subnet-0d00000000000000d', 'subnet-0e00000000000000e'];

  test('Vpc.fromVpcAttributes: the subnets exist in the simulated account, spread over the region\'s zones', async () => {
    const cdkOut = synth('attributes', (app) => {
      const stack = new Stack(app, 'Images');
      imagesBakery(stack, Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1d', 'us-east-1e'], privateSubnetIds: SUBNETS,
      }));
    });
    const state = join(ROOT, 'attributes.bakery-state.json');
    const run = await bakery('simulate', '--app', cdkOut, 'web', '--state', state);
    expect(run.failure).toBeUndefined();
    expect(manifestOf(run.stdout)).toMatchObject({ status: 'SUCCEEDED', recipe: 'web', leakedResources: [] });
    const instances = [...loadAccount(state).region('us-east-1').instances.values()];
    expect(instances.map((instance) => instance.subnetId)).toEqual([SUBNETS[0]]);
    // The template never names a zone: the first subnet is put in the region's first zone.
    expect(instances[0].availabilityZone).toBe('us-east-1a');
  });

  test('Vpc.fromLookup: the zones come from cdk.context.json next to the assembly', async () => {
    const lookup = (app: App) => {
      const stack = new Stack(app, 'Images', { env: { account: '123456789012', region: 'us-east-1' } });
      return imagesBakery(stack, Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0' }));
    };
    // The first synthesis says which context the lookup needs (its dummy VPC draws a template warning); the second
    // has the answer, as cdk synth does after looking it up.
    const key = (() => {
      const app = new App({ outdir: join(ROOT, 'lookup-missing') });
      lookup(app);
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        return app.synth().manifest.missing![0].key;
      } finally {
        quiet.mockRestore();
      }
    })();
    const context = {
      [key]: {
        vpcId: 'vpc-0123456789abcdef0',
        vpcCidrBlock: '10.0.0.0/16',
        ownerAccountId: '123456789012',
        availabilityZones: [],
        subnetGroups: [{
          name: 'Private',
          type: 'Private',
          subnets: [
            { subnetId: SUBNETS[0], cidr: '10.0.1.0/24', availabilityZone: 'us-east-1e', routeTableId: 'rtb-0a' },
            { subnetId: SUBNETS[1], cidr: '10.0.2.0/24', availabilityZone: 'us-east-1f', routeTableId: 'rtb-0b' },
          ],
        }],
      },
    };
    mkdirSync(join(ROOT, 'lookup'));
    writeFileSync(join(ROOT, 'lookup', 'cdk.context.json'), JSON.stringify(context));
    const cdkOut = synth('lookup', lookup, context);
    const state = join(ROOT, 'lookup.bakery-state.json');
    const run = await bakery('simulate', '--app', cdkOut, 'base', '--state', state);
    expect(run.failure).toBeUndefined();
    expect(manifestOf(run.stdout)).toMatchObject({ status: 'SUCCEEDED', recipe: 'base', leakedResources: [] });
    const instances = [...loadAccount(state).region('us-east-1').instances.values()];
    expect(instances.map((instance) => [instance.subnetId, instance.availabilityZone])).toEqual([[SUBNETS[0], 'us-east-1e']]);
  });
});
