/**
 * Step "Prepare build": reads the execution input, loads and validates the recipe, resolves the
 * source image, renders the AMI name and tags, and refuses a name that is already taken. It makes
 * no EC2 call before the recipe is valid. With `rebuild: "whenSourceChanges"`, when the recipe's newest
 * image was baked from the same source image and recipe, it sets `skipped` (a SKIPPED manifest) and the
 * state machine ends the execution there, successfully.
 *
 * Only registered recipes run, with overrides of the fields the app allowed, unless the app lets ad-hoc recipes
 * (inline documents) run within bounds (`RECIPE_POLICY`); anything beyond is refused before any EC2 call.
 *
 * Event: `{ input: {"recipe": {...}} | {"recipeName": "web", "overrides"?: {...}}, executionName }`.
 * Returns: `BakeState` with `build` and the `prepare` phase.
 */
import type { Image } from '@aws-sdk/client-ec2';
import { adHocProblems, sourceOwnerProblem } from './shared/ad-hoc-bounds';
import * as config from './shared/config';
import { deepMerge, isPlainObject } from './shared/deep-merge';
import { documentStepProblems } from './shared/documents/document-step-checks';
import { AmiNameInUse, InvalidInput, InvalidRecipe, RecipeNotAllowed, RecipeNotFound, UnsupportedSourceImage } from './shared/errors';
import { handleStep } from './shared/handle-step';
import { findOwnImageByName } from './shared/images';
import { logger, LambdaContext } from './shared/logger';
import { skippedManifest } from './shared/manifest';
import { BuildFacts, renderAmiName, renderBuildText } from './shared/name-template';
import { parameterDataTypeProblems } from './shared/parameter-data-type';
import { reasonToSkip, recipeHash } from './shared/rebuild';
import { registeredRecipes } from './shared/recipe-catalog';
import type { Platform } from './shared/recipe-defaults';
import type { ProvisioningStep, RecipeDocument } from './shared/recipe-schema';
import { resolveSourceImage } from './shared/source-image';
import { stagedSourceChecks } from './shared/staging/source-checks';
import { buildTags, madeForRecipe, TAG_KEYS } from './shared/tags';
import type { BakeState, BuildContext, CopyTarget } from './shared/types';
import { validateRecipe } from './shared/validate-recipe';
import { DEFAULT_NAME_TEMPLATE } from '../src/contract';
import { copyRegionProblems } from '../src/recipe/distribution-rules';
import { architectureMismatch } from '../src/recipe/instance-architecture';
import { disallowedOverrides } from '../src/recipe/overridable-fields';
import { platformProblems } from '../src/recipe/platform-rules';
import type { RecipePolicy } from '../src/recipe/recipe-policy';
import { stepsIn } from '../src/recipe/step-lists';
import { stagedKindOf } from '../src/staging/staging-location';

export interface PrepareEvent {
  /** The execution input. */
  readonly input: unknown;
  /** The execution name; it becomes the build id. */
  readonly executionName: string;
}

/** EC2 image descriptions are at most 255 characters. */
const MAX_DESCRIPTION_LENGTH = 255;
/** EC2 tag values are at most 256 characters. */
const MAX_TAG_VALUE_LENGTH = 256;

export const handler = async (event: PrepareEvent, context?: LambdaContext): Promise<BakeState> =>
  handleStep('prepare', event.executionName, context, () => prepare(event));

async function prepare(event: PrepareEvent): Promise<BakeState> {
  const startedAt = new Date().toISOString();
  if (!event.executionName) throw new InvalidInput('the prepare step needs "executionName" (the build id) next to "input"');
  const policy = config.recipePolicy();
  const requested = await recipeDocument(event.input, policy);
  const recipe = validRecipe(requested.document);
  if (requested.adHoc) await refuseOutOfBounds(recipe, policy);
  const region = config.region();
  const sourceImage = await resolveSourceImage(recipe.source, region);
  if (requested.adHoc) refuseSourceOwner(sourceImage, policy);
  const build = await withCheckedSteps(recipe, buildContext(recipe, sourceImage, event.executionName, region, requested.adHoc), sourceImage);
  const phases = [{ name: 'prepare' as const, startedAt }];
  const skip = await reasonToSkip(recipe, build.bakeryId, build.sourceAmiId, region);
  if (skip) {
    logger.info('No rebuild needed', { recipe: recipe.name, reason: skip.reason });
    return { build, phases, skipped: skippedManifest(build, { build, phases }, skip) };
  }
  const copyRegions = build.copyTargets.map((target) => target.region);
  const parameterProblems = await parameterDataTypeProblems(recipe.distribution?.ssmParameter, [region, ...copyRegions]);
  if (parameterProblems.length > 0) throw new InvalidRecipe(parameterProblems);
  for (const copyRegion of [undefined, ...copyRegions]) {
    await refuseNameInUse(build, copyRegion);
  }
  logger.info('Prepared build', { recipe: recipe.name, sourceAmiId: build.sourceAmiId, amiName: build.amiName });
  return { build, phases };
}

/** The document the input asks for, and whether it is ad hoc (inline) rather than registered. */
interface RequestedRecipe {
  readonly document: unknown;
  readonly adHoc: boolean;
}

/**
 * The recipe document the input names: registered in the recipe catalog, with the overrides the app allows merged in, or inline
 * when the app allows ad-hoc recipes (their overrides merge freely: the whole document is checked against the bounds).
 */
async function recipeDocument(input: unknown, policy: RecipePolicy): Promise<RequestedRecipe> {
  if (!isPlainObject(input)) throw new InvalidInput(inputHelp(`got ${JSON.stringify(input) ?? 'nothing'}`));
  const { recipe, recipeName, overrides } = input;
  if (recipe !== undefined && recipeName !== undefined) throw new InvalidInput(inputHelp('got both "recipe" and "recipeName"'));
  if (overrides !== undefined && !isPlainObject(overrides)) throw new InvalidInput('"overrides" must be an object (a partial recipe)');
  if (recipe !== undefined) {
    if (!policy.adHoc) throw new RecipeNotAllowed(AD_HOC_REFUSED);
    return { document: deepMerge(parseIfText(recipe, 'recipe'), overrides), adHoc: true };
  }
  if (typeof recipeName === 'string' && recipeName.length > 0) {
    refuseOverrides(overrides, policy.allowOverrides);
    return { document: deepMerge(await registeredRecipe(recipeName), overrides), adHoc: false };
  }
  throw new InvalidInput(inputHelp(`got keys ${Object.keys(input).join(', ') || '(none)'}`));
}

const AD_HOC_REFUSED = 'this bakery bakes registered recipes only: start a bake with {"recipeName": "<name>"} for a recipe added with ' +
  'addRecipe() in the CDK app. To bake inline {"recipe": {...}} documents, allow them within bounds: ' +
  'new AmiBakery(this, \'Bakery\', { adHocRecipes: AdHocRecipes.allow({ ... }) })';

/** Refuses overrides of any field the app did not list in `allowOverrides`. */
function refuseOverrides(overrides: Record<string, unknown> | undefined, allowed: readonly string[]): void {
  const refused = overrides ? disallowedOverrides(overrides, allowed) : [];
  if (refused.length === 0) return;
  const may = allowed.length > 0 ? `lets bakes override only ${allowed.join(', ')}` : 'lets bakes override no field';
  throw new RecipeNotAllowed(`overrides.${refused.join(', overrides.')}: this bakery ${may} (AmiBakery allowOverrides in the CDK app); ` +
    'leave the override out, or allow the field there');
}

/** An ad-hoc recipe may not take a registered recipe's name, nor go beyond the bounds the app declared. */
async function refuseOutOfBounds(recipe: RecipeDocument, policy: RecipePolicy): Promise<void> {
  const problems = adHocProblems(recipe, policy.adHoc!, { subnetIds: config.defaultSubnetIds(), securityGroupIds: config.defaultSecurityGroupIds() });
  if (problems.length > 0) throw new RecipeNotAllowed(problems.join('\n'));
  if (await isRegistered(recipe.name)) {
    throw new RecipeNotAllowed(`name: "${recipe.name}" is a registered recipe of this bakery; start it with {"recipeName": "${recipe.name}"}, ` +
      'or give the ad-hoc recipe another name');
  }
}

function refuseSourceOwner(image: Image, policy: RecipePolicy): void {
  const problem = sourceOwnerProblem(image, policy.adHoc!, policy.account);
  if (problem) throw new RecipeNotAllowed(problem);
}

async function isRegistered(name: string): Promise<boolean> {
  return (await registeredRecipes()).has(name);
}

function inputHelp(got: string): string {
  return `the execution input must be {"recipe": {...}} or {"recipeName": "<name>", "overrides"?: {...}}; ${got}`;
}

/** A recipe given as JSON text is parsed; anything else is taken as it is. */
function parseIfText(document: unknown, what: string): unknown {
  if (typeof document !== 'string') return document;
  try {
    return JSON.parse(document);
  } catch (error) {
    throw new InvalidRecipe([`${what}: not valid JSON (${(error as Error).message})`]);
  }
}

/** The document of a recipe registered by the CDK app, from the bakery's recipe catalog. */
async function registeredRecipe(name: string): Promise<unknown> {
  const recipes = await registeredRecipes();
  logger.info('Loading registered recipe', { recipe: name, registered: recipes.size });
  if (recipes.has(name)) return recipes.get(name);
  throw new RecipeNotFound(`recipe "${name}" is not registered in this bakery (${registeredNames(recipes)}). ` +
    'Add it to the AmiBakery construct in your CDK app with addRecipe() and deploy, or start one of those.');
}

/** The names of the registered recipes, the first ten of them when there are more. */
function registeredNames(recipes: ReadonlyMap<string, unknown>): string {
  if (recipes.size === 0) return 'it has no registered recipes';
  const names = [...recipes.keys()].sort();
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `registered: ${shown} and ${names.length - 10} more` : `registered: ${shown}`;
}

/** The validated recipe; throws `InvalidRecipe` listing every problem. */
function validRecipe(document: unknown): RecipeDocument {
  const result = validateRecipe(document);
  if (!result.valid) throw new InvalidRecipe(result.problems);
  return result.recipe;
}

/** Everything later steps need, resolved once. */
function buildContext(recipe: RecipeDocument, image: Image, buildId: string, region: string, adHoc: boolean): BuildContext {
  refuseUnsupportedImage(image);
  const bakeryId = config.bakeryId();
  const identity = {
    ...buildTags({ bakeryId, buildId, recipe: recipe.name }), ...copyRegionsTag(recipe), ...parameterTag(recipe), ...(adHoc ? { [TAG_KEYS.adHoc]: 'true' } : {}),
  };
  const now = new Date();
  const amiName = renderAmiName(recipe.ami?.name ?? DEFAULT_NAME_TEMPLATE, { buildId, recipe: recipe.name, now });
  const sourceAmiId = image.ImageId!;
  const facts: BuildFacts = { buildId, recipe: recipe.name, now, sourceAmiId, sourceAmiName: image.Name ?? '', region };
  const recipeTags = renderTags(recipe.ami?.tags, facts);
  return {
    buildId,
    bakeryId,
    region,
    recipe,
    sourceAmiId,
    sourceImageName: image.Name ?? '',
    architecture: image.Architecture ?? 'x86_64',
    rootDeviceName: image.RootDeviceName ?? '/dev/xvda',
    platform: platformOf(image),
    amiName,
    amiDescription: renderBuildText(recipe.ami?.description ?? `${recipe.name} baked by cdk-ami-bakery from ${sourceAmiId} (build ${buildId})`,
      facts, MAX_DESCRIPTION_LENGTH),
    imageTags: { ...recipeTags, ...identity, [TAG_KEYS.sourceAmi]: sourceAmiId, [TAG_KEYS.recipeHash]: recipeHash(recipe) },
    runTags: { Name: `cdk-ami-bakery ${recipe.name} ${buildId}`.slice(0, 256), ...recipeTags, ...renderTags(recipe.instance?.tags, facts), ...identity },
    copyTargets: copyTargets(recipe, region),
    ...(adHoc ? { adHoc } : {}),
  };
}

/** Tag values with their placeholders (`{{sourceAmiName}}`, `{{timestamp}}`) replaced. */
function renderTags(tags: Record<string, string> | undefined, facts: BuildFacts): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).map(([key, value]) => [key, renderBuildText(value, facts)]));
}

/** Windows when EC2 says so (`Platform: windows`), else Linux. */
function platformOf(image: Image): Platform {
  return String(image.Platform ?? '').toLowerCase() === 'windows' ? 'windows' : 'linux';
}

/** macOS images need dedicated hosts, and 32-bit and instance-store images cannot be imaged with CreateImage as EBS images. */
function refuseUnsupportedImage(image: Image): void {
  const architecture = image.Architecture ?? 'x86_64';
  if (architecture.endsWith('_mac')) {
    throw new UnsupportedSourceImage(`source image ${image.ImageId} is a macOS image (${architecture}), which runs only on dedicated hosts; bake from a Linux or Windows image`);
  }
  if (architecture === 'i386') throw new UnsupportedSourceImage(`source image ${image.ImageId} is a 32-bit image; bake from an x86_64 or arm64 image`);
  if (image.RootDeviceType && image.RootDeviceType !== 'ebs') {
    throw new UnsupportedSourceImage(`source image ${image.ImageId} is instance-store backed; bake from an EBS-backed image`);
  }
}

/**
 * Refuses steps that SSM would refuse or that cannot run here (documents, parameters, platform, sources that
 * are not staged), and an instance EC2 would refuse to launch from the source image, before anything is launched;
 * notes which scripts have a `#!` line.
 */
async function withCheckedSteps(recipe: RecipeDocument, build: BuildContext, sourceImage: Image): Promise<BuildContext> {
  const documents = await documentStepProblems(recipe, { platform: build.platform, registeredDocuments: config.commandDocuments() });
  const staged = usesStagedFiles(recipe) ? await stagedSourceChecks(recipe, config.stagingLocation()) : { problems: [], scriptsWithShebang: [] };
  const problems = [
    ...platformProblems(recipe, build.platform), ...instanceTypeProblems(recipe, build.architecture), ...rootVolumeProblems(recipe, sourceImage),
    ...documents, ...staged.problems,
  ];
  if (problems.length > 0) throw new InvalidRecipe(problems);
  return staged.scriptsWithShebang.length > 0 ? { ...build, scriptsWithShebang: staged.scriptsWithShebang } : build;
}

/** A root volume smaller than the source image's root snapshot, which EC2 refuses at launch (`InvalidBlockDeviceMapping`). */
function rootVolumeProblems(recipe: RecipeDocument, image: Image): string[] {
  const sizeGiB = recipe.instance?.rootVolume?.sizeGiB;
  const root = image.BlockDeviceMappings?.find((mapping) => mapping.DeviceName === image.RootDeviceName)?.Ebs;
  if (sizeGiB === undefined || root?.VolumeSize === undefined || sizeGiB >= root.VolumeSize) return [];
  return [`instance.rootVolume.sizeGiB: ${sizeGiB} GiB is smaller than the source image's root snapshot ${root.SnapshotId ?? ''} `
    + `(${root.VolumeSize} GiB), which EC2 refuses at launch; use at least ${root.VolumeSize}, or leave sizeGiB out to take the snapshot's size`];
}

/** Instance types, of the build or of the test instance, that cannot boot an image of the source's architecture. */
function instanceTypeProblems(recipe: RecipeDocument, architecture: string): string[] {
  const fields = [['instance.types', recipe.instance?.types], ['testInstance.types', recipe.testInstance?.types]] as const;
  return fields.flatMap(([field, types]) => (types ?? []).flatMap((instanceType, index) => {
    const mismatch = architectureMismatch(instanceType, architecture);
    return mismatch ? [`${field}[${index}]: ${mismatch}`] : [];
  }));
}

function usesStagedFiles(recipe: RecipeDocument): boolean {
  return stepsIn<ProvisioningStep>(recipe).some(({ step }) => stagedKindOf(step) !== undefined);
}

/** The regions the image is copied to, each with its KMS key; the bakery's own region is refused (the image is made there). */
function copyTargets(recipe: RecipeDocument, homeRegion: string): CopyTarget[] {
  const regions = recipe.distribution?.regions ?? [];
  const problems = copyRegionProblems(regions, homeRegion);
  if (problems.length > 0) throw new InvalidRecipe(problems.map((problem) => `distribution.regions${problem.path.map((index) => `[${index}]`).join('')}: ${problem.message}`));
  return regions.map((region) => {
    const kmsKeyId = recipe.distribution?.kmsKeyIds?.[region];
    return kmsKeyId ? { region, kmsKeyId } : { region };
  });
}

/** The images of a bake that sets an SSM parameter name it, so cleanup after an abort can put the parameter back. */
function parameterTag(recipe: RecipeDocument): Record<string, string> {
  const name = recipe.distribution?.ssmParameter;
  return name && name.length <= MAX_TAG_VALUE_LENGTH ? { [TAG_KEYS.ssmParameter]: name } : {};
}

/** Every resource of a bake with copies says where they go, so cleanup after an abort finds them. */
function copyRegionsTag(recipe: RecipeDocument): Record<string, string> {
  const regions = recipe.distribution?.regions ?? [];
  return regions.length > 0 ? { [TAG_KEYS.copyRegions]: regions.join(' ') } : {};
}

/**
 * Refuses an AMI name this account already uses, in the bakery's region or a copy region (none: the bakery's
 * own), before anything is launched. `forceDeregister` replaces only an image this bakery made for this recipe,
 * by the same kind of recipe (ad hoc or registered): the runner may not deregister anything else.
 */
async function refuseNameInUse(build: BuildContext, region?: string): Promise<void> {
  const { amiName, recipe } = build;
  logger.info('Checking that the AMI name is free', { amiName, region });
  const existing = await findOwnImageByName(amiName, region);
  if (!existing) return;
  const forceDeregister = recipe.ami?.forceDeregister === true;
  if (forceDeregister && madeForRecipe(existing.Tags, build)) return;
  const where = region ? `in ${region}` : 'in this account and region';
  throw new AmiNameInUse(forceDeregister
    ? `an image named "${amiName}" already exists ${where} (${existing.ImageId}) and this bakery did not make it for ${build.adHoc ? 'ad-hoc ' : ''}` +
      `recipe "${recipe.name}", so ami.forceDeregister cannot replace it. Choose another ami.name, or deregister that image yourself.`
    : `an image named "${amiName}" already exists ${where} (${existing.ImageId}). ` +
      'Put {{timestamp}} or {{buildId}} in ami.name, or set ami.forceDeregister to replace an image this bakery made for this recipe.');
}
