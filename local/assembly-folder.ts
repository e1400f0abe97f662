/**
 * The bakeries of a cloud assembly folder, as `cdk synth` writes it (`cdk.out`): every `AmiBakery` of every stack,
 * stages (`assembly-*` folders) included, read as the simulator runs them (`bakeryFromTemplate`), so a bake of a
 * recipe the app registered runs without synthesizing the app again. Nested stacks are not followed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AssetManifest, bakeryFromTemplate, bakeryMachines, catalogLocation, literalTags, SIMULATOR_ENVIRONMENT, StackTemplate, SynthesizedBakery,
} from './synthesized-bakery';
import { BAKERY_TAG } from '../src/contract';
import type { RecipeCatalogFile } from '../src/recipe/recipe-catalog-format';

/** One bakery of the assembly. */
export interface AssemblyBakery {
  /** The bakery's id: its state machine's `cdk-ami-bakery:bakery` tag, as `bakery --bakery` names a deployed one. */
  readonly bakeryId: string;
  /** The bakery's construct path (`Images/Bakery`), where the assembly records it (`cdk synth` does). */
  readonly path?: string;
  /** The stack's name in the app (`Images`, or `Prod/Images` in a stage). */
  readonly stack: string;
  /** The state machine's logical id in the stack's template. */
  readonly logicalId: string;
  /** The recipe documents the app registered (`addRecipe`), by recipe name, their deploy-time values left as placeholders. */
  readonly recipes: Record<string, unknown>;
  readonly bakery: SynthesizedBakery;
}

interface Artifact {
  readonly type: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly dependencies?: string[];
  readonly metadata?: Record<string, MetadataEntry[]>;
  readonly additionalMetadataFile?: string;
  readonly properties?: { readonly templateFile?: string; readonly file?: string; readonly directoryName?: string; readonly stackName?: string };
}

interface MetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}

/** The file naming every artifact of a cloud assembly. */
export const ASSEMBLY_MANIFEST = 'manifest.json';

/**
 * Every bakery of the cloud assembly in `directory`, in the manifest's order. Throws when the folder holds no
 * cloud assembly. `cdk.context.json` next to the folder, where there is one, says the zones of subnets of VPCs the
 * app looked up (`Vpc.fromLookup`); the template never does.
 */
export function readAssemblyFolder(directory: string): AssemblyBakery[] {
  if (!existsSync(join(directory, ASSEMBLY_MANIFEST))) throw new Error(`${directory} holds no cloud assembly (no ${ASSEMBLY_MANIFEST})`);
  return bakeriesIn(directory, lookedUpZones(join(directory, '..', 'cdk.context.json')));
}

function bakeriesIn(directory: string, zones: ReadonlyMap<string, string>): AssemblyBakery[] {
  const artifacts = readJson<{ artifacts?: Record<string, Artifact> }>(directory, ASSEMBLY_MANIFEST).artifacts ?? {};
  return Object.entries(artifacts).flatMap(([id, artifact]) => {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      return bakeriesIn(join(directory, artifact.properties.directoryName), zones);
    }
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) return [];
    return stackBakeries(directory, id, artifact, artifacts, zones);
  });
}

function stackBakeries(
  directory: string, id: string, artifact: Artifact, artifacts: Record<string, Artifact>, zones: ReadonlyMap<string, string>,
): AssemblyBakery[] {
  const template = readJson<StackTemplate['template']>(directory, artifact.properties!.templateFile!);
  const machines = bakeryMachines(template.Resources ?? {});
  if (machines.length === 0) return [];
  const stack: StackTemplate = { template, directory, assets: assetManifest(directory, id, artifact, artifacts), ...environmentOf(artifact) };
  const paths = logicalIdPaths(directory, artifact);
  return machines.map((logicalId) => {
    const bakery = bakeryFromTemplate(stack, logicalId, zones);
    return {
      bakeryId: literalTags(template.Resources[logicalId])[BAKERY_TAG],
      path: paths.get(logicalId)?.replace(/^\//, '').replace(/\/StateMachine\/Resource$/, ''),
      stack: artifact.displayName ?? id,
      logicalId,
      recipes: registeredRecipes(bakery),
      bakery,
    };
  });
}

/** `aws://123456789012/eu-west-1`; an unknown account or region (an environment-agnostic stack) is the simulator's. */
function environmentOf(artifact: Artifact): { account: string; region: string } {
  const [, account, region] = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(artifact.environment ?? '') ?? [];
  return {
    account: account && account !== 'unknown-account' ? account : SIMULATOR_ENVIRONMENT.account,
    region: region && region !== 'unknown-region' ? region : SIMULATOR_ENVIRONMENT.region,
  };
}

/** The stack's asset manifest: the `cdk:asset-manifest` artifact it depends on. */
function assetManifest(directory: string, id: string, artifact: Artifact, artifacts: Record<string, Artifact>): AssetManifest {
  const file = (artifact.dependencies ?? []).map((dependency) => artifacts[dependency])
    .find((candidate) => candidate?.type === 'cdk:asset-manifest')?.properties?.file;
  if (!file) throw new Error(`stack ${id} of ${directory} has no asset manifest; synthesize it with the default stack synthesizer`);
  return readJson<AssetManifest>(directory, file);
}

/** Construct paths by logical id, from the stack's metadata (in the manifest, or the file it names). */
function logicalIdPaths(directory: string, artifact: Artifact): Map<string, string> {
  const metadata = artifact.additionalMetadataFile
    ? readJson<Record<string, MetadataEntry[]>>(directory, artifact.additionalMetadataFile)
    : artifact.metadata ?? {};
  return new Map(Object.entries(metadata).flatMap(([path, entries]) => entries
    .filter((entry) => entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string')
    .map((entry): [string, string] => [entry.data as string, path])));
}

/** The recipe catalog the bakery deploys: the document of each recipe the app registered, by name. */
function registeredRecipes(bakery: SynthesizedBakery): Record<string, unknown> {
  const { bucket, key } = catalogLocation(bakery.functions);
  const catalog = bakery.deployedObjects.find((object) => object.bucket === bucket && object.key === key);
  return catalog ? (JSON.parse(catalog.body.toString('utf8')) as RecipeCatalogFile).recipes : {};
}

/** Subnet zones by subnet id, from the VPC lookups (`vpc-provider:...` entries) of a `cdk.context.json`. */
function lookedUpZones(file: string): Map<string, string> {
  if (!existsSync(file)) return new Map();
  type Lookup = { subnetGroups?: { subnets?: { subnetId?: unknown; availabilityZone?: unknown }[] }[] };
  const context = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Lookup | null>;
  return new Map(Object.values(context)
    .flatMap((value) => (Array.isArray(value?.subnetGroups) ? value.subnetGroups : []))
    .flatMap((group) => group.subnets ?? [])
    .filter((subnet) => typeof subnet.subnetId === 'string' && typeof subnet.availabilityZone === 'string')
    .map((subnet): [string, string] => [subnet.subnetId as string, subnet.availabilityZone as string]));
}

function readJson<T>(directory: string, file: string): T {
  return JSON.parse(readFileSync(join(directory, file), 'utf8')) as T;
}
