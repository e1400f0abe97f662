/**
 * `bakery convert --cdk`: TypeScript that registers the converted recipes with an `AmiBakery`, written with the
 * construct's own API (`SourceImage`, `ProvisionStep`, `Duration`), files named relative to the recipes folder.
 * A recipe field the construct's options cannot express is named in a comment, so nothing is dropped silently.
 */
import { relative } from 'node:path';
import type { RecipeDraft } from './packer/recipe-fields';
import type { WrittenRecipe } from './write-recipes';

type Fields = { [key: string]: unknown };

/** A TypeScript literal: strings in single quotes, objects and arrays on one line. */
function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : literal(name));
    return `{ ${Object.entries(value).map(([name, item]) => `${key(name)}: ${literal(item)}`).join(', ')} }`;
  }
  return String(value);
}

/** What a snippet of converted recipes says first. */
const CONVERTED = 'Registers the converted recipes with an AmiBakery. Paths are relative to this file\'s folder, as for the recipes.';

/** The snippet for every written recipe; `outDirectory` is where the recipes and their files are. */
export function cdkSnippet(recipes: readonly WrittenRecipe[], outDirectory: string, header = CONVERTED): string {
  const folder = relative(process.cwd(), outDirectory) || '.';
  const body = recipes.flatMap((recipe) => [...recipeLines(recipe.document), '']);
  const uses = (name: string) => body.some((line) => line.includes(name));
  const cdkImports = [
    ...(uses('Duration.') ? ['Duration'] : []),
    ...(uses('ec2.') ? ['aws_ec2 as ec2'] : []),
    ...(uses('kms.') ? ['aws_kms as kms'] : []),
  ];
  const lines = [
    `// ${header}`,
    ...(uses('path.join(') ? ['import * as path from \'node:path\';'] : []),
    ...(cdkImports.length > 0 ? [`import { ${cdkImports.join(', ')} } from 'aws-cdk-lib';`] : []),
    `import { AmiBakery, ${uses('ProvisionStep.') ? 'ProvisionStep, ' : ''}SourceImage } from 'cdk-ami-bakery';`,
    '',
    ...(uses('path.join(') ? [`const files = path.join(__dirname, ${literal(folder)});`] : []),
    'declare const bakery: AmiBakery;',
    '',
    ...body,
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

function recipeLines(document: RecipeDraft): string[] {
  const left: string[] = [];
  const id = constructId(String(document.name));
  const options = [
    `recipeName: ${literal(document.name)}`,
    `source: ${sourceImage(document.source as Fields | undefined, left)}`,
    ...instanceOptions((document.instance ?? {}) as Fields, left),
    ...amiOptions((document.ami ?? {}) as Fields, left, id),
    ...distributionOption(document.distribution as Fields | undefined, left, id),
    ...(document.windows !== undefined ? [`windowsSysprep: ${literal((document.windows as Fields).sysprep)}`] : []),
    `steps: [\n${((document.steps ?? []) as Fields[]).map((step) => `    ${stepCall(step)},`).join('\n')}\n  ]`,
  ];
  return [
    ...(left.length > 0 ? [`// Not set through addRecipe: ${left.join(', ')}; see the recipe file.`] : []),
    `bakery.addRecipe(${literal(id)}, {`,
    ...options.map((option) => `  ${option},`),
    '});',
  ];
}

/** `web-server` as `WebServer`. */
function constructId(name: string): string {
  return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((part) => part[0].toUpperCase() + part.slice(1)).join('') || 'Recipe';
}

function sourceImage(source: Fields | undefined, left: string[]): string {
  if (source?.amiId) return `SourceImage.fromAmiId(${literal(source.amiId)})`;
  if (source?.ssmParameter) return `SourceImage.fromSsmParameter(${literal(source.ssmParameter)})`;
  const { architecture, ...filter } = (source?.filter ?? {}) as Fields;
  const known = architecture === undefined ? undefined : ARCHITECTURES[String(architecture)];
  if (architecture !== undefined && known === undefined) left.push('source.filter.architecture');
  const options = Object.entries(filter).map(([key, value]) => `${key}: ${literal(value)}`);
  return `SourceImage.fromFilter({ ${[...options, ...(known ? [`architecture: ${known}`] : [])].join(', ')} })`;
}

/** The architectures `SourceImage.fromFilter` takes, by the name EC2 gives them. */
const ARCHITECTURES: Record<string, string> = { x86_64: 'ec2.InstanceArchitecture.X86_64', arm64: 'ec2.InstanceArchitecture.ARM_64' };

/** An instance type list as `ec2.InstanceType`s. */
function instanceTypes(types: unknown): string {
  return `[${(types as string[]).map((type) => `new ec2.InstanceType(${literal(type)})`).join(', ')}]`;
}

/**
 * A KMS key the document names, imported into the app by ARN or alias name (`bakery` as scope); undefined for a
 * bare key id, which CDK can import only by ARN.
 */
function importedKey(keyId: unknown, constructIdOfKey: string): string | undefined {
  const key = String(keyId);
  if (key.startsWith('arn:')) return `kms.Key.fromKeyArn(bakery, ${literal(constructIdOfKey)}, ${literal(key)})`;
  if (key.startsWith('alias/')) return `kms.Alias.fromAliasName(bakery, ${literal(constructIdOfKey)}, ${literal(key)})`;
  return undefined;
}

function instanceOptions(instance: Fields, left: string[]): string[] {
  const root = (instance.rootVolume ?? {}) as Fields;
  left.push(...Object.keys(instance).filter((key) => !['types', 'spot', 'spotFallback', 'userData', 'rootVolume'].includes(key)).map((key) => `instance.${key}`));
  left.push(...Object.keys(root).filter((key) => !['sizeGiB', 'type'].includes(key)).map((key) => `instance.rootVolume.${key}`));
  return [
    ...(instance.types ? [`instanceTypes: ${instanceTypes(instance.types)}`] : []),
    ...(instance.spot !== undefined ? [`spot: ${literal(instance.spot)}`] : []),
    ...(instance.spotFallback !== undefined ? [`spotFallback: ${literal(instance.spotFallback)}`] : []),
    ...(instance.userData !== undefined ? [`userData: ${literal(instance.userData)}`] : []),
    ...(root.sizeGiB !== undefined ? [`rootVolumeSize: ${literal(root.sizeGiB)}`] : []),
    ...(root.type !== undefined ? [`rootVolumeType: ec2.EbsDeviceVolumeType.${String(root.type).toUpperCase()}`] : []),
  ];
}

const AMI_OPTIONS: Record<string, string> = {
  name: 'amiName',
  description: 'description',
  tags: 'tags',
  encrypted: 'encrypted',
  forceDeregister: 'forceDeregister',
  deregistrationProtection: 'deregistrationProtection',
};

function amiOptions(ami: Fields, left: string[], id: string): string[] {
  left.push(...Object.keys(ami).filter((key) => !(key in AMI_OPTIONS) && !['deprecateAfterDays', 'kmsKeyId'].includes(key)).map((key) => `ami.${key}`));
  const imageKey = ami.kmsKeyId === undefined ? undefined : importedKey(ami.kmsKeyId, `${id}Key`);
  if (ami.kmsKeyId !== undefined && imageKey === undefined) left.push('ami.kmsKeyId');
  return [
    ...(imageKey ? [`kmsKey: ${imageKey}`] : []),
    ...Object.entries(ami).filter(([key]) => key in AMI_OPTIONS).map(([key, value]) => `${AMI_OPTIONS[key]}: ${literal(value)}`),
    ...(ami.deprecateAfterDays !== undefined ? [`deprecateAfter: Duration.days(${literal(ami.deprecateAfterDays)})`] : []),
  ];
}

function distributionOption(distribution: Fields | undefined, left: string[], id: string): string[] {
  if (!distribution) return [];
  const { sharing, ssmParameter, kmsKeyIds, ...rest } = distribution;
  const { public: makePublic, ...sharingRest } = (sharing ?? {}) as Fields;
  const options: Fields = {
    ...rest,
    ...(ssmParameter !== undefined ? { ssmParameterName: ssmParameter } : {}),
    ...(sharing ? { sharing: { ...sharingRest, ...(makePublic !== undefined ? { makePublic } : {}) } } : {}),
  };
  const keys = Object.entries((kmsKeyIds ?? {}) as Fields).map(([region, keyId]) => importedKey(keyId, `${id}Key-${region}`));
  if (keys.some((key) => key === undefined || !String(key).startsWith('kms.Key.fromKeyArn'))) left.push('distribution.kmsKeyIds');
  const entries = Object.entries(options).map(([key, value]) => `${key}: ${literal(value)}`);
  if (keys.length > 0 && !left.includes('distribution.kmsKeyIds')) entries.push(`kmsKeys: [${keys.join(', ')}]`);
  return [`distribution: { ${entries.join(', ')} }`];
}

/** One step as a `ProvisionStep` call; local sources joined to the recipes folder, timeouts as durations. */
function stepCall(step: Fields): string {
  const [kind, written] = Object.entries(step)[0] as [string, Fields];
  if (kind === 'reboot') return 'ProvisionStep.reboot()';
  const { timeoutSeconds, source, ...options } = written;
  const parts = [
    ...(typeof source === 'string' ? [`source: ${source.startsWith('s3://') ? literal(source) : `path.join(files, ${literal(source)})`}`] : []),
    ...Object.entries(options).map(([key, value]) => `${key}: ${literal(value)}`),
    ...(timeoutSeconds !== undefined ? [`timeout: Duration.seconds(${literal(timeoutSeconds)})`] : []),
  ];
  return `ProvisionStep.${kind}({ ${parts.join(', ')} })`;
}
