import { Duration, Stack, Token } from 'aws-cdk-lib';
import { EbsDeviceVolumeType, InstanceType } from 'aws-cdk-lib/aws-ec2';
import { IEventBus, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { IKey } from 'aws-cdk-lib/aws-kms';
import { IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { IStringParameter } from 'aws-cdk-lib/aws-ssm';
import { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DistributionOptions } from './distribution';
import { DistributionFields, distributionProblems, FieldProblem } from './distribution-rules';
import { MAX_DOCUMENT_BYTES } from './document-limits';
import { architectureMismatch } from './instance-architecture';
import { fieldLimitProblems, LaunchFields, launchProblems, needsProvisionedIops } from './launch-rules';
import { namedPlatformProblems } from './platform-rules';
import { ProvisionStep } from './provision-step';
import { RebuildPolicy } from './rebuild-policy';
import { renderDistribution } from './render-distribution';
import { SourceImage } from './source-image';
import { START_BAKE_SOURCE } from '../contract';
import { localSources } from '../staging/local-sources';
import { StagedFilesDeployment, stageRecipeFiles } from '../staging/staged-assets';
import { StartEventGrants } from '../workflow/bakery-event-bus';

/** Which older images of a recipe a successful bake removes (with their snapshots). */
export interface RetentionOptions {
  /**
   * Keep this many of the recipe's newest images, the new one included.
   * @default - no limit by count
   */
  readonly keepLatest?: number;
  /**
   * Keep images younger than this. With `keepLatest` too, an image must break both rules to be removed.
   * @default - no limit by age
   */
  readonly maxAge?: Duration;
  /**
   * Leave alone images that a running instance or a launch template (latest or default version) uses.
   * @default true
   */
  readonly keepIfInUse?: boolean;
}

/** What a recipe bakes: its source image, provisioning steps, and the AMI it makes. */
export interface RecipeOptions {
  /**
   * The recipe's name: the value of `recipeName` in a bake's input, and the `{{recipe}}` placeholder.
   * 1-63 letters, digits, `.`, `_` or `-`.
   * @default - the construct id
   */
  readonly recipeName?: string;
  /** The base image the build instance boots from. */
  readonly source: SourceImage;
  /** Provisioning steps, run in order through SSM Run Command. */
  readonly steps: ProvisionStep[];
  /**
   * Tests of the new image: once it is available, and before any copy or share, an instance launched from it (in
   * the same network) runs these steps. A failing test fails the bake and removes the image (see `keepUntestedImage`);
   * an image that passed is tagged `cdk-ami-bakery:tested=true`.
   * @default - the image is not tested
   */
  readonly tests?: ProvisionStep[];
  /**
   * Instance types for the test instance, tried in order.
   * @default - the build instance's types
   */
  readonly testInstanceTypes?: InstanceType[];
  /**
   * Keep an image whose test failed, tagged `cdk-ami-bakery:tested=false`, instead of removing it. Needs `tests`.
   * @default false
   */
  readonly keepUntestedImage?: boolean;
  /**
   * Steps run on the build instance, best effort, after a provisioning step failed and before cleanup (for example,
   * to copy logs out), as Packer's `error-cleanup-provisioner`. A failing one is recorded and the next runs.
   * @default - none
   */
  readonly onFailure?: ProvisionStep[];
  /**
   * For a Windows source image: generalise the instance with EC2Launch v2's sysprep (`EC2Launch.exe sysprep --clean`)
   * as the last provisioning step, so every instance launched from the image gets its own identity. Turn it off only
   * for images that are never launched more than once at a time.
   * @default true
   */
  readonly windowsSysprep?: boolean;
  /**
   * Instance types to try in order; the first that launches wins (capacity errors move on to the next).
   * @default - t3.small; t4g.small for an arm64 source image; t3.medium for Windows
   */
  readonly instanceTypes?: InstanceType[];
  /**
   * Launch the build instance as a one-time Spot instance, at a fraction of the On-Demand price.
   * @default false
   */
  readonly spot?: boolean;
  /**
   * With `spot`, launch On-Demand when Spot has no capacity for any allowed type and subnet.
   * @default true
   */
  readonly spotFallback?: boolean;
  /**
   * A script the build instance runs at first boot (EC2 user data, as Packer's `user_data`), before any step;
   * the bakery encodes it. At most 16 KB.
   * @default - none
   */
  readonly userData?: string;
  /**
   * Size of the root volume, and so of the AMI's root snapshot.
   * @default - the source image's size
   */
  readonly rootVolumeSize?: number;
  /**
   * Type of the root volume.
   * @default gp3
   */
  readonly rootVolumeType?: EbsDeviceVolumeType;
  /**
   * AMI name template; placeholders `{{timestamp}}`, `{{date}}`, `{{buildId}}`, `{{recipe}}`. Names are unique per
   * account and region, so include `{{timestamp}}` or `{{buildId}}`.
   * @default '{{recipe}}-{{timestamp}}'
   */
  readonly amiName?: string;
  /**
   * AMI description. It may use the placeholders of `tags`.
   * @default - names the recipe and the source image
   */
  readonly description?: string;
  /**
   * Tags for the AMI, its snapshots, the build instance and its volumes. Values may use the name's placeholders
   * and facts of the build: `{{sourceAmiId}}`, `{{sourceAmiName}}` and `{{region}}` (where the image is baked).
   * @default - only the bakery's own tags
   */
  readonly tags?: Record<string, string>;
  /**
   * Encrypt the build volumes, and so the AMI's snapshots and copies. Turn it off only for an AMI you make
   * public (`distribution.sharing.makePublic`): EC2 does not make encrypted AMIs public.
   * @default true
   */
  readonly encrypted?: boolean;
  /**
   * KMS key that encrypts the build volumes and so the AMI's snapshots, in the bakery's region. The bakery is
   * allowed to use it through EC2 when the recipe is added (as `AmiBakery.grantEncryptionKey()` does).
   * @default - the account's default EBS encryption key
   */
  readonly kmsKey?: IKey;
  /**
   * Mark each new AMI deprecated this long after it is made (it still launches, but is flagged as old).
   * @default - never deprecated
   */
  readonly deprecateAfter?: Duration;
  /**
   * Turn on deregistration protection for each new AMI; retention then leaves it alone and says so.
   * @default false
   */
  readonly deregistrationProtection?: boolean;
  /**
   * Remove the recipe's older AMIs and their snapshots after each successful bake. Only images this bakery
   * made for this recipe are ever considered (by their tags, never by name).
   * @default - every image is kept
   */
  readonly retention?: RetentionOptions;
  /**
   * Copies to other regions, sharing with other accounts, and SSM parameters that point at the new AMI.
   * @default - the AMI stays private, in the bakery's region only
   */
  readonly distribution?: DistributionOptions;
  /**
   * Bake on a schedule (EventBridge Scheduler), e.g. `ScheduleExpression.cron({ weekDay: 'MON', hour: '3',
   * minute: '0', timeZone: TimeZone.EUROPE_BERLIN })` or `ScheduleExpression.rate(Duration.days(7))`. Each run
   * starts the state machine with `{"recipeName": "<name>"}`.
   * @default - no schedule
   */
  readonly schedule?: ScheduleExpression;
  /**
   * Let EventBridge Scheduler start a scheduled bake anywhere within this window after the scheduled time.
   * @default - off: bakes start at the scheduled time
   */
  readonly scheduleFlexibleWindow?: Duration;
  /**
   * When a bake makes a new image: always, or only when the source image or the recipe changed since the
   * recipe's newest image (`RebuildPolicy.whenSourceChanges()`, which keeps scheduled images patched
   * without baking the same image again).
   * @default RebuildPolicy.always()
   */
  readonly rebuild?: RebuildPolicy;
  /**
   * Deregister an existing AMI of the same name made by this bakery instead of failing the bake.
   * @default false
   */
  readonly forceDeregister?: boolean;
  /**
   * How long to wait for the SSM agent of a new build instance to come online.
   * @default Duration.minutes(10)
   */
  readonly agentTimeout?: Duration;
  /**
   * How long to wait for the build instance to stop before the image is made.
   * @default Duration.minutes(15)
   */
  readonly stopTimeout?: Duration;
  /**
   * Debugging: when a bake fails, leave the build instance running for this long so a person can inspect it
   * (`aws ssm start-session`); the orphan sweeper terminates it afterwards. Everything else is still removed.
   * @default - the instance is terminated when a bake fails
   */
  readonly keepOnFailure?: Duration;
  /**
   * How long to wait for the new AMI to become available.
   * @default Duration.hours(1)
   */
  readonly imageTimeout?: Duration;
}

/** Properties of a {@link Recipe}. */
export interface RecipeProps extends RecipeOptions {
  /**
   * The bakery's state machine, which schedules and per-recipe grants start.
   * @default - no schedule and no per-recipe grants are possible
   */
  readonly stateMachine?: IStateMachine;
  /**
   * The bakery's staging bucket, which receives the files that `script`, `file` and `ansible` steps name by local path.
   * @default - steps may name files only by s3:// URI in a staging location
   */
  readonly stagingBucket?: IBucket;
  /**
   * The bakery's event bus, which carries the start events of `grantStartBake()`.
   * @default - `grantStartBake()` is not available
   */
  readonly eventBus?: IEventBus;
}

const RECIPE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * A registered recipe: its document joins the bakery's recipe catalog, one S3 asset that the bakery's Prepare step
 * reads when a bake starts with `{"recipeName": "<name>"}`. Made only by `AmiBakery.addRecipe()`, which registers it.
 */
export class Recipe extends Construct {
  /**
   * A recipe of the bakery whose state machine, staging bucket and event bus `props` name; `AmiBakery.addRecipe()`
   * makes each one with this, and registers it.
   * @internal
   */
  public static _ofBakery(scope: Construct, id: string, props: RecipeProps): Recipe {
    return new Recipe(scope, id, props);
  }

  /** The recipe's name, as given in a bake's input. */
  public readonly recipeName: string;
  /** The recipe document (JSON, `schemaVersion: 1`) the runner validates and bakes. */
  public readonly document: any;
  /** The EventBridge Scheduler schedule that bakes the recipe, when it has a `schedule`. */
  public readonly schedule?: Schedule;
  /**
   * The KMS keys the recipe encrypts with (`kmsKey`, `distribution.kmsKeys`), which the bakery lets its runner use.
   * @internal
   */
  public readonly _encryptionKeys: IKey[];
  /**
   * The app's SSM parameter the source image is read from, which the bakery lets Prepare read.
   * @internal
   */
  public readonly _sourceParameter?: IStringParameter;
  private readonly stateMachine?: IStateMachine;
  private readonly eventBus?: IEventBus;
  private startEvents?: StartEventGrants;

  private constructor(scope: Construct, id: string, props: RecipeProps) {
    super(scope, id);
    this.recipeName = props.recipeName ?? id;
    validateOptions(this.recipeName, props);
    const stagedFiles = props.stagingBucket ? StagedFilesDeployment.of(props.stagingBucket) : undefined;
    this.document = withStagedFiles(this.recipeName, renderDocument(this.recipeName, props), stagedFiles);
    const homeRegion = resolvedRegion(this);
    refuseImageKeyOfOtherRegion(this.recipeName, props.kmsKey, homeRegion);
    refuseDistributionProblems(this.recipeName, this.document, homeRegion);
    refusePlatformProblems(this.recipeName, this.document);
    refuseLaunchProblems(this.recipeName, this.document, homeRegion);
    const bytes = Buffer.byteLength(JSON.stringify(this.document), 'utf8');
    if (bytes > MAX_DOCUMENT_BYTES) {
      throw new Error(`Recipe "${this.recipeName}": the rendered document is ${bytes} bytes; a recipe holds at most ${MAX_DOCUMENT_BYTES} ` +
        '(Step Functions carries at most 256 KB of state). Move long scripts into script steps (staged files), or download them in a step.');
    }
    this._encryptionKeys = [...(props.kmsKey ? [props.kmsKey] : []), ...(props.distribution?.kmsKeys ?? [])];
    this._sourceParameter = props.source._parameter;
    this.stateMachine = props.stateMachine;
    this.eventBus = props.eventBus;
    if (props.schedule) this.schedule = this.bakeOnSchedule(props.schedule, props.scheduleFlexibleWindow);
  }

  /** The `detail-type` of the events that start a bake of this recipe (see {@link grantStartBake}). */
  public get startEventDetailType(): string {
    return `Start Bake: ${this.recipeName}`;
  }

  /**
   * Lets a principal (a role or a user) start bakes of this recipe only, and nothing else: it may put an event
   * with source `cdk-ami-bakery.start` and detail-type {@link startEventDetailType} on the bakery's event bus,
   * and a rule starts the state machine with `{"recipeName": "<name>"}` (the event's detail is ignored, so no
   * overrides). The bus's resource policy denies these events to every principal not granted. IAM cannot restrict
   * the input of `states:StartExecution`, so this is how a grant stays per recipe.
   */
  public grantStartBake(grantee: IGrantable): Grant {
    const stateMachine = this.requireStateMachine('grantStartBake');
    if (!this.eventBus) throw new Error(`Recipe "${this.recipeName}": grantStartBake needs the bakery's event bus; add the recipe with AmiBakery.addRecipe().`);
    if (!this.startEvents) {
      new Rule(this, 'StartRule', {
        description: `cdk-ami-bakery: starts a bake of recipe ${this.recipeName}`,
        eventBus: this.eventBus,
        eventPattern: { source: [START_BAKE_SOURCE], detailType: [this.startEventDetailType] },
        targets: [new SfnStateMachine(stateMachine, { input: RuleTargetInput.fromObject({ recipeName: this.recipeName }) })],
      });
      this.startEvents = new StartEventGrants(this, this.eventBus, this.startEventDetailType);
    }
    return this.startEvents.grant(grantee);
  }

  private bakeOnSchedule(expression: ScheduleExpression, flexibleWindow: Duration | undefined): Schedule {
    const stateMachine = this.requireStateMachine('schedule');
    return new Schedule(this, 'Schedule', {
      schedule: expression,
      description: `cdk-ami-bakery: bakes recipe ${this.recipeName}`,
      target: new StepFunctionsStartExecution(stateMachine, { input: ScheduleTargetInput.fromText(this.startBakeInput()) }),
      timeWindow: flexibleWindow ? TimeWindow.flexible(flexibleWindow) : TimeWindow.off(),
    });
  }

  private requireStateMachine(what: string): IStateMachine {
    if (!this.stateMachine) {
      throw new Error(`Recipe "${this.recipeName}": ${what} needs the bakery's state machine; add the recipe with AmiBakery.addRecipe().`);
    }
    return this.stateMachine;
  }

  /** The execution input that bakes this recipe, for the Step Functions console or a schedule. */
  public startBakeInput(): string {
    return JSON.stringify({ recipeName: this.recipeName });
  }
}

/**
 * EC2 encrypts the build volumes only with a key of the region the image is made in. A key known by a literal ARN is
 * checked with the document's rules; this is for a key of the app whose ARN is known only at deploy time.
 */
function refuseImageKeyOfOtherRegion(recipeName: string, key: IKey | undefined, homeRegion: string | undefined): void {
  if (key === undefined || homeRegion === undefined || !Token.isUnresolved(key.keyArn)) return;
  const keyRegion = key.env.region;
  if (Token.isUnresolved(keyRegion) || keyRegion === homeRegion) return;
  throw new Error(`Recipe "${recipeName}": kmsKey: key ${key.node.path} is in ${keyRegion}, and the image is made in ${homeRegion}, ` +
    'the bakery\'s region; give a key of that region (or a multi-Region replica there).');
}

/** The distribution rules the runner applies, at synth time, with the CDK names of the fields. */
function refuseDistributionProblems(recipeName: string, document: DistributionFields, homeRegion: string | undefined): void {
  refuseProblems(recipeName, document, distributionProblems(document, homeRegion));
}

/**
 * What EC2 and SSM would refuse at launch, as the runner's schema does, at synth time: tag counts, SSM parameter
 * names, copy regions (none to the stack's own region, when it is known), step timeouts, and what fields cannot do together.
 */
function refuseLaunchProblems(recipeName: string, document: LaunchFields, homeRegion: string | undefined): void {
  refuseProblems(recipeName, document, [...fieldLimitProblems(document, homeRegion), ...launchProblems(document)]);
}

/** Throws naming every problem by its CDK field, leaving out values that are tokens (they are known only at deploy time). */
function refuseProblems(recipeName: string, document: object, problems: readonly FieldProblem[]): void {
  const known = problems.filter((problem) => !unresolvedAlong(document, problem.path));
  if (known.length === 0) return;
  const lines = known.map((problem) => `${cdkName(problem.path)}: ${problem.message}`);
  throw new Error(`Recipe "${recipeName}": ${lines.join('; ')}.`);
}

/** True when the value at `path` in the document, or any value on the way there, is a token. */
function unresolvedAlong(document: object, path: readonly (string | number)[]): boolean {
  let value: unknown = document;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return false;
    value = (value as Record<string | number, unknown>)[part];
    if (Token.isUnresolved(value)) return true;
  }
  return false;
}

/** The stack's region, where the bakery makes its images; undefined while it is a token (an environment-agnostic stack). */
function resolvedRegion(scope: Construct): string | undefined {
  const region = Stack.of(scope).region;
  return Token.isUnresolved(region) ? undefined : region;
}

/** Steps that do not fit the platform the source names (SourceImage.windows(), SourceImage.ubuntu(), ...), at synth time. */
function refusePlatformProblems(recipeName: string, document: Record<string, unknown>): void {
  const problems = namedPlatformProblems(document as unknown as Parameters<typeof namedPlatformProblems>[0]);
  if (problems.length > 0) throw new Error(`Recipe "${recipeName}": ${problems.join('; ')}.`);
}

const CDK_NAMES: Record<string, string> = {
  'ami.kmsKeyId': 'kmsKey',
  'distribution.kmsKeyIds': 'distribution.kmsKeys',
  'ami.encrypted': 'encrypted',
  'ami.tags': 'tags',
  'instance.types': 'instanceTypes',
  'testInstance.types': 'testInstanceTypes',
  'source.ssmParameter': 'source',
  'distribution.sharing.public': 'distribution.sharing.makePublic',
  'distribution.ssmParameter': 'distribution.ssmParameterName',
};

/**
 * The name of a document field in RecipeOptions: `distribution.ssmParameter` is `distribution.ssmParameterName`,
 * a step's `timeoutSeconds` its `timeout`.
 */
function cdkName(path: readonly (string | number)[]): string {
  const documentPath = path.map((part) => (typeof part === 'number' ? `[${part}]` : part)).join('.').replace(/\.\[/g, '[')
    .replace(/\.timeoutSeconds$/, '.timeout');
  const prefix = Object.keys(CDK_NAMES)
    .find((name) => documentPath === name || documentPath.startsWith(`${name}.`) || documentPath.startsWith(`${name}[`));
  return prefix ? CDK_NAMES[prefix] + documentPath.slice(prefix.length) : documentPath;
}

function validateOptions(recipeName: string, props: RecipeOptions): void {
  if (!Token.isUnresolved(recipeName) && !RECIPE_NAME.test(recipeName)) {
    throw new Error(`Recipe "${recipeName}": recipeName must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit.`);
  }
  if (props.steps.length === 0) {
    throw new Error(`Recipe "${recipeName}": steps must hold at least one ProvisionStep, e.g. ProvisionStep.shell({ commands: ['...'] }).`);
  }
  if (props.instanceTypes !== undefined && props.instanceTypes.length === 0) {
    throw new Error(`Recipe "${recipeName}": instanceTypes must not be empty; leave it out to use t3.small (t4g.small for an arm64 source).`);
  }
  checkArchitectures(recipeName, props);
  if (props.retention && props.retention.keepLatest === undefined && props.retention.maxAge === undefined) {
    throw new Error(`Recipe "${recipeName}": retention needs keepLatest and/or maxAge; leave retention out to keep every image.`);
  }
  if (props.retention?.keepLatest !== undefined && !Token.isUnresolved(props.retention.keepLatest)
    && (!Number.isInteger(props.retention.keepLatest) || props.retention.keepLatest < 1)) {
    throw new Error(`Recipe "${recipeName}": retention.keepLatest must be a whole number from 1 (got ${props.retention.keepLatest}).`);
  }
  if (props.keepOnFailure !== undefined && !props.keepOnFailure.isUnresolved()) {
    const hours = props.keepOnFailure.toHours({ integral: false });
    if (hours < 1 || hours > 168) {
      throw new Error(`Recipe "${recipeName}": keepOnFailure must be between 1 hour and 7 days (got ${props.keepOnFailure.toHumanString()}).`);
    }
  }
  if (props.spotFallback !== undefined && props.spot !== true) {
    throw new Error(`Recipe "${recipeName}": spotFallback applies to Spot launches only; set spot: true, or leave spotFallback out.`);
  }
  if (props.rootVolumeSize !== undefined && !Token.isUnresolved(props.rootVolumeSize)
    && (!Number.isInteger(props.rootVolumeSize) || props.rootVolumeSize < 1 || props.rootVolumeSize > 16384)) {
    throw new Error(`Recipe "${recipeName}": rootVolumeSize must be a whole number of GiB between 1 and 16384 (got ${props.rootVolumeSize}).`);
  }
  refuseUnprovisionedVolume(recipeName, props.rootVolumeType);
}

/** EC2 needs the IOPS of an io1 or io2 volume, which RecipeOptions cannot set. */
function refuseUnprovisionedVolume(recipeName: string, volumeType: EbsDeviceVolumeType | undefined): void {
  if (volumeType === undefined || Token.isUnresolved(volumeType) || !needsProvisionedIops(volumeType)) return;
  throw new Error(`Recipe "${recipeName}": rootVolumeType: EC2 needs the IOPS of an ${volumeType} volume, which RecipeOptions cannot set; ` +
    'use EbsDeviceVolumeType.GP3 (3000 IOPS included), or a recipe document with instance.rootVolume.iops.');
}

/** Refuses instance types that cannot boot the source image, when both architectures are known at synth time. */
function checkArchitectures(recipeName: string, props: RecipeOptions): void {
  const imageArchitecture = props.source._architecture;
  if (imageArchitecture === undefined) return;
  for (const [field, types] of [['instanceTypes', props.instanceTypes], ['testInstanceTypes', props.testInstanceTypes]] as const) {
    if (types === undefined) continue;
    for (const instanceType of typeNames(types)) {
      const mismatch = Token.isUnresolved(instanceType) ? undefined : architectureMismatch(instanceType, imageArchitecture);
      if (mismatch) throw new Error(`Recipe "${recipeName}": ${field === 'instanceTypes' ? '' : `${field}: `}${mismatch}.`);
    }
  }
}

/** The document with the files its steps name by local path staged in the bakery's bucket when the stack deploys. */
function withStagedFiles(recipeName: string, document: Record<string, unknown>, deployment?: StagedFilesDeployment): Record<string, unknown> {
  if (!deployment) {
    if (localSources(document, process.cwd()).length === 0) return document;
    throw new Error(`Recipe "${recipeName}": steps name local files, which need the bakery's staging bucket; add the recipe with AmiBakery.addRecipe().`);
  }
  return stageRecipeFiles(recipeName, document, deployment);
}

function renderDocument(recipeName: string, props: RecipeOptions): Record<string, unknown> {
  const document = omitUndefined({
    schemaVersion: 1,
    name: recipeName,
    source: props.source._render(),
    instance: renderInstance(props),
    steps: props.steps.map((step) => step._render()),
    tests: props.tests?.map((step) => step._render()),
    testInstance: props.testInstanceTypes ? { types: typeNames(props.testInstanceTypes) } : undefined,
    keepUntestedImage: props.keepUntestedImage,
    onFailure: props.onFailure?.map((step) => step._render()),
    windows: props.windowsSysprep === undefined ? undefined : { sysprep: props.windowsSysprep },
    ami: renderAmi(props),
    retention: props.retention && omitUndefined({
      keepLatest: props.retention.keepLatest,
      maxAgeDays: props.retention.maxAge && Math.ceil(props.retention.maxAge.toDays({ integral: false })),
      keepIfInUse: props.retention.keepIfInUse,
    }),
    distribution: renderDistribution(recipeName, props.distribution),
    rebuild: props.rebuild?._render(),
    keepOnFailure: props.keepOnFailure ? true : undefined,
    keepOnFailureHours: props.keepOnFailure && Math.ceil(props.keepOnFailure.toHours({ integral: false })),
    timeouts: omitUndefined({
      agentOnlineSeconds: props.agentTimeout?.toSeconds(),
      instanceStopSeconds: props.stopTimeout?.toSeconds(),
      imageAvailableSeconds: props.imageTimeout?.toSeconds(),
      copyAvailableSeconds: props.distribution?.copyTimeout?.toSeconds(),
    }),
  });
  return document ?? {};
}

function renderInstance(props: RecipeOptions): Record<string, unknown> | undefined {
  const rootVolume = omitUndefined({ sizeGiB: props.rootVolumeSize, type: props.rootVolumeType });
  const types = props.instanceTypes && typeNames(props.instanceTypes);
  return omitUndefined({ types, rootVolume, spot: props.spot, spotFallback: props.spotFallback, userData: props.userData });
}

function renderAmi(props: RecipeOptions): Record<string, unknown> | undefined {
  return omitUndefined({
    name: props.amiName,
    description: props.description,
    tags: props.tags,
    encrypted: props.encrypted,
    kmsKeyId: props.kmsKey?.keyArn,
    forceDeregister: props.forceDeregister,
    deprecateAfterDays: props.deprecateAfter && Math.ceil(props.deprecateAfter.toDays({ integral: false })),
    deregistrationProtection: props.deregistrationProtection,
  });
}

/** The names EC2 knows the instance types by (`t3.small`). */
function typeNames(types: readonly InstanceType[]): string[] {
  return types.map((type) => type.toString());
}

/** Drops undefined fields; an object left empty becomes undefined so the document stays minimal. */
function omitUndefined<T extends Record<string, unknown>>(object: T): T | undefined {
  const entries = Object.entries(object).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries) as T;
}
