/**
 * The HCL layer of `bakery convert`: tree-sitter's HCL grammar parses blocks and attributes in order with their
 * lines, and the evaluator computes what Packer would, with `timestamp()` left for bake time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bakeTimeMarker, renderBakeTime } from '../../../cli/convert/hcl/bake-time';
import { evaluate, Scope } from '../../../cli/convert/hcl/evaluate';
import { parseHcl } from '../../../cli/convert/hcl/parse-hcl';
import { ConvertError, Value } from '../../../cli/convert/hcl/syntax';

const VARIABLES: Record<string, Value> = { region: 'eu-west-1', subnets: ['subnet-a', '', 'subnet-b'], size: 20, prod: true, tags: { team: 'platform' } };
const scope: Scope = {
  lookup: (name, at) => {
    if (name === 'var') return VARIABLES;
    if (name === 'local') return { prefix: 'web' };
    throw new ConvertError(at, `unknown name ${name}`);
  },
};

/** The value of one expression, written as HCL. */
async function value(expression: string): Promise<Value> {
  const body = await parseHcl('test.pkr.hcl', `x = ${expression}\n`);
  return evaluate(body.attributes[0].expression, scope);
}

describe('parsing', () => {
  test('blocks and attributes keep their order, labels and lines, across block types', async () => {
    const body = await parseHcl('t.pkr.hcl', [
      'build {',
      '  sources = ["source.amazon-ebs.a"]',
      '  provisioner "shell" { inline = ["one"] }',
      '  provisioner "file" {',
      '    source      = "a.conf"',
      '    destination = "/etc/a.conf"',
      '  }',
      '  provisioner "shell" { inline = ["two"] }',
      '}',
    ].join('\n'));

    const build = body.blocks[0];
    expect(build.body.blocks.map((block) => [block.type, block.labels, block.line])).toEqual([
      ['provisioner', ['shell'], 3], ['provisioner', ['file'], 4], ['provisioner', ['shell'], 8],
    ]);
    expect(build.body.blocks[1].body.attributes.map((attribute) => [attribute.name, attribute.line])).toEqual([['source', 5], ['destination', 6]]);
  });

  test('a syntax error names the file and the line', async () => {
    await expect(parseHcl('broken.pkr.hcl', 'source "amazon-ebs" "a" {\n  ami_name = \n  x = [1,\n}\n')).rejects.toThrow(/^broken\.pkr\.hcl:\d+: HCL syntax error/);
  });

  test('heredocs keep their text; <<- removes the common indentation', async () => {
    expect(await value('<<EOF\n#!/bin/bash\n  echo ${var.region}\nEOF')).toBe('#!/bin/bash\n  echo eu-west-1\n');
    expect(await value('<<-EOF\n    #!/bin/bash\n      echo ${var.region} done\n    EOF')).toBe('#!/bin/bash\n  echo eu-west-1 done\n');
  });
});

describe('evaluation', () => {
  test.each([
    ['"${local.prefix}-${var.region}"', 'web-eu-west-1'],
    ['"a \\"quoted\\" $${HOME}\\n"', 'a "quoted" ${HOME}\n'],
    ['"${var.subnets}"', ['subnet-a', '', 'subnet-b']],
    ['var.prod ? "prod" : "dev"', 'prod'],
    ['var.size * 2 + 1', 41],
    ['(1 + 2) * var.size', 60],
    ['!var.prod || var.region == "eu-west-1"', true],
    ['-var.size', -20],
    ['var.size >= 20 && length(var.subnets) == 3', true],
    ['[for s in var.subnets : upper(s) if s != ""]', ['SUBNET-A', 'SUBNET-B']],
    ['{ for k, v in var.tags : "x-${k}" => v }', { 'x-team': 'platform' }],
    ['[{ id = "a" }, { id = "b" }][*].id', ['a', 'b']],
    ['merge(var.tags, { Name = "web" })', { team: 'platform', Name: 'web' }],
    ['lookup(var.tags, "owner", "nobody")', 'nobody'],
    ['coalesce("", var.region)', 'eu-west-1'],
    ['join(",", concat(["a"], ["b", "c"]))', 'a,b,c'],
    ['split("-", var.region)[1]', 'west'],
    ['replace(var.region, "-", "_")', 'eu_west_1'],
    ['regex_replace("v1.2.3", "[.]", "-")', 'v1-2-3'],
    ['format("%s-%d", "web", 7)', 'web-7'],
    ['trimspace("  x  ")', 'x'],
    ['lower("ABC")', 'abc'],
    ['try(var.missing, "fallback")', 'fallback'],
    ['formatdate("YYYY-MM-DD hh:mm", "2026-11-29T10:05:00Z")', '2026-11-29 10:05'],
  ])('%s is %j', async (expression, expected) => {
    expect(await value(expression)).toEqual(expected);
  });

  test('timestamp() stays a bake-time value through the functions templates wrap it in', async () => {
    const name = await value('"web-${regex_replace(timestamp(), "[- TZ:]", "")}"');
    const date = await value('"web-${formatdate("YYYY-MM-DD", timestamp())}"');
    const upper = await value('upper("web-${timestamp()}")');

    expect(name).toBe(`web-${bakeTimeMarker('timestamp')}`);
    expect(renderBakeTime(name as string, (marker) => `{{${marker}}}`)).toBe('web-{{timestamp}}');
    expect(date).toBe(`web-${bakeTimeMarker('date')}`);
    expect(upper).toBe(`WEB-${bakeTimeMarker('timestamp')}`);
  });

  test('file() and templatefile() read relative to the working directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'bakery-hcl-'));
    writeFileSync(join(directory, 'motd.txt'), 'hello\n');
    writeFileSync(join(directory, 'user-data.tpl'), '#!/bin/bash\necho ${name} > /etc/motd\n');

    expect(await value(`file("${directory}/motd.txt")`)).toBe('hello\n');
    expect(await value(`templatefile("${directory}/user-data.tpl", { name = var.region })`)).toBe('#!/bin/bash\necho eu-west-1 > /etc/motd\n');
  });

  test.each([
    ['var.nope', 'test.pkr.hcl:1: an object with region, subnets, size, prod, tags has no attribute "nope"'],
    ['unknown_fn(1)', 'test.pkr.hcl:1: unknown function unknown_fn()'],
    ['var.tags ? 1 : 2', 'test.pkr.hcl:1: expected true or false, got an object with team'],
    ['file("does/not/exist")', 'test.pkr.hcl:1: file(): cannot read does/not/exist'],
  ])('%s fails naming the file, the line and the cause', async (expression, message) => {
    await expect(value(expression)).rejects.toThrow(message);
  });
});
