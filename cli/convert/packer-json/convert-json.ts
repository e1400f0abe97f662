/**
 * A legacy JSON template converted into recipes. Its strings are rendered with Packer's template engine, then it
 * is made into the blocks an HCL2 template has: each `builders` entry a source with a build of its own holding
 * the provisioners meant for it (`only`, `except` and `override` applied) and the post-processors, so both
 * formats convert through the same mapping and report.
 */
import { dirname, resolve } from 'node:path';
import type { Node } from 'jsonc-parser';
import { JsonFile, JsonMember, parseJsonFile } from './json-file';
import { userVariables, UserVariables } from './json-variables';
import { EngineContext, renderTemplateString } from './template-engine';
import { asString } from '../hcl/evaluate';
import { Attribute, Block, ConvertError, Place, Value } from '../hcl/syntax';
import { BuildSelection, Conversion, convertBuilds } from '../packer/convert-builds';
import type { PackerTemplate } from '../packer/load-template';
import { readText } from '../packer/template-files';
import type { Variable, VariableInputs } from '../packer/variables';
import { Report } from '../report';

/** Builder settings written as objects in JSON and as blocks in HCL2. */
const NESTED_BLOCKS = new Set([
  'source_ami_filter', 'launch_block_device_mappings', 'ami_block_device_mappings', 'metadata_options', 'assume_role', 'aws_polling',
  'vpc_filter', 'subnet_filter', 'security_group_filter', 'deregistration_protection',
]);

/** Top-level keys the bakery has no use for. */
const SETTINGS: Record<string, string> = {
  'variables': 'evaluated while converting',
  'sensitive-variables': 'evaluated while converting',
  'description': 'a template\'s description; put it in ami.description if the image should carry it',
  'min_packer_version': 'the bakery needs no Packer version',
};

export async function convertJsonTemplate(path: string, options: VariableInputs & BuildSelection): Promise<Conversion> {
  const json = parseJsonFile(path, readText(path));
  const templateDir = resolve(dirname(path));
  const user = userVariables(json, options, templateDir);
  const report = new Report();
  const top = json.members(json.root, 'the template');
  for (const member of top) {
    if (Object.hasOwn(SETTINGS, member.key)) report.notNeeded(member.place, member.key, SETTINGS[member.key]);
    else if (!['builders', 'provisioners', 'post-processors'].includes(member.key)) report.notCarried(member.place, member.key, 'not a key of a Packer template');
  }
  const section = (key: string) => top.find((member) => member.key === key)?.node;
  const render = renderer(user, templateDir);
  const postProcessors = postProcessorBlocks(json, section('post-processors'));
  const blocks = json.items(section('builders'), '"builders"').flatMap((node) => {
    const source = sourceBlock(json, node, render);
    const [type, name] = source.labels;
    const build: Block = {
      ...source,
      type: 'build',
      labels: [],
      body: {
        attributes: [literal('sources', [`source.${type}.${name}`], source)],
        blocks: [...provisionerBlocks(json, section('provisioners'), { type, name }, render), ...postProcessors],
      },
    };
    return [source, build];
  });
  if (blocks.length === 0) throw new ConvertError(json.place(json.root), 'the template has no builders');
  const template: PackerTemplate = {
    root: templateDir,
    variables: sensitiveVariables(json, top.find((member) => member.key === 'sensitive-variables'), user),
    blocks,
    scope: { lookup: (name, at) => { throw new ConvertError(at, `"${name}" is not a value of a JSON template`); } },
  };
  return convertBuilds(template, options, report);
}

/** `"sensitive-variables": ["password"]`, as variables marked sensitive with their values. */
function sensitiveVariables(json: JsonFile, member: JsonMember | undefined, user: UserVariables): Map<string, Variable> {
  const names = member ? json.items(member.node, '"sensitive-variables"').map((node) => json.value(node)).filter((name) => typeof name === 'string') : [];
  return new Map(names.map((name) => [name, { ...member!.place, name, sensitive: true, value: user(name, member!.place) }]));
}

/** Renders a JSON value's strings (and object keys) with the template engine, for one builder. */
type Render = (value: Value, place: Place, builder?: { type: string; name: string }) => Value;

function renderer(user: UserVariables, templateDir: string): Render {
  const render: Render = (value, place, builder) => {
    const context: EngineContext = { user, templateDir, place, buildName: builder?.name, buildType: builder?.type };
    if (typeof value === 'string') return renderTemplateString(value, context);
    if (Array.isArray(value)) return value.map((item) => render(item, place, builder));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [renderTemplateString(key, context), render(item, place, builder)]));
    }
    return value;
  };
  return render;
}

function literal(name: string, value: Value, place: Place): Attribute {
  return { name, file: place.file, line: place.line, expression: { kind: 'literal', value, file: place.file, line: place.line } };
}

/** A builder as a source block: `type` and `name` as its labels, objects such as `source_ami_filter` as nested blocks. */
function sourceBlock(json: JsonFile, node: Node, render: Render): Block {
  const members = json.members(node, 'a builder');
  const field = (key: string) => members.find((member) => member.key === key);
  const typeMember = field('type');
  const type = typeMember ? json.value(typeMember.node) : undefined;
  if (typeof type !== 'string') throw new ConvertError(json.place(node), 'a builder needs "type", such as "amazon-ebs"');
  const nameValue = field('name') ? json.value(field('name')!.node) : type;
  if (typeof nameValue !== 'string') throw new ConvertError(field('name')!.place, 'a builder\'s "name" must be a string');
  const builder = { type, name: nameValue };
  const settings = members.filter((member) => member.key !== 'type' && member.key !== 'name');
  return {
    file: json.file,
    line: json.place(node).line,
    type: 'source',
    labels: [type, builder.name],
    body: {
      attributes: settings.filter((member) => !isNestedBlock(member))
        .map((member) => literal(member.key, render(json.value(member.node), member.place, builder), member.place)),
      blocks: settings.filter((member) => isNestedBlock(member)).flatMap((member) => nestedBlocks(json, member, render, builder)),
    },
  };
}

function isNestedBlock(member: JsonMember): boolean {
  return NESTED_BLOCKS.has(member.key) && (member.node.type === 'object' || member.node.type === 'array');
}

/** `"launch_block_device_mappings": [{...}, {...}]` as one block each. */
function nestedBlocks(json: JsonFile, member: JsonMember, render: Render, builder: { type: string; name: string }): Block[] {
  const nodes = member.node.type === 'array' ? json.items(member.node, member.key) : [member.node];
  return nodes.map((node) => {
    const place = json.place(node);
    const values = render(json.value(node), place, builder);
    if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new ConvertError(place, `each of "${member.key}" must be an object`);
    return {
      ...place,
      type: member.key,
      labels: [],
      body: { attributes: Object.entries(values).map(([key, value]) => literal(key, value, place)), blocks: [] },
    };
  });
}

/** The provisioners meant for one builder (`only`, `except`), with its `override` applied, as provisioner blocks. */
function provisionerBlocks(json: JsonFile, node: Node | undefined, builder: { type: string; name: string }, render: Render): Block[] {
  return json.items(node, '"provisioners"').flatMap((provisioner) => {
    const place = json.place(provisioner);
    const written = json.value(provisioner);
    if (written === null || typeof written !== 'object' || Array.isArray(written) || typeof written.type !== 'string') {
      throw new ConvertError(place, 'a provisioner must be an object with a "type", such as "shell"');
    }
    const { type, only, except, override, ...settings } = written;
    const names = (list: Value | undefined) => (Array.isArray(list) ? list.map((item) => asString(item, place)) : undefined);
    if (names(only) && !names(only)!.includes(builder.name)) return [];
    if (names(except)?.includes(builder.name)) return [];
    const overridden = (override as { [name: string]: Value } | undefined)?.[builder.name];
    const values = { ...settings, ...(overridden && typeof overridden === 'object' && !Array.isArray(overridden) ? overridden : {}) };
    const rendered = render(values, place, builder) as { [key: string]: Value };
    return [{ ...place, type: 'provisioner', labels: [type], body: { attributes: Object.entries(rendered).map(([key, value]) => literal(key, value, place)), blocks: [] } }];
  });
}

/** `"post-processors"`: names, objects with a `type`, and sequences of them. */
function postProcessorBlocks(json: JsonFile, node: Node | undefined): Block[] {
  const block = (item: Node): Block[] => {
    const place = json.place(item);
    if (item.type === 'array') return json.items(item, 'a post-processor sequence').flatMap(block);
    const value = json.value(item);
    const type = typeof value === 'string' ? value : (value as { type?: Value } | null)?.type;
    if (typeof type !== 'string') throw new ConvertError(place, 'a post-processor is a name or an object with a "type"');
    return [{ ...place, type: 'post-processor', labels: [type], body: { attributes: [], blocks: [] } }];
  };
  return json.items(node, '"post-processors"').flatMap(block);
}
