import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { bakeryStack, catalogOf, definitionOf, launchEnvironment } from './stack';
import { AdHocRecipes, ProvisionStep, SourceImage } from '../../src';
import { AGENT_MESSAGE_ACTIONS, AGENT_REGISTRATION_ACTIONS } from '../../src/private/agent-permissions';

describe('AmiBakery', () => {
  test('deploys a Standard state machine that logs to a log group with retention', () => {
    const { template } = bakeryStack({ logRetention: RetentionDays.ONE_WEEK });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThan(2);
    for (const group of logGroups) expect(group.Properties.RetentionInDays).toBe(7);
  });

  test('turns X-Ray on for the state machine and functions only when asked', () => {
    const off = bakeryStack().template;
    off.hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: { Enabled: false } });
    off.resourcePropertiesCountIs('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } }, 0);
    const on = bakeryStack({ tracing: true }).template;
    on.hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: { Enabled: true } });
    on.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
  });

  test('one small arm64 function per step on the latest Node.js runtime', () => {
    const { template } = bakeryStack();
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const steps = functions.map((fn) => fn.Properties.Environment.Variables.BAKERY_STEP).sort();
    expect(steps).toEqual([
      'abort-cleanup', 'check-agent', 'check-copy', 'check-image', 'check-step', 'check-stopped', 'cleanup-failure',
      'copy-image', 'create-image', 'distribute', 'finish', 'finish-tests', 'launch', 'prepare', 'run-step', 'stop', 'sweep-orphans',
    ]);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
      expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe('cdk-ami-bakery');
    }
  });

  test('the instance profile role holds what the SSM agent needs, writing its command output and reading staged files; no managed policy', () => {
    const { template } = bakeryStack();
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] } },
    });
    const [[roleId, role]] = Object.entries(roles);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Roles: [{ Ref: roleId }] });
    const instancePolicies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
    const actions = instancePolicies.flatMap((policy: any) => policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()));
    expect(actions.sort()).toEqual([
      ...AGENT_MESSAGE_ACTIONS, 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents', 's3:GetObject', 's3:ListBucket',
      ...AGENT_REGISTRATION_ACTIONS,
    ].sort());
  });

  test('users can add statements to the instance role', () => {
    const { template } = bakeryStack({}, (bakery) => bakery.addToInstanceRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::installers/*'] }),
    ));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject' })]) },
    });
  });

  test('without a VPC, the bakery creates no security group and leaves subnets to the default VPC', () => {
    const { template } = bakeryStack();
    expect(template.findResources('AWS::EC2::SecurityGroup')).toEqual({});
    expect(launchEnvironment(template)).toMatchObject({ SUBNET_IDS: '', SECURITY_GROUP_IDS: '' });
  });

  test('in a VPC, build instances get a security group with no inbound rules and the VPC\'s private subnets', () => {
    const { template } = bakeryStack((stack) => ({ vpc: new Vpc(stack, 'Vpc', { maxAzs: 2 }) }));
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0].Properties.SecurityGroupIngress).toBeUndefined();
    const environment = launchEnvironment(template);
    expect(JSON.stringify(environment.SUBNET_IDS)).toMatch(/VpcPrivateSubnet1.*VpcPrivateSubnet2/);
    expect(JSON.stringify(environment.SECURITY_GROUP_IDS)).toContain('BuildInstanceSecurityGroup');
  });

  test('the runner knows every region the registered recipes copy to, so the sweeper looks there too', () => {
    const { template } = bakeryStack({}, (bakery) => {
      const steps = [ProvisionStep.shell({ commands: ['true'] })];
      bakery.addRecipe('Web', { source: SourceImage.ubuntu(), steps, distribution: { regions: ['eu-central-1', 'ap-southeast-2'] } });
      bakery.addRecipe('Api', { source: SourceImage.ubuntu(), steps, distribution: { regions: ['eu-central-1'] } });
    });
    expect(launchEnvironment(template).COPY_REGIONS).toBe('ap-southeast-2,eu-central-1');
  });

  test('the sweeper also looks where ad-hoc recipes may copy to', () => {
    const { template } = bakeryStack({ adHocRecipes: AdHocRecipes.allow({ copyRegions: ['us-east-2', 'eu-central-1'] }) }, (bakery) => {
      bakery.addRecipe('Web', { source: SourceImage.ubuntu(), steps: [ProvisionStep.shell({ commands: ['true'] })], distribution: { regions: ['eu-central-1'] } });
    });
    expect(launchEnvironment(template).COPY_REGIONS).toBe('eu-central-1,us-east-2');
  });

  test('a manifest bucket receives the manifests: its name and prefix in the environment, put rights under the prefix only', () => {
    const { template } = bakeryStack((stack) => ({ manifestBucket: new Bucket(stack, 'Manifests'), manifestPrefix: 'bakes/' }));
    expect(launchEnvironment(template)).toMatchObject({ MANIFEST_BUCKET: { Ref: expect.stringMatching(/^Manifests/) }, MANIFEST_PREFIX: 'bakes/' });
    const puts = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: any) => [statement.Action].flat().some((action: string) => action.startsWith('s3:Put')))
      .filter((statement: any) => !JSON.stringify(statement.Resource).includes('/waits/*'));
    expect(puts).toHaveLength(2);
    for (const statement of puts) expect(JSON.stringify(statement.Resource)).toContain('/bakes/*');
  });

  test('stopped, timed-out and failed executions are sent to the cleanup function', () => {
    const { template } = bakeryStack();
    const rules = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.states'] } } }));
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.EventPattern).toEqual({
      'source': ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      'detail': { status: ['ABORTED', 'TIMED_OUT', 'FAILED'], stateMachineArn: [{ Ref: expect.stringMatching(/^BakeryStateMachine/) }] },
    });
    expect(rules[0].Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BakeryAbortCleanupFunction/), 'Arn'] });
  });

  test('the orphan sweeper runs hourly and knows the bake timeout', () => {
    const { template } = bakeryStack({ bakeTimeout: Duration.hours(6), orphanSweepInterval: Duration.minutes(30) });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(30 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BakerySweepOrphansFunction'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BAKERY_STEP: 'sweep-orphans', MAX_BAKE_SECONDS: String(6 * 3600) }) },
    });
    bakeryStack().template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
  });

  test('removal policy applies to the log groups', () => {
    const { template } = bakeryStack({ removalPolicy: RemovalPolicy.RETAIN });
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) expect(group.DeletionPolicy).toBe('Retain');
  });

  test('addRecipe stores the rendered document in the recipe catalog, which Prepare alone may read, and not in the template', () => {
    const { template, stack } = bakeryStack({}, (b) => b.addRecipe('Web', {
      recipeName: 'web',
      source: SourceImage.ubuntu('24.04'),
      steps: [ProvisionStep.shell({ commands: ['apt-get install -y nginx'] })],
    }));
    const catalog = catalogOf(stack);
    expect(catalog.recipes.web).toMatchObject({ schemaVersion: 1, name: 'web', steps: [{ shell: { commands: ['apt-get install -y nginx'] } }] });
    expect(JSON.stringify(template.toJSON())).not.toContain('apt-get install -y nginx');
    template.resourceCountIs('AWS::SSM::Parameter', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BAKERY_STEP: 'prepare', RECIPE_CATALOG_KEY: catalog.key, RECIPE_CATALOG_VALUES: '[]' }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^BakeryPrepareRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject', Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([`:s3:::cdk-hnb659fds-assets-111122223333-eu-west-1/${catalog.key}`])] }) })]) },
    });
  });

  test('two recipes with one name are refused', () => {
    expect(() => bakeryStack({}, (b) => {
      const recipe = { recipeName: 'web', source: SourceImage.fromAmiId('ami-0123456789abcdef0'), steps: [ProvisionStep.reboot()] };
      b.addRecipe('A', recipe);
      b.addRecipe('B', recipe);
    })).toThrow('a recipe named "web" is already registered');
  });

  test('grantStartBake lets a principal start and watch bakes', () => {
    const { template } = bakeryStack({}, (bakery, stack) => {
      bakery.grantStartBake(new Role(stack, 'Operator', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') }));
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartExecution' })]) },
    });
  });
});

describe('the bake workflow', () => {
  const { template } = bakeryStack();
  const definition = definitionOf(template);
  const states = definition.States;

  test('runs the phases in order', () => {
    expect(definition.StartAt).toBe('Prepare build');
    expect(states['Prepare build'].Next).toBe('Rebuild needed?');
    expect(states['Rebuild needed?'].Default).toBe('Launch build instance');
    expect(states['Launch build instance'].Next).toBe('Wait for SSM agent');
    expect(states['SSM agent online?'].Default).toBe('Wait for SSM agent');
    expect(states['SSM agent online?'].Choices[0].Next).toBe('Any steps left?');
    expect(states['Any steps left?'].Choices[0].Next).toBe('Start provisioning step');
    expect(states['Any steps left?'].Default).toBe('Stop build instance');
    expect(states['Provisioning step finished?'].Choices[0].Next).toBe('Any steps left?');
    expect(states['Instance stopped?'].Choices[0].Next).toBe('Create image');
    expect(states['Image available?'].Choices[0].Next).toBe('Test the image?');
    expect(states['Test the image?'].Default).toBe('Copy image to regions');
    expect(states['Copy image to regions']).toMatchObject({ Type: 'Map', ItemsPath: '$.build.copyTargets', ResultPath: '$.copies' });
    expect(states['Copy image to regions'].Next).toBe('Distribute image');
    expect(states['Distribute image'].Next).toBe('Clean up build');
    expect(states['Bake succeeded'].Type).toBe('Succeed');
  });

  test('polls in Wait states whose time the checks choose only where no event says when to look: the agent and the copies', () => {
    const waits = Object.entries(states).filter(([, state]) => state.Type === 'Wait');
    expect(waits.map(([name]) => name).sort()).toEqual(['Wait for SSM agent', 'Wait for test instance agent']);
    for (const [, wait] of waits) expect(wait.SecondsPath).toBe('$.poll.seconds');
  });

  test('the other waits hold their check with a task token, fall back to checking again when no event came, and leave when done', () => {
    const awaited = Object.entries(states).filter(([, state]) => String(state.Resource).endsWith(':states:::lambda:invoke.waitForTaskToken'));
    expect(awaited.map(([name]) => name).sort()).toEqual([
      'Check failure step', 'Check image', 'Check instance stopped', 'Check provisioning step', 'Check test step',
    ]);
    for (const [name, task] of awaited) {
      expect(task.Parameters.Payload).toEqual({ 'state.$': '$', 'taskToken.$': '$$.Task.Token' });
      expect(task.TimeoutSecondsPath).toBe('$.poll.fallback.seconds');
      const onTimeout = task.Catch[0];
      expect(onTimeout).toMatchObject({ ErrorEquals: ['States.Timeout'], ResultPath: null });
      expect(states[onTimeout.Next]).toMatchObject({
        Type: 'Pass',
        ResultPath: '$.poll.fallback',
        Next: name,
        Parameters: {
          'round.$': 'States.MathAdd($.poll.fallback.round, 1)',
          'seconds.$': 'States.ArrayGetItem($.poll.schedule, States.MathAdd($.poll.fallback.round, 1))',
        },
      });
      const done = states[task.Next];
      expect(done.Type).toBe('Choice');
      expect(done.Choices[0]).toMatchObject({ Variable: '$.poll.done', BooleanEquals: true });
      expect(done.Default).toBe(name);
    }
  });

  test('every Lambda task retries throttling and transient errors with backoff and has a Catch that reaches cleanup', () => {
    const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task' && !state.Resource.includes('events:putEvents'));
    expect(tasks.length).toBe(20);
    const cleanupTasks = ['Clean up build', 'Finish tests', 'Clean up after failure'];
    for (const [name, task] of tasks) {
      const retry = task.Retry.find((r: any) => r.ErrorEquals.includes('RequestLimitExceeded'));
      if (cleanupTasks.includes(name)) {
        // Cleanup outlasts long throttling: about 20 minutes of backoff.
        expect(retry).toMatchObject({ IntervalSeconds: 10, BackoffRate: 2, MaxDelaySeconds: 300, MaxAttempts: 8 });
      } else {
        expect(retry).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL', MaxAttempts: 6 });
      }
      expect(retry.ErrorEquals).toEqual(expect.arrayContaining([
        'ThrottlingException', 'Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException',
        'Lambda.SdkClientException', 'Lambda.ClientExecutionTimeoutException',
      ]));
      // An awaited check's first Catch is its fallback when no event came (tested above).
      const catches = task.Catch.filter((c: any) => !c.ErrorEquals.includes('States.Timeout'));
      expect(catches).toHaveLength(1);
      const target = catches[0].Next;
      if (name === 'Clean up after failure') {
        expect(target).toBe('Report cleanup failure');
      } else if (name === 'Report cleanup failure') {
        expect(states[target]).toMatchObject({ Type: 'Pass', Next: 'Cleanup after failure failed' });
        expect(states['Cleanup after failure failed']).toMatchObject({ Type: 'Fail', ErrorPath: '$.error', CausePath: '$.cause' });
      } else if (name.includes('failure step')) {
        // The onFailure steps are best effort: any error moves on to the cleanup, keeping the first error.
        expect(target).toBe('Clean up after failure');
      } else if (name === 'Start provisioning step' || name === 'Check provisioning step') {
        expect(states[target].Next).toBe('Run failure steps?');
      } else {
        expect(states[target].Next).toBe('Clean up after failure');
      }
    }
  });

  test('the outcome is announced on the default event bus, and an announcement that fails never changes it', () => {
    const success = states['Announce bake succeeded'];
    expect(success).toMatchObject({ Type: 'Task', Next: 'Bake succeeded', ResultPath: null });
    expect(success.Resource).toContain('events:putEvents');
    expect(success.Parameters.Entries[0]).toMatchObject({ Source: 'cdk-ami-bakery', DetailType: 'Bake Succeeded' });
    expect(success.Catch[0]).toMatchObject({ Next: 'Bake succeeded', ResultPath: null });
    expect(states['Clean up build'].Next).toBe('Announce bake succeeded');
    expect(states['Clean up after failure'].Next).toBe('Announce bake failed');
    expect(states['Report cleanup failure'].Next).toBe('Announce bake failed');
    expect(states['Announce bake failed']).toMatchObject({ Next: 'Bake failed', Catch: [expect.objectContaining({ Next: 'Bake failed' })] });
  });

  test('a failed bake records its phase and fails with the cause the cleanup writes', () => {
    expect(states['Failed in provision']).toMatchObject({ Type: 'Pass', Result: 'provision', ResultPath: '$.failedPhase' });
    expect(states['Bake failed']).toMatchObject({ Type: 'Fail', ErrorPath: '$.failure.error', CausePath: '$.failure.cause' });
  });
});
