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
import { ProgressListener, ProgressTracker } from './progress';
import { SimulatedLambda } from './simulated-lambda';
import { simulatedObjectStore } from './staging-store';
import { synthesizeBakery, SynthesizedBakery } from './synthesized-bakery';
import { logger } from '../lambda/shared/logger';
import { useMetricsSink } from '../lambda/shared/metrics';
import type { Manifest } from '../lambda/shared/types';
import type { SweepReport } from '../lambda/sweep-orphans';
import { AdHocRecipes, type AmiBakery, type AmiBakeryProps } from '../src';
import { localSourceProblems, stageLocalSources } from '../src/staging/local-sources';
import { parseStagingLocation } from '../src/staging/staging-location';
import { executionArnFor, STAGING_LOCATION_TAG } from '../src/workflow/steps';

export interface SimulateBakeOptions {
  /**
   * A recipe document registered in the bakery before the bake, as `addRecipe()` registers one (an SSM
   * parameter under the bakery's recipe prefix), and baked by name unless `input` says otherwise.
   * @default - none: `input` names a recipe the bakery registered, or holds an ad-hoc one
   */
  readonly recipe?: unknown;
  /**
   * The execution input: `{"recipeName": "...", "overrides"?: {...}}` or, for a bakery that allows ad-hoc
   * recipes, `{"recipe": {...}}`.
   * @default {"recipeName": <the name of `recipe`>}
   */
  readonly input?: unknown;
  /** A bakery synthesized before, to run many bakes of one configuration without synthesizing it each time. */
  readonly bakery?: SynthesizedBakery;
  /** The simulated account; one with the public catalog is made when not given. */
  readonly account?: SimulatedAccount;
  /** Fault rules for a new account (`step:2:fail`, `api:RunInstances:throttle:3`, ...). */
  readonly faults?: readonly string[];
  /** Seed of a new account's random choices. @default 1 */
  readonly seed?: number;
  /** Virtual time the bake starts at. @default now */
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
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

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

/** Runs a whole bake in the simulator and returns its manifest, with leaks checked against the account. */
export async function simulateBake(options: SimulateBakeOptions): Promise<SimulatedBake> {
  const bakery = options.bakery ?? (options.configureBakery || options.bakeryProps
    ? simulatedBakeryWith(options.bakeryProps, options.configureBakery)
    : simulatedBakery());
  SimulatedLambda.checkHandlers(bakery.functions.values());
  const account = options.account
    ?? new SimulatedAccount({ seed: options.seed ?? 1, faults: options.faults ?? [], region: REGION, accountId: ACCOUNT });
  seedStackResources(account, bakery);
  const input = await bakeInput(options, bakery, account);
  const startTime = options.startTime ?? new Date(Math.max(Date.now(), account.now()));
  const executionName = options.executionName ?? defaultExecutionName(input, startTime);
  const record = startExecution(account, bakery, executionName, startTime);
  const tracker = new ProgressTracker(options.onProgress);
  logger.setLogLevel(options.verboseLogs ? 'DEBUG' : 'SILENT');

  const run = new BakeRun(bakery, new SimulatedLambda(REGION, ACCOUNT, account.faults), tracker, account);
  const execution = { name: executionName, arn: record.executionArn, startTime, region: REGION, account: ACCOUNT };
  const restoreSink = useMetricsSink((line) => account.metrics.push(JSON.parse(line)));
  const { result, elapsedMs } = await onSimulatedAccount(account, startTime.getTime(), async () => {
    const outcome = await run.execute(input, execution, options.abortAtState).finally(() => {
      record.stopDate = account.now();
    });
    record.status = outcome.status === 'SKIPPED' ? 'SUCCEEDED' : outcome.status;
    const manifest = withLeaks(outcome.manifest, account, startTime.getTime());
    tracker.finished(manifest);
    return { ...outcome, manifest };
  }).finally(() => useMetricsSink(restoreSink));
  return { ...result, executionName, simulatedSeconds: Math.round(elapsedMs / 1000), account };
}

/**
 * The execution input, with `recipe` registered in the bakery and the local sources of the recipe (registered or
 * inline) staged into the account's staging bucket.
 */
async function bakeInput(options: SimulateBakeOptions, bakery: SynthesizedBakery, account: SimulatedAccount): Promise<unknown> {
  const stage = (document: unknown) => (options.stageFrom === undefined ? document : stageRecipe(document, options.stageFrom, bakery, account));
  if (options.recipe !== undefined) {
    const name = registerRecipe(await stage(options.recipe), bakery, account);
    return options.input ?? { recipeName: name };
  }
  const inline = (options.input as { recipe?: unknown } | undefined)?.recipe;
  return inline === undefined ? options.input : { ...(options.input as object), recipe: await stage(inline) };
}

/** Stages a recipe's local sources; a missing source is an error naming it. */
async function stageRecipe(recipe: unknown, baseDirectory: string, bakery: SynthesizedBakery, account: SimulatedAccount): Promise<unknown> {
  const problems = localSourceProblems(recipe, baseDirectory);
  if (problems.length > 0) throw new Error(`the recipe's files cannot be staged: ${problems.join('; ')}`);
  const location = parseStagingLocation(bakery.tags[STAGING_LOCATION_TAG] ?? '');
  if (!location) throw new Error('simulator: the synthesized bakery has no staging location tag');
  return stageLocalSources(recipe, baseDirectory, location, simulatedObjectStore(account, location.bucket));
}

/** Puts the document where `addRecipe()` puts a registered recipe (an SSM parameter under the recipe prefix) and returns its name. */
function registerRecipe(document: unknown, bakery: SynthesizedBakery, account: SimulatedAccount): string {
  // A document without a usable name is registered all the same, so Prepare reports every problem it has.
  const given = (document as { name?: unknown } | null)?.name;
  const name = typeof given === 'string' && given.length > 0 ? given : 'unnamed';
  const prepare = [...bakery.functions.values()].find((fn) => fn.step === 'prepare');
  const prefix = prepare?.environment.RECIPE_PARAMETER_PREFIX;
  if (!prefix) throw new Error('simulator: the synthesized bakery has no RECIPE_PARAMETER_PREFIX');
  account.putParameter(`${prefix}${name}`, JSON.stringify(document));
  return name;
}

/** Runs the bakery's orphan sweeper once, at `at` (virtual time), against the account. */
export async function simulateSweep(account: SimulatedAccount, at: Date): Promise<SweepReport> {
  const sweeper = [...simulatedBakery().functions.values()].find((fn) => fn.step === 'sweep-orphans');
  if (!sweeper) throw new Error('simulator: the bakery has no sweep-orphans function');
  logger.setLogLevel('SILENT');
  const lambda = new SimulatedLambda(REGION, ACCOUNT, account.faults);
  const { result } = await onSimulatedAccount(account, Math.max(at.getTime(), account.now()), () => lambda.invoke(sweeper, {}));
  return result as SweepReport;
}

/**
 * The bake's execution, kept in the account as Step Functions keeps it (`DescribeExecution` answers from it).
 * Step Functions refuses a second execution with a name the state machine already used.
 */
function startExecution(account: SimulatedAccount, bakery: SynthesizedBakery, name: string, startTime: Date): BakeExecutionRecord {
  const executionArn = executionArnFor(bakery.stateMachineArn, name);
  if (account.bakeExecutions.some((execution) => execution.executionArn === executionArn)) {
    const error = new Error(`Execution Already Exists: '${executionArn}'; a build id names one bake only`);
    error.name = 'ExecutionAlreadyExists';
    throw error;
  }
  const record: BakeExecutionRecord = { executionArn, stateMachineArn: bakery.stateMachineArn, name, startDate: startTime.getTime(), status: 'RUNNING' };
  account.bakeExecutions.push(record);
  return record;
}

/** What the synthesized stack deploys exists in the account as the deployed stack would make it: registered recipes, the staging bucket and the staged-files document. */
function seedStackResources(account: SimulatedAccount, bakery: SynthesizedBakery): void {
  for (const [name, value] of bakery.parameters) account.putParameter(name, value);
  for (const bucket of bakery.buckets) if (!account.hasBucket(bucket)) account.createBucket(bucket);
  for (const [name, content] of bakery.documents) account.deployDocument(name, content);
  for (const object of bakery.deployedObjects) account.invoke('s3', 'PutObject', { Bucket: object.bucket, Key: object.key, Body: object.body });
}

function withLeaks(manifest: Manifest, account: SimulatedAccount, sinceMs: number): Manifest {
  const handedOver = [
    ...manifest.artifacts.flatMap((artifact) => [artifact.amiId, ...artifact.snapshotIds]),
    ...keptWithVolumes(manifest, account),
    ...keptUntested(manifest, account),
  ];
  return { ...manifest, leakedResources: account.leakedResources(sinceMs, handedOver) };
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

