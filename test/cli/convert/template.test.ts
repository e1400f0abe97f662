/**
 * Loading a Packer HCL2 template for `bakery convert`: Packer's folder rules, variables by Packer's precedence,
 * locals on first use, and data sources and build variables left for bake time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bakeTimeMarker } from '../../../cli/convert/hcl/bake-time';
import { evaluate } from '../../../cli/convert/hcl/evaluate';
import { loadTemplate, PackerTemplate } from '../../../cli/convert/packer/load-template';

const VARIABLES = `
variable "region" {
  type    = string
  default = "us-east-1"
}
variable "instance_types" {
  type    = list(string)
  default = ["t3.small"]
}
variable "team" {
  type = string
}
variable "password" {
  type      = string
  default   = "x"
  sensitive = true
}
`;

const SOURCE = `
locals {
  name   = "web-\${var.region}"
  stamp  = regex_replace(timestamp(), "[- TZ:]", "")
  loop_a = local.loop_b
  loop_b = local.loop_a
}
data "amazon-ami" "ubuntu" {
  filters = { name = "ubuntu/images/*24.04*" }
  owners  = ["099720109477"]
}
source "amazon-ebs" "web" {
  ami_name   = "\${local.name}-\${local.stamp}"
  source_ami = data.amazon-ami.ubuntu.id
}
build {
  sources = ["source.amazon-ebs.web"]
}
`;

function folder(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'bakery-packer-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

/** The value of an attribute of the template's first `source` block. */
function sourceAttribute(template: PackerTemplate, name: string) {
  const source = template.blocks.find((block) => block.type === 'source')!;
  return evaluate(source.body.attributes.find((attribute) => attribute.name === name)!.expression, template.scope);
}

const NO_INPUTS = { varFiles: [], vars: [], environment: {} };

describe('loading a template', () => {
  test('a folder is every *.pkr.hcl in it, in name order, with its *.auto.pkrvars.hcl', async () => {
    const directory = folder({ 'variables.pkr.hcl': VARIABLES, 'web.pkr.hcl': SOURCE, 'team.auto.pkrvars.hcl': 'team = "platform"\n', 'notes.txt': 'x' });

    const template = await loadTemplate(directory, NO_INPUTS);

    expect(template.blocks.map((block) => block.type)).toEqual(['variable', 'variable', 'variable', 'variable', 'locals', 'data', 'source', 'build']);
    expect(template.variables.get('team')).toMatchObject({ value: 'platform', from: join(directory, 'team.auto.pkrvars.hcl') });
    expect(template.variables.get('password')).toMatchObject({ sensitive: true, value: 'x' });
    expect(template.root).toBe(directory);
  });

  test('variables follow Packer\'s precedence: default, PKR_VAR_, auto var files, --var-file, --var', async () => {
    const directory = folder({ 'a.pkr.hcl': VARIABLES, 'z.auto.pkrvars.hcl': 'region = "eu-west-1"\nteam = "auto"\n' });
    const json = join(directory, 'prod.json');
    writeFileSync(json, JSON.stringify({ region: 'eu-central-1' }));
    const hcl = join(directory, 'prod.pkrvars.hcl');
    writeFileSync(hcl, 'instance_types = ["m5.large", "m5a.large"]\n');

    const template = await loadTemplate(directory, {
      varFiles: [json, hcl],
      vars: ['team=cli', 'instance_types=["c5.large"]'],
      environment: { PKR_VAR_region: 'ap-south-1', PKR_VAR_team: 'env' },
    });

    expect(template.variables.get('region')).toMatchObject({ value: 'eu-central-1', from: json });
    expect(template.variables.get('team')).toMatchObject({ value: 'cli', from: '--var' });
    expect(template.variables.get('instance_types')).toMatchObject({ value: ['c5.large'], from: '--var' });
  });

  test('locals are evaluated when used; timestamp() and data sources stay for bake time', async () => {
    const directory = folder({ 'variables.pkr.hcl': VARIABLES, 'web.pkr.hcl': SOURCE });

    const template = await loadTemplate(directory, { ...NO_INPUTS, vars: ['team=platform'] });

    expect(sourceAttribute(template, 'ami_name')).toBe(`web-us-east-1-${bakeTimeMarker('timestamp')}`);
    expect(sourceAttribute(template, 'source_ami')).toBe(bakeTimeMarker('data.amazon-ami.ubuntu'));
  });

  test.each([
    ['a variable without a value, where it is used', { 'v.pkr.hcl': VARIABLES, 's.pkr.hcl': 'source "amazon-ebs" "a" {\n  ami_name = var.team\n}\n' }, [],
      /v\.pkr\.hcl:10: variable "team" has no value; set it with --var team=\.\.\., a --var-file, or PKR_VAR_team/],
    ['a local that refers to itself', { 's.pkr.hcl': 'locals {\n  a = local.b\n  b = local.a\n}\nsource "amazon-ebs" "a" {\n  ami_name = local.a\n}\n' }, [],
      /s\.pkr\.hcl:\d: local "a" refers to itself/],
    ['--var for an undeclared variable', { 'v.pkr.hcl': VARIABLES }, ['colour=blue'], /--var colour=blue: expected name=value for a declared variable \(region, instance_types, team, password\)/],
    ['a folder without templates', { 'README.md': '# x' }, [], /the folder holds no \*\.pkr\.hcl file/],
  ])('%s fails with the file, line and cause', async (_what, files, vars, message) => {
    const load = async () => {
      const template = await loadTemplate(folder(files), { ...NO_INPUTS, vars });
      return sourceAttribute(template, 'ami_name');
    };
    await expect(load()).rejects.toThrow(message);
  });
});
