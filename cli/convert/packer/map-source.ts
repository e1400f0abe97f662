/**
 * An `amazon-ebs` source as recipe fields: its attributes through the table of `amazon-ebs.ts`, its nested blocks
 * (`source_ami_filter`, the root of `launch_block_device_mappings`, `dynamic` ones expanded), `user_data_file` read
 * in, and a source image from `data "amazon-ami"` or `data "amazon-parameterstore"` as a filter or a parameter that
 * the bakery resolves at every bake.
 */
import { amazonEbsMapper, isConnectionSetting } from './amazon-ebs';
import { BlockValue, nestedBlocks } from './block-values';
import type { PackerTemplate } from './load-template';
import { localPath } from './local-paths';
import { BUILD_PLACEHOLDERS, carry, FieldContext, getField, RecipeDraft, recipeText } from './recipe-fields';
import { readText } from './template-files';
import { bakeTimeNames } from '../hcl/bake-time';
import { asNumber, asString, evaluate } from '../hcl/evaluate';
import { Block, ConvertError, Value } from '../hcl/syntax';
import type { Report } from '../report';

/** Root devices of the images Packer templates build from (`/dev/sda1` for Ubuntu and Windows, `/dev/xvda` for Amazon Linux). */
const ROOT_DEVICES = ['/dev/sda1', '/dev/xvda'];

export function mapSource(block: Block, template: PackerTemplate, report: Report): RecipeDraft {
  const recipe: RecipeDraft = {};
  const name = `source.${block.labels.join('.')}`;
  const context = (place: FieldContext['place'], attribute: string): FieldContext => ({ place, attribute: `${name}.${attribute}`, recipe, report });
  for (const attribute of block.body.attributes) {
    const at = context(attribute, attribute.name);
    if (isConnectionSetting(attribute.name)) {
      report.notNeeded(attribute, at.attribute);
      continue;
    }
    const value = evaluate(attribute.expression, template.scope);
    if (attribute.name === 'source_ami' && typeof value === 'string' && bakeTimeNames(value).some((marker) => marker.startsWith('data.'))) {
      sourceFromData(value, template, at);
    } else if (attribute.name === 'user_data_file') {
      const file = asString(value, attribute);
      userData(readText(localPath(file, template.root, attribute, 'user_data_file')), at, `read from ${file}`);
    } else if (attribute.name === 'user_data') {
      userData(value, at);
    } else {
      const mapper = amazonEbsMapper(attribute.name);
      if (mapper) mapper(value, at);
      else report.notCarried(attribute, at.attribute, 'the recipe has no equivalent');
    }
  }
  for (const [type, values] of nestedBlocks(block.body, template.scope)) {
    values.forEach((nested, index) => {
      const at = context(nested.place, values.length > 1 ? `${type}[${index}]` : type);
      if (Object.hasOwn(TAG_BLOCKS, type)) tagBlock(TAG_BLOCKS[type], nested, at);
      else mapNestedBlock(type, nested, at);
    });
  }
  return recipe;
}

/** A Windows template's user data commonly only opens WinRM for Packer: SSM needs none of it, and it would weaken the image. */
const WINRM_SETUP = /winrm|wsman/i;

function userData(value: Value, context: FieldContext, note?: string): void {
  const text = recipeText(value, context);
  if (text === undefined) return;
  if (WINRM_SETUP.test(text)) {
    context.report.notNeeded(context.place, context.attribute, 'it sets up WinRM for Packer\'s connection, which SSM Run Command does not need; ' +
      'anything else it does belongs in a powershell step');
    return;
  }
  carry(context, 'instance.userData', text, note);
}

/** `tag { key = "..." value = "..." }` blocks (often `dynamic`), the block form of `tags`, `run_tags` and `snapshot_tags`. */
const TAG_BLOCKS: Record<string, string> = { tag: 'ami.tags', snapshot_tag: 'ami.tags', run_tag: 'instance.tags' };

function tagBlock(field: string, block: BlockValue, context: FieldContext): void {
  const { key, value } = block.values;
  if (typeof key !== 'string' || key === '') {
    context.report.notCarried(context.place, context.attribute, 'a tag block needs key and value');
    return;
  }
  const text = recipeText(value ?? '', context, BUILD_PLACEHOLDERS);
  if (text === undefined) return;
  // Set whole: a tag key may hold dots (`kubernetes.io/role`), which a dotted field path would split.
  carry(context, field, { ...getField(context.recipe, field) as Record<string, string> | undefined, [key]: text });
}

function mapNestedBlock(type: string, block: BlockValue, context: FieldContext): void {
  const { values } = block;
  if (type === 'source_ami_filter') {
    const filters = (values.filters ?? {}) as { [name: string]: Value };
    const filter = { owners: values.owners, name: filters.name, ...(filters.architecture ? { architecture: filters.architecture } : {}) };
    const others = Object.keys(filters).filter((key) => !['name', 'architecture', 'virtualization-type', 'root-device-type'].includes(key));
    const note = others.length > 0 ? `the filters ${others.join(', ')} are not kept: a recipe filters by owners, name and architecture` : undefined;
    carry(context, 'source.filter', filter, values.most_recent === false ? 'the newest matching image is used (most_recent = false is not kept)' : note);
  } else if (type === 'launch_block_device_mappings' && typeof values.device_name === 'string' && ROOT_DEVICES.includes(values.device_name)) {
    carry(context, 'instance.rootVolume', rootVolume(values, context.place));
  } else if (type === 'metadata_options') {
    context.report.notNeeded(context.place, context.attribute, 'the bakery always launches with IMDSv2 required');
  } else if (isConnectionSetting(type) || type === 'assume_role') {
    context.report.notNeeded(context.place, context.attribute, type === 'assume_role' ? 'the bakery\'s runner role makes every AWS call' : undefined);
  } else if (amazonEbsMapper(type)) {
    amazonEbsMapper(type)!(values, context);
  } else {
    context.report.notCarried(context.place, context.attribute, type === 'launch_block_device_mappings'
      ? 'only the root volume is set by a recipe (instance.rootVolume); other volumes come from the source image'
      : 'the recipe has no equivalent');
  }
}

function rootVolume(values: { [name: string]: Value }, place: FieldContext['place']): Record<string, unknown> {
  const volume: Record<string, unknown> = {};
  if (values.volume_size !== undefined) volume.sizeGiB = asNumber(values.volume_size, place);
  if (values.volume_type !== undefined) volume.type = asString(values.volume_type, place);
  if (values.iops !== undefined) volume.iops = asNumber(values.iops, place);
  if (values.throughput !== undefined) volume.throughputMiBps = asNumber(values.throughput, place);
  return volume;
}

/** `source_ami = data.amazon-ami.x.id` becomes `source.filter`; `data.amazon-parameterstore.x.value` becomes `source.ssmParameter`. */
function sourceFromData(value: string, template: PackerTemplate, context: FieldContext): void {
  const [, type, name] = bakeTimeNames(value).find((marker) => marker.startsWith('data.'))!.split('.');
  const data = template.blocks.find((block) => block.type === 'data' && block.labels[0] === type && block.labels[1] === name);
  if (!data) throw new ConvertError(context.place, `data "${type}" "${name}" is not declared`);
  const values = Object.fromEntries(data.body.attributes.map((attribute) => [attribute.name, evaluate(attribute.expression, template.scope)]));
  if (type === 'amazon-parameterstore') {
    const parameter = recipeText(values.name ?? null, context);
    if (parameter !== undefined) carry(context, 'source.ssmParameter', parameter, `from data "amazon-parameterstore" "${name}", read at every bake`);
    return;
  }
  if (type !== 'amazon-ami') {
    context.report.notCarried(context.place, context.attribute, `data "${type}" has no recipe equivalent; set source.amiId, source.ssmParameter or source.filter`);
    return;
  }
  const filters = (values.filters ?? {}) as { [key: string]: Value };
  const filter = { owners: values.owners, name: filters.name, ...(filters.architecture ? { architecture: filters.architecture } : {}) };
  carry(context, 'source.filter', filter, `from data "amazon-ami" "${name}", resolved at every bake (the newest image wins)`);
}
