/**
 * Synthesizes the real `AmiBakery` construct and extracts what the simulator runs: the state machine
 * definition, each runner function's step and environment, and what the stack deploys with them: the recipe
 * catalog, the staged files, the staging bucket and document. The extraction (`bakeryFromTemplate`) also reads
 * the bakeries of a cloud assembly folder an app synthesized (`assembly-folder.ts`).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Token } from 'aws-cdk-lib';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { busName } from './event-pattern';
import type { DocumentContent } from './model/documents/records';
import { isEc2Id } from './model/ids';
import { lambdaArn, resolveIntrinsics, ResolverEnvironment } from './template-resolver';
import { AmiBakery, AmiBakeryProps } from '../src';
import { BAKERY_ENV, BAKERY_TAG } from '../src/contract';
import { RECIPE_CATALOG_ENV } from '../src/recipe/recipe-catalog-format';

/** Where a bakery bakes when its stack names no account and region (an environment-agnostic stack). */
export const SIMULATOR_ENVIRONMENT = { account: '123456789012', region: 'us-east-1' } as const;

export interface SimulatedFunction {
  readonly step: string;
  readonly environment: Record<string, string>;
}

/** An EventBridge rule of the stack that matches events (scheduled rules are not), and the functions it invokes. */
export interface SimulatedRule {
  /** The name of the bus it listens on (`default` for the account's default bus). */
  readonly bus: string;
  readonly pattern: Record<string, unknown>;
  /** ARNs of the target functions. */
  readonly targets: string[];
}

export interface SynthesizedBakery {
  readonly definition: StateMachineDefinition;
  /** The state machine's ARN, as status-change events name it. */
  readonly stateMachineArn: string;
  readonly rules: SimulatedRule[];
  /** Runner functions by ARN. */
  readonly functions: Map<string, SimulatedFunction>;
  /** SSM parameters the stack creates, by name. */
  readonly parameters: Map<string, string>;
  /** Buckets the stack creates or deploys to (the staging bucket, the bootstrap bucket of the assets), by name. */
  readonly buckets: string[];
  /** SSM documents the stack creates (the staged-files document), by name. */
  readonly documents: Map<string, DocumentContent>;
  /** Objects the stack deploys: the recipe catalog asset, and what its bucket deployments copy (the files CDK recipes stage). */
  readonly deployedObjects: DeployedObject[];
  /** The state machine's tags (the bakery id and the command-output log group, as the CLI reads them). */
  readonly tags: Record<string, string>;
  /** The subnets the bakery launches into (its `vpc` and `vpcSubnets`), where their ids are known at synth time. */
  readonly subnets: BakerySubnet[];
  /**
   * The account and region the bakery is deployed to, which the template names (the simulated account is this one).
   * @default - the simulator's account 123456789012, in us-east-1
   */
  readonly environment?: { readonly account: string; readonly region: string };
}

/** A subnet of the bakery's VPC: the deployed account has it, so the simulated account must too. */
export interface BakerySubnet {
  readonly id: string;
  /**
   * The zone's name (`us-east-1a`).
   * @default - unknown at synth time: the simulator picks one of the region's zones
   */
  readonly zone?: string;
}

export interface SynthesizeOptions {
  readonly account: string;
  readonly region: string;
  /** Adds recipes (or anything else) to the bakery before synthesis. */
  readonly configure?: (bakery: AmiBakery) => void;
  /** The bakery's props, made in its stack (e.g. a `manifestBucket` from `Bucket.fromBucketName`). */
  readonly props?: (stack: Stack) => AmiBakeryProps;
}

export interface DeployedObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: Buffer;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

export function synthesizeBakery(options: SynthesizeOptions): SynthesizedBakery {
  const app = new App();
  const stack = new Stack(app, 'BakerySimulator', { env: { account: options.account, region: options.region } });
  const props = options.props?.(stack);
  const bakery = new AmiBakery(stack, 'Bakery', props);
  options.configure?.(bakery);
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as StackTemplate['template'];
  const assets = JSON.parse(readFileSync(join(assembly.directory, `${stack.stackName}.assets.json`), 'utf8')) as AssetManifest;
  const synthesized: StackTemplate = { template, directory: assembly.directory, assets, account: options.account, region: options.region };
  return bakeryFromTemplate(synthesized, bakeryMachines(template.Resources)[0], knownZones(props));
}

/** A synthesized stack: its template, the cloud assembly folder its assets are in, and where it deploys. */
export interface StackTemplate {
  readonly template: { readonly Resources: Record<string, CfnResource> };
  /** The cloud assembly folder: the asset manifest's paths are relative to it. */
  readonly directory: string;
  /** The stack's asset manifest (`<stack>.assets.json`). */
  readonly assets: AssetManifest;
  /** The account and region the template is resolved in (the stack's, else the simulator's). */
  readonly account: string;
  readonly region: string;
}

/** The logical ids of the template's bakeries: state machines tagged with a bakery id whose runner functions carry that id. */
export function bakeryMachines(resources: Record<string, CfnResource>): string[] {
  const bakeryIds = new Set(resourcesOfType(resources, 'AWS::Lambda::Function')
    .map(([, resource]) => resource.Properties?.Environment?.Variables ?? {})
    .filter((variables) => typeof variables[BAKERY_ENV.step] === 'string')
    .map((variables) => variables[BAKERY_ENV.bakeryId]));
  return resourcesOfType(resources, 'AWS::StepFunctions::StateMachine')
    .filter(([, resource]) => bakeryIds.has(literalTags(resource)[BAKERY_TAG]))
    .map(([logicalId]) => logicalId);
}

/** The tags of a resource whose value is literal (a bakery's id is), by key. */
export function literalTags(resource: CfnResource): Record<string, string> {
  const tags = (resource.Properties?.Tags ?? []) as { Key: string; Value: unknown }[];
  return Object.fromEntries(tags.filter((tag) => typeof tag.Value === 'string').map((tag) => [tag.Key, tag.Value as string]));
}

/**
 * What the simulator runs of the bakery whose state machine is `machineId`: its definition, its runner functions and
 * the rules that invoke them, and what the stack deploys with them. `zones` names the zone of a subnet the bakery
 * launches into, where the app knows it (see `bakerySubnets`).
 */
export function bakeryFromTemplate(stack: StackTemplate, machineId: string, zones: ReadonlyMap<string, string> = new Map()): SynthesizedBakery {
  const resources = asDeployed(stack.template.Resources);
  const env: ResolverEnvironment = { account: stack.account, region: stack.region, resources };
  const tags = Object.fromEntries((resolveIntrinsics(resources[machineId].Properties?.Tags ?? [], env) as { Key: string; Value: string }[])
    .map((tag) => [tag.Key, tag.Value]));
  const functions = extractFunctions(resources, env, tags[BAKERY_TAG]);
  const catalog = catalogObject(functions, stack.assets, stack.directory);
  return {
    definition: JSON.parse(resolveIntrinsics(resources[machineId].Properties?.DefinitionString, env) as string) as StateMachineDefinition,
    stateMachineArn: resolveIntrinsics({ Ref: machineId }, env) as string,
    // The bakery's own rules, with its runner functions as targets (an app's rule may also target a queue or topic).
    rules: extractRules(resources, env)
      .map((rule) => ({ ...rule, targets: rule.targets.filter((target) => functions.has(target)) }))
      .filter((rule) => rule.targets.length > 0),
    functions,
    parameters: extractParameters(resources, env),
    buckets: [
      ...resourcesOfType(resources, 'AWS::S3::Bucket').map(([logicalId]) => resolveIntrinsics({ Ref: logicalId }, env) as string),
      catalog.bucket,
    ],
    documents: extractDocuments(resources, env),
    deployedObjects: [catalog, ...extractDeployedObjects(resources, env, stack.directory, stack.assets)],
    tags,
    subnets: bakerySubnets(functions, zones),
    environment: { account: stack.account, region: stack.region },
  };
}

/** The zones of the imported VPC's subnets the bakery names, as the app knows them (a VPC the stack creates has ids only once deployed). */
function knownZones(props: AmiBakeryProps | undefined): Map<string, string> {
  if (!props?.vpc) return new Map();
  return new Map(props.vpc.selectSubnets(props.vpcSubnets).subnets
    .filter((subnet) => !Token.isUnresolved(subnet.subnetId) && !Token.isUnresolved(subnet.availabilityZone))
    .map((subnet) => [subnet.subnetId, subnet.availabilityZone]));
}

/**
 * The subnets the bakery launches into when a recipe names none: the runner functions' `SUBNET_IDS`, which holds
 * literal ids for an imported VPC (`Vpc.fromLookup`, `Vpc.fromVpcAttributes`; the IAM policy of the launch names
 * the same ids). A VPC the stack creates has ids only once deployed: its subnets resolve to logical ids here, and
 * are left out, as the default VPC is (the simulated account has it). The template never names a subnet's zone, so
 * a zone comes from `zones` (what the app or its `cdk.context.json` says) or, unknown, is left to the simulator,
 * which spreads such subnets over the region's zones in order (`seedSubnets` in `simulate-bake.ts`).
 */
function bakerySubnets(functions: Map<string, SimulatedFunction>, zones: ReadonlyMap<string, string>): BakerySubnet[] {
  return (prepareFunction(functions).environment[BAKERY_ENV.subnetIds] ?? '').split(',')
    .filter((id) => isEc2Id(id, 'subnet'))
    .map((id) => (zones.has(id) ? { id, zone: zones.get(id) } : { id }));
}

/**
 * The template's values as the simulator resolves them: `Fn::Sub` written as the `Fn::Join` it stands for (an
 * environment-agnostic stack names the bootstrap bucket of its assets `cdk-...-assets-${AWS::AccountId}-${AWS::Region}`),
 * and the id of a security group the stack creates (the build instances' group, for a bakery in a VPC) as an
 * `sg-` id derived from its logical id, as deploying gives it one.
 */
function asDeployed(resources: Record<string, CfnResource>): Record<string, CfnResource> {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [name, argument] = entries.length === 1 ? entries[0] : [];
    if (name === 'Fn::Sub') return subAsJoin(argument as string | [string, Record<string, unknown>], rewrite);
    if (name === 'Fn::GetAtt') {
      const [logicalId, attribute] = argument as [string, string];
      if (attribute === 'GroupId' && resources[logicalId]?.Type === 'AWS::EC2::SecurityGroup') return securityGroupId(logicalId);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, rewrite(item)]));
  };
  return rewrite(resources) as Record<string, CfnResource>;
}

function subAsJoin(argument: string | [string, Record<string, unknown>], rewrite: (value: unknown) => unknown): unknown {
  const [text, variables] = typeof argument === 'string' ? [argument, {}] : argument;
  const parts = text.split(/(\$\{[^}]+\})/).filter((part) => part !== '').map((part) => {
    const name = /^\$\{([^}]+)\}$/.exec(part)?.[1];
    if (name === undefined) return part;
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return rewrite(variables[name]);
    const dot = name.indexOf('.');
    return dot > 0 && !name.startsWith('AWS::') ? { 'Fn::GetAtt': [name.slice(0, dot), name.slice(dot + 1)] } : { Ref: name };
  });
  return { 'Fn::Join': ['', parts] };
}

/** The id a deployed security group gets, the same for one logical id each time. */
function securityGroupId(logicalId: string): string {
  return `sg-${createHash('sha256').update(logicalId).digest('hex').slice(0, 17)}`;
}

function resourcesOfType(resources: Record<string, CfnResource>, type: string): [string, CfnResource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/** The runner functions of the bakery with this id, by ARN. */
function extractFunctions(resources: Record<string, CfnResource>, env: ResolverEnvironment, bakeryId: string): Map<string, SimulatedFunction> {
  const functions = new Map<string, SimulatedFunction>();
  for (const [logicalId, resource] of resourcesOfType(resources, 'AWS::Lambda::Function')) {
    const environment = resolveIntrinsics(resource.Properties?.Environment?.Variables ?? {}, env) as Record<string, string>;
    const step = environment[BAKERY_ENV.step];
    if (!step || environment[BAKERY_ENV.bakeryId] !== bakeryId) continue;
    functions.set(lambdaArn(env, logicalId), { step, environment });
  }
  return functions;
}

function extractRules(resources: Record<string, CfnResource>, env: ResolverEnvironment): SimulatedRule[] {
  return resourcesOfType(resources, 'AWS::Events::Rule')
    .filter(([, resource]) => resource.Properties?.EventPattern !== undefined)
    .map(([, resource]) => {
      type RuleProperties = { EventPattern: Record<string, unknown>; Targets: { Arn: string }[]; EventBusName?: string };
      const properties = resolveIntrinsics(resource.Properties, env) as RuleProperties;
      return { bus: busName(properties.EventBusName), pattern: properties.EventPattern, targets: properties.Targets.map((target) => target.Arn) };
    });
}

function extractDocuments(resources: Record<string, CfnResource>, env: ResolverEnvironment): Map<string, DocumentContent> {
  return new Map(resourcesOfType(resources, 'AWS::SSM::Document').map(([, resource]) => {
    const properties = resolveIntrinsics(resource.Properties, env) as { Name: string; Content: DocumentContent };
    return [properties.Name, properties.Content];
  }));
}

/**
 * What each `BucketDeployment` (Custom::CDKBucketDeployment) copies when the stack deploys: the files of its
 * source assets, as the cloud assembly holds them, under the destination prefix.
 */
function extractDeployedObjects(
  resources: Record<string, CfnResource>, env: ResolverEnvironment, directory: string, manifest: AssetManifest,
): DeployedObject[] {
  const deployments = resourcesOfType(resources, 'Custom::CDKBucketDeployment');
  return deployments.flatMap(([, resource]) => {
    const properties = resolveIntrinsics(resource.Properties, env) as BucketDeploymentProperties;
    return properties.SourceObjectKeys.flatMap((objectKey) => {
      const asset = Object.values(manifest.files)
        .find((file) => Object.values(file.destinations).some((destination) => destination.objectKey === objectKey));
      if (!asset || asset.source.packaging !== 'zip') {
        throw new Error(`simulator: bucket deployment source ${objectKey} is not a folder asset of the assembly`);
      }
      const root = join(directory, asset.source.path);
      return filesBelow(root).map((relative) => ({
        bucket: properties.DestinationBucketName,
        key: `${properties.DestinationBucketKeyPrefix ?? ''}${relative}`,
        body: readFileSync(join(root, relative)),
      }));
    });
  });
}

/** The recipe catalog, where Prepare's environment says it is: the file asset of the assembly with that key. */
function catalogObject(functions: Map<string, SimulatedFunction>, manifest: AssetManifest, directory: string): DeployedObject {
  const { bucket, key } = catalogLocation(functions);
  const asset = Object.values(manifest.files)
    .find((file) => file.source.packaging === 'file' && Object.values(file.destinations).some((destination) => destination.objectKey === key));
  if (!bucket || !asset) throw new Error(`simulator: the recipe catalog ${key ?? '(no key)'} is not a file asset of the assembly`);
  return { bucket, key, body: readFileSync(join(directory, asset.source.path)) };
}

/** Where Prepare reads the recipe catalog. */
export function catalogLocation(functions: Map<string, SimulatedFunction>): { bucket: string; key: string } {
  const { environment } = prepareFunction(functions);
  return { bucket: environment[RECIPE_CATALOG_ENV.bucket], key: environment[RECIPE_CATALOG_ENV.key] };
}

/** The bakery's Prepare function. */
export function prepareFunction(functions: Map<string, SimulatedFunction>): SimulatedFunction {
  const prepare = [...functions.values()].find((fn) => fn.step === 'prepare');
  if (!prepare) throw new Error('simulator: the synthesized bakery has no prepare function');
  return prepare;
}

interface BucketDeploymentProperties {
  readonly SourceObjectKeys: string[];
  readonly DestinationBucketName: string;
  readonly DestinationBucketKeyPrefix?: string;
}

/** What a stack's asset manifest (`<stack>.assets.json`) says of its file assets. */
export interface AssetManifest {
  readonly files: Record<string, { source: { path: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }>;
}

function filesBelow(folder: string, prefix = ''): string[] {
  return readdirSync(join(folder, prefix), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesBelow(folder, `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]));
}

function extractParameters(resources: Record<string, CfnResource>, env: ResolverEnvironment): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const [, resource] of resourcesOfType(resources, 'AWS::SSM::Parameter')) {
    const properties = resolveIntrinsics(resource.Properties, env) as { Name: string; Value: string };
    parameters.set(properties.Name, properties.Value);
  }
  return parameters;
}
