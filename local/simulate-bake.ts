/**
 * Runs one bake in the simulator: the state machine definition synthesized from the real `AmiBakery`,
 * executed by aws-local-stepfunctions, every Lambda task bound to the real handler module, every AWS call
 * answered by the simulated account, all on a virtual clock.
 */
import type { Stack } from 'aws-cdk-lib';
import { onSimulatedAccount } from './account-session';
import { BakeOutcome, BakeRun } from './bake-run';
import { SimulatedAccount } from './model';
import type { BakeExecutionRecord } from './model/executions';
import { availabilityZones, subnetsOf } from './model/subnets';
import type { Timings } from './model/timings';
import { ProgressListener, ProgressTracker } from './progress';
import { LambdaUsage, SimulatedLambda } from './simulated-lambda';
import { defaultSimulationStart } from './simulation-start';
import { simulatedObjectStore } from './staging-store';
import { executionInputProblem } from './step-functions-limits';
import { BakerySubnet, catalogLocation, SIMULATOR_ENVIRONMENT, synthesizeBakery, SynthesizedBakery } from './synthesized-bakery';
import { logger } from '../lambda/shared/logger';
import { MetricsSink, useMetricsSink } from '../lambda/shared/metrics';
import type { Manifest } from '../lambda/shared/types';
import type { SweepReport } from '../lambda/sweep-orphans';
import { AdHocRecipes, type AmiBakery, type AmiBakeryProps } from '../src';
import { BAKERY_ENV, executionArnFor, STAGING_LOCATION_TAG, TAG_KEYS } from '../src/contract';
import type { RecipeCatalogFile } from '../src/recipe/recipe-catalog-format';
import { localSourceProblems, ObjectStore, stageLocalSources } from '../src/staging/local-sources';
import { parseStagingLocation, StagingLocation } from '../src/staging/staging-location';

export interface SimulateBakeOptions {
  /**
   * A recipe document registered in the bakery before the bake, as `addRecipe()` registers one (in the bakery's
   * recipe catalog), and baked by name unless `input` says otherwise.
   * @default - none: `input` names a recipe the bakery registered, or holds an ad-hoc one
   */
  readonly recipe?: unknown;
  /**
   * The execution input: `{"recipeName": "...", "overrides"?: {...}}` or, for a bakery that allows ad-hoc
   * recipes, `{"recipe": {...}}`.
   * @default {"recipeName": <the name of `recipe`>}
   */
  readonly input?: unknown;
  /**
   * A bakery synthesized before, to run many bakes of one configuration without synthesizing it each time, or one
   * read from an app's cloud assembly folder (`readAssemblyFolder`). The bake runs in its `environment`.
   * @default - the default bakery, or one synthesized with `bakeryProps` and `configureBakery`
   */
  readonly bakery?: SynthesizedBakery;
  /** The simulated account; one with the public catalog is made when not given. */
  readonly account?: SimulatedAccount;
  /** Fault rules for a new account (`step:2:fail`, `api:RunInstances:throttle:3`, ...). */
  readonly faults?: readonly string[];
  /** How long AWS takes in a new account, where not as the simulator's defaults say (`local/model/timings.ts`). @default the defaults */
  readonly timings?: Partial<Timings>;
  /** Seed of a new account's random choices. @default 1 */
  readonly seed?: number;
  /** Virtual time the bake starts at. @default now, or `BAKERY_SIMULATE_START` when it is set (see `simulation-start.ts`) */
  readonly startTime?: Date;
  /** The execution name, which is the build id. @default derived from the recipe name and start time */
  readonly executionName?: string;
  /** Registers recipes on the bakery before synthesis, for `{"recipeName"}` inputs. */
  readonly configureBakery?: (bakery: AmiBakery) => void;
  /** The bakery's props, made in its stack (e.g. a `manifestBucket`). */
  readonly bakeryProps?: (stack: Stack) => AmiBakeryProps;
  readonly onProgress?: ProgressListener;
  /** Print the handlers' JSON logs. @default false */
  readonly verboseLogs?: boolean;
  /** Stop the execution (as the console's "Stop execution" does) when it first enters this state. */
  readonly abortAtState?: string;
  /**
   * The folder local sources of the recipe (`script`, `file`, `ansible`) are relative to: they are staged
   * into the simulated staging bucket, as `bakery build` and `addRecipe()` stage them into the real one.
   * @default - local sources are left as they are (Prepare refuses them)
   */
  readonly stageFrom?: string;
}

export interface SimulatedBake extends BakeOutcome {
  readonly executionName: string;
  readonly simulatedSeconds: number;
  readonly account: SimulatedAccount;
  /** The runner functions' invocations and their simulated duration. */
  readonly lambda: LambdaUsage;
}

const { region: REGION, account: ACCOUNT } = SIMULATOR_ENVIRONMENT;

let cachedBakery: SynthesizedBakery | undefined;
let cachedDevelopmentBakery: SynthesizedBakery | undefined;

/**
 * The bakery `bakery --simulate` talks to: deployed for development, it also bakes ad-hoc recipes (recipe files,
 * as `bakery build recipe.json` sends them) within bounds that fit the example recipes: images of the account,
 * Amazon and Canonical; copies to eu-west-1, eu-central-1 and ap-southeast-2; sharing with the example account and
 * OU; parameters under /images/.
 */
export const DEVELOPMENT_BAKERY_PROPS: AmiBakeryProps = {
  adHocRecipes: AdHocRecipes.allow({
    sourceImageOwners: ['self', 'amazon', '099720109477'],
    copyRegions: ['eu-west-1', 'eu-central-1', 'ap-southeast-2'],
    shareWithAccounts: ['222233334444'],
    shareWithOrganizationalUnitArns: ['arn:aws:organizations::111122223333:ou/o-exampleorgid/ou-ab12-cdef3456'],
    parameterPrefix: '/images/',
  }),
};

/** The default bakery, synthesized once per process. */
export function simulatedBakery(): SynthesizedBakery {
  return cachedBakery ??= synthesizeBakery({ account: ACCOUNT, region: REGION });
}

/** The development bakery (`DEVELOPMENT_BAKERY_PROPS`), synthesized once per process. */
export function simulatedDevelopmentBakery(): SynthesizedBakery {
  return cachedDevelopmentBakery ??= simulatedBakeryWith(() => DEVELOPMENT_BAKERY_PROPS);
}

/** A bakery of this configuration, synthesized in the simulator's account and region, for the `bakery` option of many bakes. */
export function simulatedBakeryWith(props?: (stack: Stack) => AmiBakeryProps, configure?: (bakery: AmiBakery) => void): SynthesizedBakery {
  return synthesizeBakery({ account: ACCOUNT, region: REGION, props, configure });
}

/**
 * Runs a whole bake in the simulator and returns its manifest, with leaks checked against the account. Bakes may
 * run at once when they share one `account` (see `simulateBakes`); give each its own `executionName` or `startTime`.
 */
export async function simulateBake(options: SimulateBakeOptions): Promise<SimulatedBake> {
  const bakery = options.bakery ?? (options.configureBakery || options.bakeryProps
    ? simulatedBakeryWith(options.bakeryProps, options.configureBakery)
    : simulatedBakery());
  SimulatedLambda.checkHandlers(bakery.functions.values());
  const { account: accountId, region } = bakery.environment ?? SIMULATOR_ENVIRONMENT;
  const account = options.account
    ?? new SimulatedAccount({ seed: options.seed ?? 1, faults: options.faults ?? [], timings: options.timings, region, accountId });
  const elsewhere = accountMismatch(account, bakery);
  if (elsewhere) throw new Error(elsewhere);
  checkProcessRegion(region);
  seedStackResources(account, bakery);
  const input = await bakeInput(options, bakery, account);
  const startTime = options.startTime ?? new Date(defaultSimulationStart(account.now()));
  const executionName = options.executionName ?? defaultExecutionName(input, startTime);
  const record = startExecution(account, bakery, executionName, startTime, input);
  const tracker = new ProgressTracker(options.onProgress);
  logger.setLogLevel(options.verboseLogs ? 'DEBUG' : 'SILENT');

  const lambda = new SimulatedLambda(region, accountId, account.faults);
  const run = new BakeRun(bakery, lambda, tracker, account);
  const execution = { name: executionName, arn: record.executionArn, startTime, region, account: accountId };
  const stopCollecting = collectMetrics(executionName, account);
  const { result, elapsedMs } = await onSimulatedAccount(account, startTime.getTime(), async () => {
    const outcome = await run.execute(input, execution, options.abortAtState).finally(() => {
      record.stopDate = account.now();
    });
    record.status = outcome.status === 'SKIPPED' ? 'SUCCEEDED' : outcome.status;
    const manifest = withLeaks(outcome.manifest, account, startTime.getTime());
    tracker.finished(manifest);
    return { ...outcome, manifest };
  }).finally(stopCollecting);
  return { ...result, executionName, simulatedSeconds: Math.round(elapsedMs / 1000), account, lambda: lambda.usage };
}

/** The region of the first bake in this process. */
let processRegion: string | undefined;

/**
 * Refuses a bake in another region than the first bake of this process: the handlers keep one client per service
 * for their own region, made on their first call in the process (as a warm Lambda does), so they would call the
 * first bake's region.
 */
function checkProcessRegion(region: string): void {
  processRegion ??= region;
  if (region !== processRegion) {
    throw new Error(`simulator: this process baked in ${processRegion} already, and the handlers' clients keep that region; bake ${region} in another process`);
  }
}

/**
 * Why the bakery cannot bake in this account: it is another account, or one whose default region is not the
 * bakery's (the stack's template names its account and region); undefined when it can.
 */
export function accountMismatch(account: SimulatedAccount, bakery: SynthesizedBakery): string | undefined {
  const { account: accountId, region } = bakery.environment ?? SIMULATOR_ENVIRONMENT;
  if (account.accountId === accountId && account.defaultRegion === region) return undefined;
  return `the bakery is deployed to account ${accountId} in ${region}, but the simulated account is ${account.accountId} in ${account.defaultRegion}`;
}

/**
 * Runs many bakes at once in one account, on one virtual clock (each with its own `startTime`, `executionName` and
 * recipe; their `account`, `faults` and `seed` are replaced by the shared account). The bakes compete for the
 * account's API rate limits as concurrent executions of one state machine do. Resolves when every bake has ended;
 * a bake that could not start (a set-up error) rejects it once the others have ended.
 */
export async function simulateBakes(account: SimulatedAccount, bakes: readonly SimulateBakeOptions[]): Promise<SimulatedBake[]> {
  const settled = await Promise.allSettled(bakes.map((bake) => simulateBake({ ...bake, account })));
  const refused = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (refused) throw refused.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<SimulatedBake>).value);
}

/** The accounts of the bakes in flight, by build id: where each bake's metric lines go. */
const metricsByBuild = new Map<string, SimulatedAccount>();
let restoreMetricsSink: MetricsSink | undefined;

/** Collects the bake's metric lines into its account until the returned function is called. */
function collectMetrics(buildId: string, account: SimulatedAccount): () => void {
  metricsByBuild.set(buildId, account);
  restoreMetricsSink ??= useMetricsSink(routeMetricLine);
  return () => {
    metricsByBuild.delete(buildId);
    if (metricsByBuild.size > 0 || !restoreMetricsSink) return;
    useMetricsSink(restoreMetricsSink);
    restoreMetricsSink = undefined;
  };
}

/** Puts a metric line in the account of the bake it names (the latest bake's, when it names none in flight). */
function routeMetricLine(line: string): void {
  const record = JSON.parse(line) as Record<string, unknown>;
  const account = metricsByBuild.get(String(record.buildId)) ?? [...metricsByBuild.values()].pop();
  account?.metrics.push(record);
}

/**
 * The execution input, with `recipe` registered in the bakery and the local sources of the recipe (registered or
 * inline) staged into the account's staging bucket.
 */
async function bakeInput(options: SimulateBakeOptions, bakery: SynthesizedBakery, account: SimulatedAccount): Promise<unknown> {
  const stage = (document: unknown, deployed: boolean) => (options.stageFrom === undefined
    ? document
    : stageRecipe(document, options.stageFrom, bakery, simulatedObjectStore(account, stagingLocationOf(bakery).bucket, deployed)));
  if (options.recipe !== undefined) {
    const name = registerRecipe(await stage(options.recipe, true), bakery, account);
    return options.input ?? { recipeName: name };
  }
  const inline = (options.input as { recipe?: unknown } | undefined)?.recipe;
  return inline === undefined ? options.input : { ...(options.input as object), recipe: await stage(inline, false) };
}

/**
 * Stages a recipe's local sources: a registered recipe's as deploying the app would, an ad-hoc one's as `bakery build`
 * uploads them. A missing source is an error naming it.
 */
async function stageRecipe(recipe: unknown, baseDirectory: string, bakery: SynthesizedBakery, store: ObjectStore): Promise<unknown> {
  const problems = localSourceProblems(recipe, baseDirectory);
  if (problems.length > 0) throw new Error(`the recipe's files cannot be staged: ${problems.join('; ')}`);
  return stageLocalSources(recipe, baseDirectory, stagingLocationOf(bakery), store);
}

function stagingLocationOf(bakery: SynthesizedBakery): StagingLocation {
  const location = parseStagingLocation(bakery.tags[STAGING_LOCATION_TAG] ?? '');
  if (!location) throw new Error('simulator: the synthesized bakery has no staging location tag');
  return location;
}

/**
 * Adds the document to the account's recipe catalog, as deploying the app with one more `addRecipe()` would, and
 * returns its name.
 */
function registerRecipe(document: unknown, bakery: SynthesizedBakery, account: SimulatedAccount): string {
  // A document without a usable name is registered all the same, so Prepare reports every problem it has.
  const given = (document as { name?: unknown } | null)?.name;
  const name = typeof given === 'string' && given.length > 0 ? given : 'unnamed';
  const { bucket, key } = catalogLocation(bakery.functions);
  const catalog = readCatalog(account, bucket, key);
  const registered: RecipeCatalogFile = { ...catalog, recipes: { ...catalog.recipes, [name]: document } };
  account.deployObject(bucket, key, Buffer.from(JSON.stringify(registered)));
  return name;
}

/** The account's recipe catalog (its placeholders left in place); an empty one when the account has none. */
function readCatalog(account: SimulatedAccount, bucket: string, key: string): RecipeCatalogFile {
  const stored = account.hasBucket(bucket) ? account.objects(bucket).find((object) => object.key === key) : undefined;
  return stored ? JSON.parse(stored.body) as RecipeCatalogFile : { catalogVersion: 1, recipes: {} };
}

/**
 * Runs the bakery's orphan sweeper once, at `at` (virtual time), against the account. Recipes the simulator
 * registered in the account (`recipe` of `simulateBake`) count as `addRecipe()` would make them count: the sweeper
 * also looks in the regions they copy to.
 */
export async function simulateSweep(account: SimulatedAccount, at: Date): Promise<SweepReport> {
  const sweeper = [...simulatedBakery().functions.values()].find((fn) => fn.step === 'sweep-orphans');
  if (!sweeper) throw new Error('simulator: the bakery has no sweep-orphans function');
  logger.setLogLevel('SILENT');
  const lambda = new SimulatedLambda(REGION, ACCOUNT, account.faults);
  const environment = { ...sweeper.environment, [BAKERY_ENV.copyRegions]: sweptRegions(account, sweeper.environment[BAKERY_ENV.copyRegions] ?? '').join(',') };
  const { result } = await onSimulatedAccount(account, Math.max(at.getTime(), account.now()), () => lambda.invoke({ ...sweeper, environment }, {}));
  return result as SweepReport;
}

/** The synthesized copy regions and those of every recipe in the account's recipe catalog. */
function sweptRegions(account: SimulatedAccount, synthesized: string): string[] {
  const { bucket, key } = catalogLocation(simulatedBakery().functions);
  const registered = Object.values(readCatalog(account, bucket, key).recipes).flatMap(copyRegionsOf);
  return [...new Set([...synthesized.split(',').filter(Boolean), ...registered])].sort();
}

/** `distribution.regions` of a registered recipe document (none when it names none). */
function copyRegionsOf(document: unknown): string[] {
  const regions = (document as { distribution?: { regions?: unknown } } | null)?.distribution?.regions;
  return Array.isArray(regions) ? regions.filter((region): region is string => typeof region === 'string') : [];
}

/**
 * The bake's execution, kept in the account as Step Functions keeps it (`DescribeExecution` answers from it).
 * Step Functions refuses a second execution with a name the state machine already used.
 */
function startExecution(account: SimulatedAccount, bakery: SynthesizedBakery, name: string, startTime: Date, input: unknown): BakeExecutionRecord {
  const tooLarge = executionInputProblem(JSON.stringify(input ?? {}));
  if (tooLarge) throw namedError('InvalidExecutionInput', tooLarge);
  const executionArn = executionArnFor(bakery.stateMachineArn, name);
  if (account.bakeExecutions.some((execution) => execution.executionArn === executionArn)) {
    throw namedError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'; a build id names one bake only`);
  }
  const record: BakeExecutionRecord = { executionArn, stateMachineArn: bakery.stateMachineArn, name, startDate: startTime.getTime(), status: 'RUNNING' };
  account.bakeExecutions.push(record);
  return record;
}

/** An error as the Step Functions API names it. */
function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * What the synthesized stack deploys exists in the account as the deployed stack would make it: the recipe catalog,
 * the staging bucket, the staged files and the staged-files document. A catalog the account holds already (with the
 * recipes registered in it since) is kept.
 */
function seedStackResources(account: SimulatedAccount, bakery: SynthesizedBakery): void {
  for (const [name, value] of bakery.parameters) account.putParameter(name, value);
  for (const bucket of bakery.buckets) if (!account.hasBucket(bucket)) account.createBucket(bucket);
  for (const [name, content] of bakery.documents) account.deployDocument(name, content);
  for (const object of bakery.deployedObjects) {
    if (!account.objects(object.bucket).some((stored) => stored.key === object.key)) account.deployObject(object.bucket, object.key, object.body);
  }
  seedSubnets(account, bakery.subnets);
}

/**
 * The bakery's subnets, in the account's region: where the template leaves a subnet's zone unknown, the subnets are
 * spread over the region's zones in the order the bakery names them (the same zones each run); a subnet the account
 * has already stays where it is.
 */
function seedSubnets(account: SimulatedAccount, subnets: readonly BakerySubnet[]): void {
  const region = account.region();
  const zones = availabilityZones(region);
  subnets.forEach((subnet, index) => {
    if (subnet.zone === undefined && subnetsOf(region).has(subnet.id)) return;
    account.addSubnet({ id: subnet.id, zone: subnet.zone ?? zones[index % zones.length].name });
  });
}

function withLeaks(manifest: Manifest, account: SimulatedAccount, sinceMs: number): Manifest {
  const handedOver = [
    ...manifest.artifacts.flatMap((artifact) => [artifact.amiId, ...artifact.snapshotIds]),
    ...keptWithVolumes(manifest, account),
    ...keptUntested(manifest, account),
  ];
  const leaked = account.leakedResources(sinceMs, handedOver).filter((id) => !madeByAnotherBake(account, id, manifest.buildId));
  return { ...manifest, leakedResources: leaked };
}

/** True for a resource tagged with another build id (a bake running at the same time): that bake answers for it. */
function madeByAnotherBake(account: SimulatedAccount, id: string, buildId: string): boolean {
  for (const name of account.regionNames()) {
    const region = account.region(name);
    const record = region.instances.get(id) ?? region.images.get(id) ?? region.snapshots.get(id) ?? region.volumes.get(id);
    if (!record) continue;
    const owner = record.tags.get(TAG_KEYS.buildId) ?? ('instanceId' in record ? region.instances.get(record.instanceId)?.tags.get(TAG_KEYS.buildId) : undefined);
    return owner !== undefined && owner !== buildId;
  }
  return false;
}

/** Instances kept for inspection on purpose, and their volumes: not leaks while they are kept. */
function keptWithVolumes(manifest: Manifest, account: SimulatedAccount): string[] {
  const kept = manifest.keptForInspection ?? [];
  const volumes = [...account.region().volumes.values()].filter((volume) => kept.includes(volume.instanceId)).map((volume) => volume.id);
  return [...kept, ...volumes];
}

/** An image a failed test left on purpose (`keepUntestedImage`), and its snapshots. */
function keptUntested(manifest: Manifest, account: SimulatedAccount): string[] {
  const image = manifest.keptUntestedImage ? account.region().images.get(manifest.keptUntestedImage) : undefined;
  return image ? [image.id, ...image.mappings.flatMap((mapping) => (mapping.snapshotId ? [mapping.snapshotId] : []))] : [];
}

function defaultExecutionName(input: unknown, start: Date): string {
  const recipe = (input as any)?.recipe?.name ?? (input as any)?.recipeName ?? 'bake';
  const stamp = start.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const name = String(recipe).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 50);
  return `${name}-${stamp}-${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0')}`;
}

