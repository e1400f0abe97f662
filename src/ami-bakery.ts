import { Annotations, ArnFormat, Aspects, Duration, Fn, Lazy, Names, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Connections, IConnectable, ISecurityGroup, IVpc, SecurityGroup, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { EventField, IEventBus, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { Grant, IGrantable, InstanceProfile, IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { IAlias, IKey } from 'aws-cdk-lib/aws-kms';
import { Function as LambdaFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { ILogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { IBucket } from 'aws-cdk-lib/aws-s3';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { DefinitionBody, IStateMachine, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AmiBakeryAttributes, AmiBakeryBase, IAmiBakery } from './ami-bakery-base';
import { BAKERY_ENV, BAKERY_TAG, DEFAULT_MANIFEST_PREFIX, OUTPUT_LOG_GROUP_TAG, STAGING_LOCATION_TAG } from './contract';
import { agentStatements } from './private/agent-permissions';
import { ImportedAmiBakery } from './private/imported-bakery';
import { bakeryLogGroup, letLogsUseKey, LogGroupSettings } from './private/log-groups';
import { AdHocRecipes } from './recipe/ad-hoc-recipes';
import { AWS_DOCUMENTS } from './recipe/aws-documents';
import { bakeBudgetSeconds, defaultBakeSeconds } from './recipe/bake-budget';
import { allowOverridesProblems } from './recipe/overridable-fields';
import { Recipe, RecipeOptions } from './recipe/recipe';
import { shipRecipeCatalog } from './recipe/recipe-catalog';
import { RecipePolicy } from './recipe/recipe-policy';
import { stepsIn } from './recipe/step-lists';
import { StagedFilesDeployment } from './staging/staged-assets';
import { STAGING_PREFIX } from './staging/staging-location';
import { createStaging, grantStagedRead } from './staging/staging-resources';
import { createBakeryEventBus, onlyAnnouncedBy } from './workflow/bakery-event-bus';
import { deadLetters } from './workflow/dead-letters';
import { DeclaredAccess } from './workflow/declared-access';
import { BakeDefinition, StepFunctions } from './workflow/definition';
import { cleanUpEndedExecutions } from './workflow/ended-execution-cleanup';
import { sweepOrphansOnSchedule } from './workflow/orphan-sweeper';
import { grantCommandDocuments, grantRunnerPermissions, RunnerScope } from './workflow/permissions';
import { stackLimitProblems } from './workflow/stack-limits';
import { createStepFunctions } from './workflow/step-functions';
import { wakeWaitsOnEvents } from './workflow/wait-event-rules';

/** Properties of an {@link AmiBakery}. */
export interface AmiBakeryProps {
  /**
   * VPC the build instances run in. They need a route to the SSM endpoints: a NAT gateway, VPC endpoints
   * for `ssm`, `ssmmessages` and `ec2messages`, or a public subnet.
   * @default - the account's default VPC (each recipe may name subnets itself)
   */
  readonly vpc?: IVpc;
  /**
   * Subnets of `vpc` for build instances; several give the launch more capacity to try.
   * @default - the VPC's private subnets with egress, else its public ones
   */
  readonly vpcSubnets?: SubnetSelection;
  /**
   * Security groups for build instances.
   * @default - with `vpc`, one created for the bakery with no inbound rules; without, the VPC's default group
   */
  readonly securityGroups?: ISecurityGroup[];
  /**
   * How long the runner's logs, the state machine's logs and the provisioning output are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * A KMS key that encrypts every log group of the bakery: the runner's, the state machine's and the
   * provisioning output. A key of this app is given the key policy statement CloudWatch Logs needs; an imported
   * key's policy must allow `logs.<region>.amazonaws.com` to use it for this account's log groups.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: IKey;
  /**
   * What happens to the bakery's log groups when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Trace the state machine and the runner functions with AWS X-Ray.
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Longest a bake may run before Step Functions stops it. The orphan sweeper treats anything of this
   * bakery's older than this as no longer owned by a running bake.
   *
   * By default it is what the registered recipes can need when every wait uses its whole budget (agent, steps,
   * stop, image, tests, copies, plus launch, distribution and cleanup), so for a registered recipe a wait's own limit,
   * which fails the bake with an error naming the field to raise, comes first. The longest recipe sets it for the whole
   * bakery, and with it how long the orphan sweeper leaves the bakery's instances and images alone. Ad-hoc recipes and
   * overridden timeouts are only known at run time: they get this value too. A shorter value is kept, with a synth
   * warning for each registered recipe whose waits could outlast it.
   * @default - the longest budget of the registered recipes, and at least 4 hours
   */
  readonly bakeTimeout?: Duration;
  /**
   * How often the orphan sweeper looks for instances, images and snapshots that no bake owns any more.
   * @default Duration.hours(1)
   */
  readonly orphanSweepInterval?: Duration;
  /**
   * An SNS topic that hears about every bake: a short message when one succeeds or fails.
   * @default - no notifications; use `onBakeSucceeded()` / `onBakeFailed()` for your own targets
   */
  readonly notificationTopic?: ITopic;
  /**
   * Create a CloudWatch alarm that goes off when a bake fails or times out (notifying `notificationTopic`
   * when given).
   * @default false
   */
  readonly alarmOnFailure?: boolean;
  /**
   * How long files staged for `script`, `file` and `ansible` steps stay in the staging bucket. A bake reads
   * them only while it runs; `bakery build` stages them again when they are gone.
   * @default Duration.days(30)
   */
  readonly stagingExpiration?: Duration;
  /**
   * A bucket that receives a copy of every bake's manifest (succeeded or failed) as
   * `<manifestPrefix><recipe>/<build id>.json`. The runner may only put objects under that prefix.
   * @default - the manifest is the execution's output and the detail of the bake events only
   */
  readonly manifestBucket?: IBucket;
  /**
   * Key prefix of the manifests in `manifestBucket`.
   * @default 'manifests/'
   */
  readonly manifestPrefix?: string;
  /**
   * Fields of a registered recipe that a bake's `overrides` may change, as document paths such as
   * `'ami.description'`, `'ami.tags'` or `'instance.types'`. Fields that decide where an image goes, who may use
   * it, what is deleted, which role is assumed, where the build instance runs or how long it stays can never be
   * allowed (`source`, `distribution`, `retention`, `ami.forceDeregister`, `ami.encrypted`, `instance.subnetIds`,
   * `keepOnFailureHours`, ...).
   * @default - none: a bake with `overrides` is refused
   */
  readonly allowOverrides?: string[];
  /**
   * Whether bakes may run ad-hoc recipes (`{"recipe": {...}}` in the input, as `bakery build recipe.json` sends),
   * and within which bounds: `AdHocRecipes.allow({ copyRegions: ['eu-west-1'], parameterPrefix: '/images/ad-hoc/' })`.
   * @default AdHocRecipes.deny(): only recipes registered with `addRecipe()` are baked
   */
  readonly adHocRecipes?: AdHocRecipes;
}

/**
 * A serverless AMI baker: a Step Functions state machine whose Lambda steps launch a temporary instance from a
 * base image, provision it through SSM Run Command (no SSH, no key pairs, no open ports), create the AMI, and
 * clean up everything they made — also when a bake fails.
 *
 * Start a bake with the input `{"recipeName": "<name>"}` for a recipe added with {@link addRecipe}; with
 * `adHocRecipes`, also `{"recipe": {...}}` with a whole recipe document, within the bounds it declares.
 */
export class AmiBakery extends AmiBakeryBase implements IConnectable {
  /**
   * A bakery deployed by another stack or app, to grant, start, watch and measure its bakes from this one: its
   * state machine's and event bus's ARNs and its `bakeryId` (the value of its `cdk-ami-bakery:bakery` tag).
   */
  public static fromAmiBakeryAttributes(scope: Construct, id: string, attributes: AmiBakeryAttributes): IAmiBakery {
    return new ImportedAmiBakery(scope, id, attributes);
  }

  /** The state machine that runs bakes. */
  public readonly stateMachine: IStateMachine;
  /**
   * The bakery's own event bus: its `Bake Succeeded` and `Bake Failed` announcements, which only the state
   * machine may put, and the start events of `Recipe.grantStartBake()`, which only the principals granted may put.
   */
  public readonly eventBus: IEventBus;
  /**
   * Role of the build instances: what the SSM agent needs to run commands, reading staged files and writing the
   * command output log group, nothing else. Grant what provisioning needs with `addToInstanceRolePolicy()`.
   */
  public readonly instanceRole: IRole;
  /** Instance profile of the build instances. */
  public readonly instanceProfile: InstanceProfile;
  /** Log group that receives the full output of every provisioning command. */
  public readonly commandOutputLogGroup: ILogGroup;
  /** Security groups of the build instances (empty without a VPC). */
  public readonly connections: Connections;
  /** Value of the `cdk-ami-bakery:bakery` tag on everything this bakery creates. */
  public readonly bakeryId: string;
  /**
   * Alarms that go off when a cleanup after an ended bake, or an orphan sweep, failed for good: its event is then
   * in an encrypted dead-letter queue. They notify `notificationTopic` when one is set.
   */
  public readonly deadLetterAlarms: Alarm[];
  /** The alarm on failed bakes, when `alarmOnFailure` is set. */
  public readonly failureAlarm?: Alarm;
  /**
   * The bucket that stages the files of `script`, `file` and `ansible` steps, under `staging/`, for build
   * instances to download; `bakery build` uploads there.
   */
  public readonly stagingBucket: IBucket;
  private readonly recipes = new Map<string, Recipe>();
  private readonly explicitBakeTimeout?: Duration;
  /** SSM documents beyond the AWS ones the bakery knows that registered recipes run. */
  private readonly commandDocuments = new Set<string>();
  private readonly runnerScope: RunnerScope;
  private readonly functions: StepFunctions;
  private readonly declaredAccess: DeclaredAccess;
  private readonly stagedFiles: StagedFilesDeployment;
  private registrationComplete = false;
  private readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: AmiBakeryProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const logs: LogGroupSettings = { retention: props.logRetention ?? RetentionDays.ONE_MONTH, removalPolicy, encryptionKey: props.logEncryptionKey };
    if (props.logEncryptionKey) letLogsUseKey(this, props.logEncryptionKey);
    const overrideProblems = allowOverridesProblems(props.allowOverrides ?? []);
    if (overrideProblems.length > 0) throw new Error(`AmiBakery: allowOverrides: ${overrideProblems.join('; ')}.`);
    this.bakeryId = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });

    this.commandOutputLogGroup = bakeryLogGroup(this, 'CommandOutput', logs);
    this.instanceRole = new Role(this, 'InstanceRole', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      description: 'cdk-ami-bakery build instances: SSM agent and provisioning output only',
    });
    agentStatements().forEach((statement) => this.instanceRole.addToPrincipalPolicy(statement));
    this.grantCommandOutput();
    const staging = createStaging(this, {
      bakeryId: this.bakeryId,
      instanceRole: this.instanceRole,
      removalPolicy,
      expiration: props.stagingExpiration ?? Duration.days(30),
    });
    this.stagingBucket = staging.bucket;
    this.stagedFiles = StagedFilesDeployment.of(staging.bucket);
    this.instanceProfile = new InstanceProfile(this, 'InstanceProfile', { role: this.instanceRole });
    this.connections = this.buildConnections(props);

    const subnetIds = props.vpc ? props.vpc.selectSubnets(props.vpcSubnets).subnetIds : [];
    const securityGroupIds = this.connections.securityGroups.map((group) => group.securityGroupId);
    const adHoc = (props.adHocRecipes ?? AdHocRecipes.deny())._render();
    this.explicitBakeTimeout = props.bakeTimeout;
    const bakeTimeout = props.bakeTimeout ?? this.derivedBakeTimeout();
    const policy: RecipePolicy = { account: Stack.of(this).account, allowOverrides: props.allowOverrides ?? [], ...(adHoc ? { adHoc } : {}) };
    const functions = this.functions = createStepFunctions(this, {
      logs,
      tracing: props.tracing ?? false,
      environment: {
        [BAKERY_ENV.bakeryId]: this.bakeryId,
        [BAKERY_ENV.instanceProfileName]: this.instanceProfile.instanceProfileName,
        [BAKERY_ENV.outputLogGroup]: this.commandOutputLogGroup.logGroupName,
        [BAKERY_ENV.subnetIds]: subnetIds.length > 0 ? Fn.join(',', subnetIds) : '',
        [BAKERY_ENV.securityGroupIds]: securityGroupIds.join(','),
        // What a bake's input may do beyond naming a registered recipe: Prepare enforces it.
        [BAKERY_ENV.recipePolicy]: Stack.of(this).toJsonString(policy),
        [BAKERY_ENV.maxBakeSeconds]: Lazy.string({ produce: () => String(Stack.of(this).resolve(bakeTimeout.toSeconds())) }),
        // The orphan sweeper also looks where registered and ad-hoc recipes copy their images.
        [BAKERY_ENV.copyRegions]: Lazy.string({ produce: () => this.copyRegions(adHoc?.copyRegions ?? []).join(',') }),
        // Prepare runs no SSM document beyond the AWS ones it knows but those the registered recipes name.
        [BAKERY_ENV.commandDocuments]: Lazy.string({ produce: () => [...this.commandDocuments].join(',') }),
        [BAKERY_ENV.stagingLocation]: staging.location,
        [BAKERY_ENV.stagedFilesDocument]: staging.documentName,
        ...(props.manifestBucket ? {
          [BAKERY_ENV.manifestBucket]: props.manifestBucket.bucketName,
          [BAKERY_ENV.manifestPrefix]: props.manifestPrefix ?? DEFAULT_MANIFEST_PREFIX,
        } : {}),
      },
    });
    // The check of a running step reads its latest output lines for people watching the bake.
    this.commandOutputLogGroup.grant(functions['check-step'], 'logs:GetLogEvents');
    if (props.manifestBucket) {
      for (const step of ['finish', 'cleanup-failure'] as const) props.manifestBucket.grantPut(functions[step], `${props.manifestPrefix ?? DEFAULT_MANIFEST_PREFIX}*`);
    }
    this.runnerScope = {
      stack: Stack.of(this),
      bakeryId: this.bakeryId,
      instanceRole: this.instanceRole,
    };
    grantRunnerPermissions(functions, this.runnerScope);
    this.declaredAccess = new DeclaredAccess(functions, { stack: Stack.of(this), bakeryId: this.bakeryId });
    // The default VPC, which IAM cannot name, and its default group: Prepare refuses any subnet or group not declared.
    this.declaredAccess.launchInto(subnetIds.length > 0 ? subnetIds : ['*'], securityGroupIds.length > 0 ? securityGroupIds : ['*']);
    if (adHoc) this.declaredAccess.declareAdHoc(adHoc);
    grantCommandDocuments(functions, this.runnerScope, [staging.documentName], { describe: false });
    // Prepare reads each staged layout's SHA256SUMS, and a script's first bytes.
    grantStagedRead(staging.bucket, functions.prepare);

    const eventBus = createBakeryEventBus(this, 'Events');
    this.eventBus = eventBus;
    const stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(new BakeDefinition(this, functions, eventBus).startState),
      timeout: bakeTimeout,
      tracingEnabled: props.tracing ?? false,
      logs: {
        destination: bakeryLogGroup(this, 'StateMachineLogs', logs),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    this.stateMachine = stateMachine;
    this.stateMachineName = stateMachine.stateMachineName;
    onlyAnnouncedBy(eventBus, stateMachine.role);
    wakeWaitsOnEvents(this, functions, this.stateMachine, staging.bucket);
    // The `bakery` CLI finds the state machine, and the command output of a bake, by these tags.
    Tags.of(this.stateMachine).add(BAKERY_TAG, this.bakeryId);
    Tags.of(this.stateMachine).add(OUTPUT_LOG_GROUP_TAG, this.commandOutputLogGroup.logGroupName);
    Tags.of(this.stateMachine).add(STAGING_LOCATION_TAG, staging.location);
    const cleanupFailures = deadLetters(this, {
      id: 'Cleanup',
      what: 'the cleanup after a stopped, timed-out or failed bake',
      handler: functions['abort-cleanup'],
      retryAttempts: 2,
      removalPolicy,
      topic: props.notificationTopic,
    });
    const sweepFailures = deadLetters(this, {
      id: 'Sweep', what: 'an orphan sweep', handler: functions['sweep-orphans'], retryAttempts: 2, removalPolicy, topic: props.notificationTopic,
    });
    this.deadLetterAlarms = [cleanupFailures.alarm, sweepFailures.alarm];
    this.letSweeperReadExecutions(functions['sweep-orphans']);
    cleanUpEndedExecutions(this, this.stateMachine, functions['abort-cleanup'], cleanupFailures.queue);
    sweepOrphansOnSchedule(this, functions['sweep-orphans'], props.orphanSweepInterval ?? Duration.hours(1), sweepFailures.queue);
    if (props.notificationTopic) this.notify(props.notificationTopic);
    if (props.alarmOnFailure) this.failureAlarm = this.alarmOnFailedBakes(props.notificationTopic);
    // Recipes may be added until synthesis: what they add up to is made then.
    Aspects.of(this).add({ visit: (node) => (node === this ? this.completeRegistration() : undefined) });
    this.node.addValidation({ validate: () => stackLimitProblems(Stack.of(this)) });
  }

  /**
   * Registers a recipe: a bake of it starts with the input `{"recipeName": "<name>"}`.
   */
  public addRecipe(id: string, options: RecipeOptions): Recipe {
    const recipe = Recipe._ofBakery(this, id, {
      ...options,
      stateMachine: this.stateMachine,
      stagingBucket: this.stagingBucket,
      eventBus: this.eventBus,
    });
    if (this.recipes.has(recipe.recipeName)) {
      throw new Error(`AmiBakery: a recipe named "${recipe.recipeName}" is already registered; give each recipe a unique recipeName.`);
    }
    this.recipes.set(recipe.recipeName, recipe);
    this.warnIfBakeTimeoutShort(recipe);
    this.allowCommandDocuments(recipe);
    this.declaredAccess.declareRecipe(recipe.document, { sourceParameterGranted: recipe._sourceParameter !== undefined });
    recipe._sourceParameter?.grantRead(this.functions.prepare);
    recipe._encryptionKeys.forEach((key) => this.grantEncryptionKey(key));
    return recipe;
  }

  /**
   * Lets bakes encrypt with a customer managed key: the build volumes, and so the AMI's snapshots, when a
   * recipe names it in `ami.kmsKeyId`, or the copies in the key's region when it is in `distribution.kmsKeyIds`.
   * Recipes added with `kmsKey` or `distribution.kmsKeys` are granted their keys already; this is for the keys
   * that recipe documents name (ad-hoc recipes, `bakery build`). Import a key of another region with
   * `Key.fromKeyArn`; an alias (`Alias.fromAliasName`) is granted as the keys of its region that carry it, as KMS
   * never authorizes an alias's ARN. The runner may use the key only through EC2. Returns the grant to the runner functions that
   * launch instances, create images and copy them.
   */
  public grantEncryptionKey(key: IKey): Grant {
    const actions = ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];
    const { resourceArns, conditions } = encryptionKeyScope(key);
    return (['launch', 'create-image', 'copy-image'] as const)
      .map((step) => Grant.addToPrincipal({ grantee: this.functions[step], actions, resourceArns, conditions }))
      .reduce((all, grant) => all.combine(grant));
  }

  /**
   * Lets a principal stage recipe files: what `bakery build recipe.json` uploads for `script`, `file` and
   * `ansible` steps (objects under `staging/` of the staging bucket, tagged to expire), and nothing else. Listing
   * the staging bucket is part of it: without `s3:ListBucket`, S3 answers a missing object with 403 instead of
   * 404, and the CLI could not tell what is already staged.
   */
  public grantStageFiles(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging'],
      resourceArns: [this.stagingBucket.arnForObjects(`${STAGING_PREFIX}*`)],
    }).combine(Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.stagingBucket.bucketArn] }));
  }

  /** Adds a statement to the build instances' role, e.g. to read an S3 bucket of installers. */
  public addToInstanceRolePolicy(statement: PolicyStatement): void {
    this.instanceRole.addToPrincipalPolicy(statement);
  }

  /** Ships the registered recipes in one catalog that Prepare reads, once their files are staged. */
  private completeRegistration(): void {
    if (this.registrationComplete) return;
    this.registrationComplete = true;
    const prepare = this.functions.prepare as LambdaFunction;
    const documents = new Map([...this.recipes].map(([name, recipe]) => [name, recipe.document as unknown]));
    const catalog = shipRecipeCatalog(this, 'RecipeCatalog', documents);
    prepare.addToRolePolicy(new PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [Stack.of(this).formatArn({ service: 's3', region: '', account: '', resource: catalog.asset.s3BucketName, resourceName: catalog.asset.s3ObjectKey })],
    }));
    for (const [name, value] of Object.entries(catalog.environment)) prepare.addEnvironment(name, value);
    // A recipe can be baked only once the files it names are in the staging bucket.
    if (this.stagedFiles.construct) prepare.node.addDependency(this.stagedFiles.construct);
  }

  /** Lets the runner describe and run the SSM documents the recipe names that the bakery does not know already. */
  private allowCommandDocuments(recipe: Recipe): void {
    const added = stepsIn<{ document?: { name: string } }>(recipe.document).flatMap(({ step }) => (step.document ? [step.document.name] : []))
      .filter((name) => !(name in AWS_DOCUMENTS) && !this.commandDocuments.has(name));
    added.forEach((name) => this.commandDocuments.add(name));
    grantCommandDocuments(this.functions, this.runnerScope, [...new Set(added)]);
  }

  /** The default `bakeTimeout`: the longest budget of the recipes registered by the time the app synthesizes. */
  private derivedBakeTimeout(): Duration {
    return Duration.seconds(Lazy.number({ produce: () => defaultBakeSeconds([...this.recipes.values()].map((recipe) => recipe.document)) }));
  }

  /** Warns when an explicit `bakeTimeout` could end a bake of `recipe` before its own waits' budgets do. */
  private warnIfBakeTimeoutShort(recipe: Recipe): void {
    if (!this.explicitBakeTimeout) return;
    const timeout = this.explicitBakeTimeout.toSeconds();
    if (Token.isUnresolved(timeout)) return;
    const budget = bakeBudgetSeconds(recipe.document);
    if (budget <= timeout) return;
    Annotations.of(this).addWarningV2('cdk-ami-bakery:bakeTimeoutShort',
      `bakeTimeout (${timeout} s) is shorter than recipe "${recipe.recipeName}" may need (${budget} s when every wait uses its whole budget): `
      + 'a slow bake of it would be stopped by Step Functions rather than fail with the wait that ran out. '
      + 'Raise bakeTimeout, leave it out to derive it from the recipes, or lower the recipe\'s timeouts.');
  }

  /** The regions the registered recipes, and ad-hoc ones within their bounds, copy their images to. */
  private copyRegions(adHocRegions: readonly string[]): string[] {
    const regions = [...this.recipes.values()].flatMap((recipe) => (recipe.document.distribution?.regions ?? []) as string[]);
    return [...new Set([...regions, ...adHocRegions])].sort();
  }

  /**
   * What the SSM agent needs to send command output to CloudWatch Logs: it looks the group up before it
   * writes streams to it.
   */
  private grantCommandOutput(): void {
    this.commandOutputLogGroup.grantWrite(this.instanceRole);
    this.commandOutputLogGroup.grant(this.instanceRole, 'logs:DescribeLogStreams');
    this.instanceRole.addToPrincipalPolicy(new PolicyStatement({
      actions: ['logs:DescribeLogGroups'],
      resources: [Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }));
  }

  /** Tells people about every bake through an SNS topic. */
  private notify(topic: ITopic): void {
    const detail = (path: string) => EventField.fromPath(`$.detail.${path}`);
    this.onBakeSucceeded('NotifyBakeSucceeded', {
      target: new SnsTopic(topic, {
        message: RuleTargetInput.fromText(`Bake ${detail('buildId')} of recipe ${detail('recipe')} succeeded: ${detail('artifacts[0].amiId')} in ${detail('artifacts[0].region')}`),
      }),
    });
    this.onBakeFailed('NotifyBakeFailed', {
      target: new SnsTopic(topic, {
        message: RuleTargetInput.fromText(`Bake ${detail('buildId')} of recipe ${detail('recipe')} failed in phase ${detail('error.phase')}; the execution's cause says why.`),
      }),
    });
  }

  /**
   * The sweeper removes only what an execution of this state machine made (tags can be copied onto anything):
   * it describes the executions, and nothing else of the state machine.
   */
  private letSweeperReadExecutions(sweeper: IFunction): void {
    (sweeper as LambdaFunction).addEnvironment(BAKERY_ENV.stateMachineArn, this.stateMachine.stateMachineArn);
    sweeper.addToRolePolicy(new PolicyStatement({
      actions: ['states:DescribeExecution'],
      resources: [Stack.of(this).formatArn({
        service: 'states', resource: 'execution', resourceName: `${this.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }));
  }

  /**
   * Alarms on executions that failed or timed out, from the state machine's own metrics: they count every
   * failure, also one whose cleanup failed too (which the runner's BakeFailed metric cannot record).
   */
  private alarmOnFailedBakes(topic: ITopic | undefined): Alarm {
    const failures = new MathExpression({
      expression: 'failed + timedOut',
      usingMetrics: { failed: this.stateMachine.metricFailed(), timedOut: this.stateMachine.metricTimedOut() },
      period: Duration.minutes(5),
      label: 'Failed or timed-out bakes',
    });
    const alarm = failures.createAlarm(this, 'BakeFailedAlarm', {
      alarmDescription: 'A cdk-ami-bakery bake failed or timed out; the Bake Failed event and the execution say why.',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (topic) alarm.addAlarmAction(new SnsAction(topic));
    return alarm;
  }

  private buildConnections(props: AmiBakeryProps): Connections {
    if (props.securityGroups) return new Connections({ securityGroups: props.securityGroups });
    if (!props.vpc) return new Connections();
    const group = new SecurityGroup(this, 'BuildInstanceSecurityGroup', {
      vpc: props.vpc,
      description: 'cdk-ami-bakery build instances: no inbound; outbound for SSM and package mirrors',
      allowAllOutbound: true,
    });
    return new Connections({ securityGroups: [group] });
  }
}

/**
 * What a grant on `key` names, used through EC2 in the key's region only. KMS authorizes the key, never an alias's
 * ARN, so an alias (`Alias.fromAliasName()`) is granted as the keys of its region that carry that alias.
 */
function encryptionKeyScope(key: IKey): { resourceArns: string[]; conditions: Record<string, Record<string, string>> } {
  const viaEc2 = { 'kms:ViaService': `ec2.${key.env.region}.amazonaws.com` };
  const aliasName = (key as Partial<IAlias>).aliasName;
  if (aliasName === undefined) return { resourceArns: [key.keyArn], conditions: { StringEquals: viaEc2 } };
  const keysOfRegion = Stack.of(key).formatArn({ service: 'kms', region: key.env.region, account: key.env.account, resource: 'key', resourceName: '*' });
  return { resourceArns: [keysOfRegion], conditions: { 'StringEquals': viaEc2, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': aliasName } } };
}
