/**
 * The Packer template corpus of `test/fixtures/packer/` (its README says which public patterns each template
 * reflects), with the arguments each conversion takes and the recipes it makes; and `bakery convert` run in this
 * process, its output captured.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import { ConvertCommandOptions, runConvert } from '../../../cli/commands/convert';
import type { Terminal } from '../../../cli/terminal';

export const CORPUS = join(__dirname, '../../fixtures/packer');

export interface Fixture {
  readonly folder: string;
  /** The template argument, relative to the fixture folder ('.' for the folder itself). */
  readonly template: string;
  readonly options?: Partial<ConvertCommandOptions>;
  readonly environment?: Record<string, string>;
  /** Run from the fixture's folder: its template names files relative to where Packer runs. */
  readonly fromFolder?: boolean;
  readonly recipes: string[];
  /** Report lines (attributes) that must say "not carried". */
  readonly notCarried?: string[];
  /** What the conversion must warn about on stderr, one line each. */
  readonly warnings?: RegExp[];
}

export const FIXTURES: Fixture[] = [
  { folder: '01-ubuntu-nginx', template: 'web.pkr.hcl', recipes: ['web'], notCarried: ['source.amazon-ebs.web.region'] },
  { folder: '02-al2023-app', template: 'app.pkr.hcl', recipes: ['app'] },
  { folder: '03-ubuntu-ssm-parameter', template: 'api.pkr.hcl', recipes: ['api'] },
  { folder: '04-folder-distribution', template: '.', options: { varFile: ['prod.pkrvars.hcl'] }, recipes: ['base'] },
  { folder: '05-two-builds-one-source', template: 'web.pkr.hcl', recipes: ['web', 'hardened-web'] },
  { folder: '06-two-distros-only-except', template: 'agents.pkr.hcl', recipes: ['ubuntu', 'amazonlinux'] },
  { folder: '07-named-source-overrides', template: 'services.pkr.hcl', recipes: ['nginx', 'redis'] },
  { folder: '08-windows-iis', template: 'iis.pkr.hcl', recipes: ['iis'] },
  { folder: '09-windows-data-volumes', template: 'sqlhost.pkr.hcl', recipes: ['sqlhost'], notCarried: ['source.amazon-ebs.sqlhost.launch_block_device_mappings[1]'] },
  { folder: '10-ansible-local', template: 'ansible-web.pkr.hcl', recipes: ['ansible-web'] },
  { folder: '11-ansible-remote', template: 'bastion.pkr.hcl', recipes: ['bastion'] },
  { folder: '12-file-transfers', template: 'files.pkr.hcl', recipes: ['files'], notCarried: ['build.provisioner[4] (file)'] },
  {
    folder: '13-spot-private-subnet',
    template: 'ci-runner.pkr.hcl',
    recipes: ['ci-runner'],
    notCarried: ['source.amazon-ebs.ci-runner.vpc_filter', 'source.amazon-ebs.ci-runner.subnet_filter', 'source.amazon-ebs.ci-runner.iam_instance_profile'],
  },
  { folder: '14-functions-and-templatefile', template: 'inventory.pkr.hcl', recipes: ['inventory'], notCarried: ['build.provisioner[2] (shell)'] },
  {
    folder: '15-required-variable',
    template: 'release.pkr.hcl',
    options: { var: ['app_version=3.2.0'] },
    recipes: ['release'],
    warnings: [/^warning: .*release\.json: holds the value of the sensitive variable "artifact_token"; .* Read the secret on the instance instead/],
  },
  {
    folder: '16-breakpoint-shell-local',
    template: 'debug.pkr.hcl',
    recipes: ['debug'],
    notCarried: ['build.provisioner[1] (breakpoint)', 'build.post-processor.shell-local'],
  },
  { folder: '17-relative-paths', template: 'relative.pkr.hcl', fromFolder: true, recipes: ['relative'] },
  { folder: '18-mixed-builders', template: 'app.pkr.hcl', recipes: ['app'], notCarried: ['source.docker.app', 'build.post-processor.docker-tag'] },
  { folder: '20-json-ubuntu-legacy', template: 'template.json', environment: { AWS_REGION: 'eu-west-1' }, recipes: ['amazon-ebs'] },
  { folder: '21-json-two-builders', template: 'template.json', recipes: ['web', 'worker'] },
  { folder: '22-json-windows', template: 'template.json', recipes: ['windows-2022'] },
  { folder: '23-json-var-file', template: 'template.json', options: { varFile: ['vars.json'] }, recipes: ['nightly'] },
  { folder: '24-readme-side-by-side', template: 'web.pkr.hcl', recipes: ['web'] },
];

export interface Converted {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly out: string;
}

/** `bakery convert` on a fixture, from the fixture's folder or this one, into a new output folder. */
export async function convertFixture(fixture: Fixture, extra: Partial<ConvertCommandOptions> = {}): Promise<Converted> {
  const folder = join(CORPUS, fixture.folder);
  const inFolder = (path: string) => (fixture.fromFolder ? path : join(folder, path));
  const out = mkdtempSync(join(tmpdir(), `bakery-convert-${fixture.folder}-`));
  const options: ConvertCommandOptions = {
    var: [],
    only: [],
    json: true,
    ...fixture.options,
    ...extra,
    out,
    varFile: (fixture.options?.varFile ?? []).map(inFolder),
  };
  return inEnvironment(fixture.environment ?? {}, fixture.fromFolder ? folder : process.cwd(), async () => {
    const terminal = capturingTerminal();
    const code = await runConvert(inFolder(fixture.template), options, terminal);
    return { code, stdout: terminal.stdout(), stderr: terminal.stderr(), out };
  });
}

async function inEnvironment<T>(environment: Record<string, string>, cwd: string, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  const savedCwd = process.cwd();
  Object.assign(process.env, environment);
  process.chdir(cwd);
  try {
    return await run();
  } finally {
    process.chdir(savedCwd);
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

export function capturingTerminal(): Terminal & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    out: { write: (text: string) => (out += text) },
    err: { write: (text: string) => (err += text) },
    interactive: false,
    colors: pc.createColors(false),
    errColors: pc.createColors(false),
    columns: () => 120,
    stdout: () => out,
    stderr: () => err,
  };
}
