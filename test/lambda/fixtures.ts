/**
 * Shared test fixtures for the handler tests: a recipe, the build context Prepare would make from
 * it, states at each point of the bake, AWS errors shaped like the SDK's, and a fixed clock.
 */
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeSnapshotsCommand, EC2ServiceException } from '@aws-sdk/client-ec2';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { AwsStub } from 'aws-sdk-client-mock';
import { logger } from '../../lambda/shared/logger';
import { useMetricsSink } from '../../lambda/shared/metrics';
import type { RecipeDocument } from '../../lambda/shared/recipe-schema';
import { TAG_KEYS } from '../../lambda/shared/tags';
import type { BakeState, BuildContext } from '../../lambda/shared/types';
import type { AdHocBounds, RecipePolicy } from '../../src/recipe/recipe-policy';

logger.setLogLevel('SILENT');

/** The fixed "now" of the tests. */
export const T0 = new Date('2025-01-02T03:04:05.000Z');
export const BUILD_ID = 'exec-0001';
export const SOURCE_AMI = 'ami-0123456789abcdef0';
export const INSTANCE_ID = 'i-0123456789abcdef0';
export const IMAGE_ID = 'ami-0fedcba9876543210';

/** Environment the construct gives every handler. */
/** The metric lines (CloudWatch embedded metric format) handlers wrote, instead of standard output. */
export const metricLines: string[] = [];
useMetricsSink((line) => metricLines.push(line));

export const ENV = {
  AWS_REGION: 'eu-west-1',
  BAKERY_ID: 'bakery-test',
  RECIPE_CATALOG_BUCKET: 'cdk-hnb659fds-assets-111122223333-eu-west-1',
  RECIPE_CATALOG_KEY: 'recipes-test.json',
  RECIPE_CATALOG_VALUES: '[]',
  INSTANCE_PROFILE_NAME: 'bakery-build-profile',
  SUBNET_IDS: '',
  SECURITY_GROUP_IDS: '',
  OUTPUT_LOG_GROUP: '/cdk-ami-bakery/bakery-test/output',
  /** As the construct writes it by default: registered recipes only, no overrides. */
  RECIPE_POLICY: JSON.stringify({ account: '111122223333', allowOverrides: [] } satisfies RecipePolicy),
  WAIT_REGISTRY: 's3://bakery-staging/waits/',
};

/** The bounds `AdHocRecipes.allow()` renders with no arguments. */
export const DEFAULT_AD_HOC_BOUNDS: AdHocBounds = {
  sourceImageOwners: ['self', 'amazon'],
  copyRegions: [],
  sharing: { accounts: [], organizationArns: [], organizationalUnitArns: [], allowPublic: false },
  parameterRoles: [],
  maxKeepOnFailureHours: 24,
};

/** The `RECIPE_POLICY` of a bakery that allows these overrides and, when given, ad-hoc recipes within these bounds. */
export function recipePolicy(allowOverrides: string[], adHoc?: Partial<AdHocBounds>): string {
  const policy: RecipePolicy = { account: '111122223333', allowOverrides, ...(adHoc ? { adHoc: { ...DEFAULT_AD_HOC_BOUNDS, ...adHoc } } : {}) };
  return JSON.stringify(policy);
}

/** The recipes each S3 mock's catalog holds. */
const catalogs = new WeakMap<object, Record<string, unknown>>();

/**
 * Registers a recipe document as the construct does (in the recipe catalog that Prepare reads from S3) and returns
 * the input that bakes it.
 */
export function registered(s3Mock: AwsStub<any, any, any>, document: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const name = String((document as { name?: unknown }).name ?? 'unnamed');
  serveCatalog(s3Mock, { ...catalogs.get(s3Mock), [name]: document });
  return { recipeName: name, ...extra };
}

/** Serves a recipe catalog holding these recipes (none: an app that registered none), in place of the one served before. */
export function serveCatalog(s3Mock: AwsStub<any, any, any>, recipes: Record<string, unknown> = {}, text?: string): void {
  catalogs.set(s3Mock, recipes);
  const body = text ?? JSON.stringify({ catalogVersion: 1, recipes });
  s3Mock.on(GetObjectCommand, { Bucket: ENV.RECIPE_CATALOG_BUCKET, Key: ENV.RECIPE_CATALOG_KEY })
    .callsFake(() => ({ Body: { transformToString: async () => body } }));
}

/** Sets the handler environment (tests may change single variables afterwards). */
export function setEnv(overrides: Partial<typeof ENV> = {}): void {
  Object.assign(process.env, ENV, overrides);
}

/** Freezes `Date` at `T0` (timers other than Date keep running, so SDK promises resolve). */
export function freezeTime(at: Date = T0): void {
  jest.useFakeTimers({ now: at, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
}

/** Moves the frozen clock forward. */
export function advanceSeconds(seconds: number): void {
  jest.setSystemTime(Date.now() + seconds * 1000);
}

/** An AWS error as the SDK throws it: `name` is the error code, `$fault` says whose fault it is. */
export function awsError(name: string, message = `${name} happened`, fault: 'client' | 'server' = 'client'): EC2ServiceException {
  return new EC2ServiceException({ name, message, $fault: fault, $metadata: { httpStatusCode: fault === 'server' ? 500 : 400 } });
}

/** A valid recipe with one shell step, one reboot step and one more shell step. */
export function recipe(overrides: Partial<RecipeDocument> = {}): RecipeDocument {
  return {
    schemaVersion: 1,
    name: 'web',
    source: { amiId: SOURCE_AMI },
    steps: [
      { shell: { name: 'install nginx', commands: ['apt-get update -y', 'apt-get install -y nginx'], timeoutSeconds: 1800 } },
      { reboot: {} },
      { shell: { commands: ['curl -fsS localhost >/dev/null'], workingDirectory: '/tmp', environment: { GREETING: "it's me" } } },
    ],
    ...overrides,
  };
}

/** The tags naming the test build. */
export const IDENTITY_TAGS = {
  [TAG_KEYS.bakery]: 'bakery-test',
  [TAG_KEYS.buildId]: BUILD_ID,
  [TAG_KEYS.recipe]: 'web',
};

/** The build context Prepare makes for `recipe()`. */
export function buildContext(overrides: Partial<BuildContext> = {}): BuildContext {
  return {
    buildId: BUILD_ID,
    bakeryId: 'bakery-test',
    region: 'eu-west-1',
    recipe: recipe(),
    sourceAmiId: SOURCE_AMI,
    sourceImageName: 'ubuntu-24.04',
    architecture: 'x86_64',
    rootDeviceName: '/dev/sda1',
    platform: 'linux',
    amiName: 'web-20250102030405',
    amiDescription: 'web',
    imageTags: { ...IDENTITY_TAGS, [TAG_KEYS.sourceAmi]: SOURCE_AMI },
    runTags: { Name: 'cdk-ami-bakery web exec-0001', ...IDENTITY_TAGS },
    copyTargets: [],
    ...overrides,
  };
}

/** The state after Prepare, with anything else a test needs. */
export function bakeState(overrides: Partial<BakeState> = {}): BakeState {
  return {
    build: buildContext(),
    phases: [{ name: 'prepare', startedAt: T0.toISOString() }],
    ...overrides,
  };
}

/** A poll loop started `ago` seconds before now. */
export function pollState(overrides: Partial<NonNullable<BakeState['poll']>> = {}, agoSeconds = 0): NonNullable<BakeState['poll']> {
  return {
    seconds: 10,
    startedAt: new Date(Date.now() - agoSeconds * 1000).toISOString(),
    budgetSeconds: 600,
    maxSeconds: 30,
    done: false,
    attempts: 0,
    ...overrides,
  };
}

/** What EC2 finds tagged with the build id: instances, images and snapshots the mocked client returns. */
export function givenTagged(ec2Mock: AwsStub<any, any, any>, found: { instances?: object[]; images?: object[]; snapshots?: object[] }): void {
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: found.instances ?? [] }] });
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: found.images ?? [] });
  ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: found.snapshots ?? [] });
}
