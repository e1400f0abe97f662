/**
 * Synthesizes the real `AmiBakery` construct and extracts what the simulator runs: the state machine
 * definition, each runner function's step and environment, and what the stack deploys with them: the recipe
 * catalog, the staged files, the staging bucket and document.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Token } from 'aws-cdk-lib';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { busName } from './event-pattern';
import type { DocumentContent } from './model/documents/records';
import { lambdaArn, resolveIntrinsics, ResolverEnvironment } from './template-resolver';
import { AmiBakery, AmiBakeryProps } from '../src';
import { RECIPE_CATALOG_ENV } from '../src/recipe/recipe-catalog-format';

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
  /** The subnets the bakery launches into (its `vpc` and `vpcSubnets`), where their ids and zones are known at synth time. */
  readonly subnets: BakerySubnet[];
}

/** A subnet of the bakery's VPC: the deployed account has it, so the simulated account must too. */
export interface BakerySubnet {
  readonly id: string;
  /** The zone's name (`us-east-1a`). */
  readonly zone: string;
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

interface CfnResource {
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
  const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, CfnResource> };
  const env: ResolverEnvironment = { account: options.account, region: options.region, resources: template.Resources };
  const [machineId] = resourcesOfType(template.Resources, 'AWS::StepFunctions::StateMachine')[0];
  const functions = extractFunctions(template.Resources, env);
  const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.stackName}.assets.json`), 'utf8')) as AssetManifest;
  const catalog = catalogObject(functions, manifest, assembly.directory);
  return {
    definition: extractDefinition(template.Resources, env),
    stateMachineArn: resolveIntrinsics({ Ref: machineId }, env) as string,
    rules: extractRules(template.Resources, env),
    functions,
    parameters: extractParameters(template.Resources, env),
    buckets: [
      ...resourcesOfType(template.Resources, 'AWS::S3::Bucket').map(([logicalId]) => resolveIntrinsics({ Ref: logicalId }, env) as string),
      catalog.bucket,
    ],
    documents: extractDocuments(template.Resources, env),
    deployedObjects: [catalog, ...extractDeployedObjects(template.Resources, env, assembly.directory, manifest)],
    tags: Object.fromEntries(((resolveIntrinsics(template.Resources[machineId].Properties?.Tags ?? [], env)) as { Key: string; Value: string }[])
      .map((tag) => [tag.Key, tag.Value])),
    subnets: bakerySubnets(props),
  };
}

/** The subnets of an imported VPC the bakery names (a VPC the stack creates has ids only once deployed). */
function bakerySubnets(props: AmiBakeryProps | undefined): BakerySubnet[] {
  if (!props?.vpc) return [];
  return props.vpc.selectSubnets(props.vpcSubnets).subnets
    .filter((subnet) => !Token.isUnresolved(subnet.subnetId) && !Token.isUnresolved(subnet.availabilityZone))
    .map((subnet) => ({ id: subnet.subnetId, zone: subnet.availabilityZone }));
}

function resourcesOfType(resources: Record<string, CfnResource>, type: string): [string, CfnResource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

function extractDefinition(resources: Record<string, CfnResource>, env: ResolverEnvironment): StateMachineDefinition {
  const machines = resourcesOfType(resources, 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`simulator: expected one state machine in the bakery stack, found ${machines.length}`);
  const definitionString = resolveIntrinsics(machines[0][1].Properties?.DefinitionString, env) as string;
  return JSON.parse(definitionString) as StateMachineDefinition;
}

function extractFunctions(resources: Record<string, CfnResource>, env: ResolverEnvironment): Map<string, SimulatedFunction> {
  const functions = new Map<string, SimulatedFunction>();
  for (const [logicalId, resource] of resourcesOfType(resources, 'AWS::Lambda::Function')) {
    const environment = resolveIntrinsics(resource.Properties?.Environment?.Variables ?? {}, env) as Record<string, string>;
    if (!environment.BAKERY_STEP) continue;
    functions.set(lambdaArn(env, logicalId), { step: environment.BAKERY_STEP, environment });
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
  const prepare = prepareFunction(functions);
  const bucket = prepare.environment[RECIPE_CATALOG_ENV.bucket];
  const key = prepare.environment[RECIPE_CATALOG_ENV.key];
  const asset = Object.values(manifest.files)
    .find((file) => file.source.packaging === 'file' && Object.values(file.destinations).some((destination) => destination.objectKey === key));
  if (!bucket || !asset) throw new Error(`simulator: the recipe catalog ${key ?? '(no key)'} is not a file asset of the assembly`);
  return { bucket, key, body: readFileSync(join(directory, asset.source.path)) };
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

interface AssetManifest {
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
