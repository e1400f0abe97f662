/**
 * A Packer HCL2 template converted into recipes: the amazon-ebs fields, the provisioners in order as steps, a
 * report line for every attribute and block, and recipes the bakery's own validator accepts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertHclTemplate } from '../../../cli/convert/packer/convert-hcl';
import { outcomeText } from '../../../cli/convert/report';
import { validateRecipe } from '../../../lambda/shared/validate-recipe';

const TEMPLATE = `
packer {
  required_plugins {
    amazon = { version = ">= 1.2.0", source = "github.com/hashicorp/amazon" }
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "volume_size" {
  type    = number
  default = 16
}

locals {
  stamp = regex_replace(timestamp(), "[- TZ:]", "")
  tags  = { team = "platform", os = "ubuntu" }
}

data "amazon-ami" "ubuntu" {
  filters = {
    name                = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
    virtualization-type = "hvm"
  }
  owners      = ["099720109477"]
  most_recent = true
  region      = var.region
}

source "amazon-ebs" "web" {
  region        = var.region
  source_ami    = data.amazon-ami.ubuntu.id
  instance_type = "t3.small"
  ssh_username  = "ubuntu"
  ami_name      = "web-\${local.stamp}"
  ami_regions   = ["us-east-1"]
  tags          = merge(local.tags, { Name = "web" })

  dynamic "launch_block_device_mappings" {
    for_each = [var.volume_size]
    content {
      device_name           = "/dev/sda1"
      volume_size           = launch_block_device_mappings.value
      volume_type           = "gp3"
      delete_on_termination = true
    }
  }
}

source "amazon-ebs" "worker" {
  region        = var.region
  source_ami    = "ami-0123456789abcdef0"
  instance_type = "t3.medium"
  ssh_username  = "ubuntu"
  ami_name      = "worker-\${local.stamp}"
}

build {
  name    = "linux"
  sources = ["source.amazon-ebs.web", "source.amazon-ebs.worker"]

  provisioner "shell" {
    inline          = ["apt-get update -y", "apt-get install -y nginx"]
    execute_command = "sudo -E sh -c '{{ .Vars }} {{ .Path }}'"
  }
  provisioner "file" {
    source      = "files/nginx.conf"
    destination = "/tmp/nginx.conf"
  }
  provisioner "shell" {
    scripts          = ["scripts/setup.sh"]
    environment_vars = ["SITE=web", "PORT=80"]
    only             = ["amazon-ebs.web"]
  }
  provisioner "shell" {
    inline            = ["sudo reboot"]
    expect_disconnect = true
  }
  provisioner "ansible-local" {
    playbook_file   = "ansible/site.yml"
    playbook_dir    = "ansible"
    extra_arguments = ["--extra-vars", "env=prod"]
    except          = ["amazon-ebs.worker"]
  }
  provisioner "breakpoint" {}
  post-processor "manifest" {
    output = "manifest.json"
  }
  post-processor "shell-local" {
    inline = ["echo done"]
  }
}
`;

function templateFolder(): string {
  const directory = mkdtempSync(join(tmpdir(), 'bakery-convert-'));
  for (const dir of ['files', 'scripts', 'ansible']) mkdirSync(join(directory, dir));
  writeFileSync(join(directory, 'web.pkr.hcl'), TEMPLATE);
  writeFileSync(join(directory, 'files/nginx.conf'), 'events {}\n');
  writeFileSync(join(directory, 'scripts/setup.sh'), '#!/bin/bash\necho setup\n');
  writeFileSync(join(directory, 'ansible/site.yml'), '- hosts: all\n');
  return directory;
}

describe('converting an HCL2 template', () => {
  const directory = templateFolder();
  const convert = (only: string[] = []) => {
    const cwd = process.cwd();
    process.chdir(directory);
    return convertHclTemplate(directory, { only, varFiles: [], vars: [], environment: {} }).finally(() => process.chdir(cwd));
  };

  test('each amazon-ebs source of the build becomes a recipe with its fields and the provisioners meant for it, in order', async () => {
    const { recipes } = await convert();

    expect(recipes.map((recipe) => recipe.name)).toEqual(['web', 'worker']);
    const [web, worker] = recipes.map((recipe) => recipe.document) as any[];
    expect(web).toMatchObject({
      schemaVersion: 1,
      name: 'web',
      source: { filter: { owners: ['099720109477'], name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*' } },
      instance: { types: ['t3.small'], rootVolume: { sizeGiB: 16, type: 'gp3' } },
      ami: { name: 'web-{{timestamp}}', tags: { team: 'platform', os: 'ubuntu', Name: 'web' } },
      distribution: { regions: ['us-east-1'] },
    });
    expect(web.steps).toEqual([
      { shell: { commands: ['apt-get update -y', 'apt-get install -y nginx'] } },
      { file: { source: join(directory, 'files/nginx.conf'), destination: '/tmp/nginx.conf' } },
      { script: { source: join(directory, 'scripts/setup.sh'), environment: { SITE: 'web', PORT: '80' } } },
      { reboot: {} },
      { ansible: { source: `${join(directory, 'ansible')}/`, playbook: 'site.yml', extraVars: { env: 'prod' } } },
    ]);
    expect(worker.source).toEqual({ amiId: 'ami-0123456789abcdef0' });
    expect(worker.steps.map((step: object) => Object.keys(step)[0])).toEqual(['shell', 'file', 'reboot']);
    for (const recipe of recipes) expect(validateRecipe(recipe.document).problems).toEqual([]);
  });

  test('--only converts the sources it names', async () => {
    const { recipes } = await convert(['source.amazon-ebs.worker']);
    expect(recipes.map((recipe) => recipe.name)).toEqual(['worker']);
  });

  test('the report says, line by line, what was carried, what is not needed and what was not carried', async () => {
    const { report } = await convert(['source.amazon-ebs.web']);
    const line = (attribute: string) => report.lines.find((candidate) => candidate.attribute === attribute);

    expect(line('source.amazon-ebs.web.instance_type')).toEqual({
      file: join(directory, 'web.pkr.hcl'), line: 36, attribute: 'source.amazon-ebs.web.instance_type', outcome: 'carried', field: 'instance.types',
    });
    expect(outcomeText(line('source.amazon-ebs.web.ssh_username')!)).toBe('not needed (SSM Run Command replaces SSH/WinRM)');
    expect(outcomeText(line('source.amazon-ebs.web.region')!)).toContain('not carried: a bakery bakes in the region it is deployed in');
    expect(line('build.provisioner[0] (shell)')?.reason).toBe('sudo in execute_command is dropped: SSM runs commands as root');
    expect(line('build.provisioner[5] (breakpoint)')?.outcome).toBe('not carried');
    expect(line('build.post-processor.manifest')?.outcome).toBe('not needed');
    expect(line('build.post-processor.shell-local')?.reason).toContain('it runs on the Packer host');
    expect(line('source.amazon-ebs.web.source_ami')?.field).toBe('source.filter');
  });

  test('a build\'s source block overrides the source\'s attributes and names the recipe; a source no block declares fails with its line', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bakery-convert-'));
    const base = 'source "amazon-ebs" "web" {\n  source_ami    = "ami-0123456789abcdef0"\n  instance_type = "t3.small"\n}\n';
    writeFileSync(join(folder, 'a.pkr.hcl'), `${base}build {\n  source "amazon-ebs.web" {\n    name          = "web-prod"\n    instance_type = "m5.large"\n  }\n  provisioner "shell" { inline = ["true"] }\n}\n`);
    const broken = mkdtempSync(join(tmpdir(), 'bakery-convert-'));
    writeFileSync(join(broken, 'b.pkr.hcl'), `${base}build {\n  sources = ["source.amazon-ebs.nope"]\n}\n`);
    const options = { only: [], varFiles: [], vars: [], environment: {} };

    const { recipes } = await convertHclTemplate(folder, options);

    expect(recipes).toEqual([expect.objectContaining({ name: 'web-prod', document: expect.objectContaining({ instance: { types: ['m5.large'] } }) })]);
    await expect(convertHclTemplate(broken, options)).rejects.toThrow(
      `${join(broken, 'b.pkr.hcl')}:6: the build names source.amazon-ebs.nope, which no source block declares (source.amazon-ebs.web)`);
  });

  test('public sharing, deprecation, tag blocks, WinRM user data, pauses and settings a step cannot carry', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bakery-convert-'));
    writeFileSync(join(folder, 'public.pkr.hcl'), `
source "amazon-ebs" "public" {
  source_ami    = "ami-0123456789abcdef0"
  ami_name      = "public-\${formatdate("YYYY-MM-DD", timestamp())}"
  encrypt_boot  = false
  ami_groups    = ["all"]
  ami_ou_arns   = ["arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefghij"]
  deprecate_at  = timeadd(timestamp(), "720h")
  user_data     = "<powershell>winrm quickconfig -q</powershell>"
  dynamic "tag" {
    for_each = { "kubernetes.io/role" = "node", Base = "{{ .SourceAMIName }}" }
    content {
      key   = tag.key
      value = tag.value
    }
  }
  run_tag {
    key   = "Purpose"
    value = "build"
  }
}
build {
  sources = ["source.amazon-ebs.public"]
  provisioner "shell" {
    inline       = ["echo ok"]
    pause_before = "45s"
    max_retries  = 3
    remote_folder = "/tmp"
  }
  provisioner "file" {
    content     = "hello"
    destination = "/etc/motd"
  }
}
`);

    const { recipes, report } = await convertHclTemplate(folder, { only: [], varFiles: [], vars: [], environment: {} });
    const line = (attribute: string) => report.lines.find((candidate) => candidate.attribute === attribute);

    expect(recipes[0].document).toEqual({
      schemaVersion: 1,
      name: 'public',
      source: { amiId: 'ami-0123456789abcdef0' },
      instance: { tags: { Purpose: 'build' } },
      steps: [
        { shell: { name: 'pause 45 s', commands: ['sleep 45'] } },
        { shell: { commands: ['echo ok'] } },
        { file: { content: 'hello', destination: '/etc/motd' } },
      ],
      ami: { name: 'public-{{date}}', encrypted: false, deprecateAfterDays: 30, tags: { 'kubernetes.io/role': 'node', 'Base': '{{sourceAmiName}}' } },
      distribution: {
        sharing: { public: true, allowPublic: true, organizationalUnitArns: ['arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefghij'] },
      },
    });
    expect(validateRecipe({ ...recipes[0].document, steps: [{ shell: { commands: ['true'] } }] }).problems).toEqual([]);
    expect(line('source.amazon-ebs.public.user_data')?.outcome).toBe('not needed');
    expect(outcomeText(line('build.provisioner[0] (shell).max_retries')!)).toMatch(/^not carried: a step that fails fails the bake/);
    expect(line('build.provisioner[0] (shell).remote_folder')?.outcome).toBe('not needed');
    expect(line('build.provisioner[0] (shell).pause_before')).toMatchObject({ outcome: 'carried', field: 'steps[].shell' });
  });
});
