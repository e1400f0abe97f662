/**
 * Converts a loaded Packer template (HCL2, or JSON made into the same blocks) into recipe documents: one recipe
 * per `amazon-ebs` source in each build (or only those `--only` names), with the source's fields, the build's
 * provisioners in order (honouring their `only` and `except`) as steps, and a report line for every block and
 * attribute.
 */
import type { PackerTemplate } from './load-template';
import { mapSource } from './map-source';
import { provisionerSteps, Step } from './provisioners';
import type { RecipeDraft } from './recipe-fields';
import { asString, evaluate } from '../hcl/evaluate';
import { Block, ConvertError } from '../hcl/syntax';
import { Report } from '../report';

export interface BuildSelection {
  /** `source.amazon-ebs.NAME` (or `amazon-ebs.NAME`, or `NAME`): convert only these sources. */
  readonly only: string[];
}

export interface ConvertedRecipe {
  readonly name: string;
  readonly document: RecipeDraft;
}

export interface Conversion {
  readonly recipes: ConvertedRecipe[];
  readonly report: Report;
  /** Values of variables the template marks sensitive, by variable name: the command warns when a recipe holds one. */
  readonly sensitive: Map<string, string>;
}

export function convertBuilds(template: PackerTemplate, options: BuildSelection, report = new Report()): Conversion {
  reportSettingBlocks(template, report);
  const sources = new Map(template.blocks.filter((block) => block.type === 'source').map((block) => [`source.${block.labels.join('.')}`, block]));
  const recipes: ConvertedRecipe[] = [];
  for (const build of template.blocks.filter((block) => block.type === 'build')) {
    for (const { reference, source, name } of buildSources(build, sources, template)) {
      if (!selected(reference, name ?? source.labels[1], options.only)) continue;
      if (source.labels[0] !== 'amazon-ebs') {
        report.notCarried(source, reference, `the bakery bakes EBS-backed AMIs like amazon-ebs; ${source.labels[0]} sources are not converted`);
        continue;
      }
      recipes.push(convertSource(build, { reference, source, name }, template, report, recipes));
    }
  }
  return { recipes, report, sensitive: sensitiveValues(template) };
}

/** `sensitive = true` variables that have a text value. */
function sensitiveValues(template: PackerTemplate): Map<string, string> {
  const values = [...template.variables].filter(([, variable]) => variable.sensitive && typeof variable.value === 'string' && variable.value !== '');
  return new Map(values.map(([name, variable]) => [name, variable.value as string]));
}

/** Whether `--only` lets the source through: by reference, by `type.name`, or by name alone. */
function selected(reference: string, name: string | undefined, only: readonly string[]): boolean {
  return only.length === 0 || only.some((entry) => [reference, reference.replace(/^source\./, ''), name].includes(entry));
}

/** `variable`, `locals`, `data` and `packer` blocks: evaluated while converting, never part of a recipe. */
function reportSettingBlocks(template: PackerTemplate, report: Report): void {
  for (const block of template.blocks) {
    const name = [block.type, ...block.labels].join('.');
    if (block.type === 'variable' || block.type === 'locals' || block.type === 'local') report.notNeeded(block, name, 'evaluated while converting');
    if (block.type === 'data') report.notNeeded(block, name, 'a source image the recipe resolves at every bake, where source_ami uses it');
    if (block.type === 'packer') report.notNeeded(block, name, 'the bakery needs no Packer version or plugins');
  }
}

interface BuildSource {
  readonly reference: string;
  readonly source: Block;
  /** `source "amazon-ebs.x" { name = "y" }` names the build's copy of the source. */
  readonly name?: string;
}

/** The sources a build names: `sources = [...]`, and `source "amazon-ebs.x" { ... }` blocks whose attributes override the source's. */
function buildSources(build: Block, sources: Map<string, Block>, template: PackerTemplate): BuildSource[] {
  const find = (reference: string, at: Block | Block['body']['attributes'][number]) => {
    const source = sources.get(reference);
    if (!source) throw new ConvertError(at, `the build names ${reference}, which no source block declares (${[...sources.keys()].join(', ') || 'none'})`);
    return source;
  };
  const listed = build.body.attributes.filter((attribute) => attribute.name === 'sources').flatMap((attribute) => {
    const references = evaluate(attribute.expression, template.scope);
    return (Array.isArray(references) ? references : [references]).map((reference) => asString(reference, attribute.expression))
      .map((reference) => ({ reference, source: find(reference, attribute) }));
  });
  const overridden = build.body.blocks.filter((block) => block.type === 'source').map((block) => {
    const reference = `source.${block.labels[0]}`;
    const source = find(reference, block);
    const overrides = new Set(block.body.attributes.map((attribute) => attribute.name));
    const attributes = [...source.body.attributes.filter((attribute) => !overrides.has(attribute.name)), ...block.body.attributes];
    const name = block.body.attributes.find((attribute) => attribute.name === 'name');
    return {
      reference,
      source: { ...source, body: { attributes: attributes.filter((attribute) => attribute.name !== 'name'), blocks: source.body.blocks } },
      ...(name ? { name: asString(evaluate(name.expression, template.scope), name.expression) } : {}),
    };
  });
  return [...listed, ...overridden];
}

function convertSource(build: Block, buildSource: BuildSource, template: PackerTemplate, report: Report, done: ConvertedRecipe[]): ConvertedRecipe {
  const { reference, source } = buildSource;
  // A provisioner's `only` names a source renamed in the build by its new name: `amazon-ebs.<name>`.
  const named = buildSource.name ? `source.${source.labels[0]}.${buildSource.name}` : reference;
  const fields = mapSource(source, template, report);
  const steps: Step[] = [];
  build.body.blocks.forEach((block, index) => {
    if (block.type === 'provisioner' && appliesTo(block, named, template)) steps.push(...provisionerSteps(block, index, template, report));
    else if (block.type === 'post-processor' || block.type === 'post-processors') reportPostProcessors(block, report);
  });
  const name = recipeName(build, buildSource.name ?? source.labels[1] ?? 'recipe', template, done);
  const { source: image, instance, ...rest } = fields;
  // In the order the README's recipes are written: what it bakes from, on what, how, then the image.
  return { name, document: { schemaVersion: 1, name, source: image, ...(instance ? { instance } : {}), steps, ...rest } };
}

/** A provisioner's `only` and `except` name sources as `amazon-ebs.web` (or `source.amazon-ebs.web`). */
function appliesTo(block: Block, reference: string, template: PackerTemplate): boolean {
  const names = (attribute: string) => {
    const found = block.body.attributes.find((candidate) => candidate.name === attribute);
    const value = found ? evaluate(found.expression, template.scope) : undefined;
    return Array.isArray(value) ? value.map((item) => `source.${asString(item, found!).replace(/^source\./, '')}`) : undefined;
  };
  const only = names('only');
  const except = names('except');
  return (!only || only.includes(reference)) && !(except ?? []).includes(reference);
}

function reportPostProcessors(block: Block, report: Report): void {
  const processors = block.type === 'post-processors' ? block.body.blocks : [block];
  for (const processor of processors) {
    const name = `build.post-processor.${processor.labels[0]}`;
    if (processor.labels[0] === 'manifest') report.notNeeded(processor, name, 'every bake writes a manifest, which bakery build prints');
    else if (processor.labels[0] === 'shell-local') report.notCarried(processor, name, 'it runs on the Packer host, and a bake has no host; react to the "Bake Succeeded" event instead');
    else report.notCarried(processor, name, 'the bakery has no post-processors; distribution covers copies, sharing and SSM parameters');
  }
}

/** The source's name, made a valid recipe name; prefixed with the build's name when another recipe has it already. */
function recipeName(build: Block, sourceName: string, template: PackerTemplate, done: ConvertedRecipe[]): string {
  const clean = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63) || 'recipe';
  const base = clean(sourceName);
  if (!done.some((recipe) => recipe.name === base)) return base;
  const buildName = build.body.attributes.find((attribute) => attribute.name === 'name');
  const prefix = buildName ? asString(evaluate(buildName.expression, template.scope), buildName) : `build${done.length + 1}`;
  return clean(`${prefix}-${base}`);
}
