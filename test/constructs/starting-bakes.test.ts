import { Duration, TimeZone } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { bakeryStack, definitionOf } from './stack';
import { ProvisionStep, RebuildPolicy, RecipeOptions, SourceImage } from '../../src';

const web: RecipeOptions = { recipeName: 'web', source: SourceImage.ubuntu(), steps: [ProvisionStep.shell({ commands: ['true'] })] };
const weekly = ScheduleExpression.cron({ weekDay: 'MON', hour: '3', minute: '0', timeZone: TimeZone.EUROPE_BERLIN });
const STATE_MACHINE_REF = { Ref: expect.stringMatching(/^BakeryStateMachine/) };

describe('schedules', () => {
  test('a recipe schedule starts the state machine with the recipe name, on time, through a role that may start only it', () => {
    const { template } = bakeryStack({}, (bakery) => bakery.addRecipe('Web', { ...web, schedule: weekly }));

    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule')) as any[];
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 3 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: STATE_MACHINE_REF, Input: '{"recipeName":"web"}' },
    });
    const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0];
    const role = template.findResources('AWS::IAM::Role')[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy: any) => policy.Properties.Roles.some((r: any) => r.Ref === roleId));
    expect(policies.flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)).toEqual([
      expect.objectContaining({ Action: 'states:StartExecution', Effect: 'Allow', Resource: STATE_MACHINE_REF }),
    ]);
  });

  test('a flexible window is opt-in, and a recipe without a schedule gets none', () => {
    const { template } = bakeryStack({}, (bakery) => {
      bakery.addRecipe('Web', { ...web, schedule: ScheduleExpression.rate(Duration.days(7)), scheduleFlexibleWindow: Duration.minutes(30) });
      bakery.addRecipe('Api', { ...web, recipeName: 'api' });
    });

    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as any[];
    expect(schedules).toHaveLength(1);
    expect(schedules[0].Properties).toMatchObject({ ScheduleExpression: 'rate(7 days)', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 30 } });
  });
});

describe('rebuild policy', () => {
  test('renders into the recipe document; the default leaves the field out (always)', () => {
    const { bakery } = bakeryStack();
    expect(bakery.addRecipe('Web', { ...web, rebuild: RebuildPolicy.whenSourceChanges() }).document.rebuild).toBe('whenSourceChanges');
    expect(bakery.addRecipe('Always', { ...web, recipeName: 'always', rebuild: RebuildPolicy.always() }).document.rebuild).toBe('always');
    expect(bakery.addRecipe('Default', { ...web, recipeName: 'default' }).document.rebuild).toBeUndefined();
  });

  test('a bake Prepare finds unnecessary ends in "Bake skipped" with the SKIPPED manifest as output', () => {
    const { template } = bakeryStack();
    const { States } = definitionOf(template);
    expect(States['Prepare build'].Next).toBe('Rebuild needed?');
    expect(States['Rebuild needed?']).toMatchObject({
      Choices: [{ Variable: '$.skipped', IsPresent: true, Next: 'Bake skipped' }],
      Default: 'Launch build instance',
    });
    expect(States['Bake skipped']).toEqual({ Type: 'Succeed', OutputPath: '$.skipped' });
  });
});

describe('grants', () => {
  test('a per-recipe grant lets the principal put only that recipe\'s start event; a rule starts the recipe with fixed input', () => {
    const { template } = bakeryStack({}, (bakery, stack) => {
      const recipe = bakery.addRecipe('Web', web);
      recipe.grantStartBake(new Role(stack, 'Ci', { assumedBy: new ServicePrincipal('codebuild.amazonaws.com') }));
    });

    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['cdk-ami-bakery.start'], 'detail-type': ['Start Bake: web'] },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^BakeryStateMachine') }, Input: '{"recipeName":"web"}' })],
    });
    const ciPolicy = Object.values(template.findResources('AWS::IAM::Policy'))
      .find((policy: any) => policy.Properties.Roles.some((role: any) => role.Ref.startsWith('Ci'))) as any;
    const [statement, ...others] = ciPolicy.Properties.PolicyDocument.Statement;
    expect(others).toEqual([]);
    expect(statement).toMatchObject({
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'events:source': 'cdk-ami-bakery.start', 'events:detail-type': 'Start Bake: web' } },
    });
    expect(statement.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BakeryEvents/), 'Arn'] });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['cdk-ami-bakery.start'] }, EventBusName: { Ref: Match.stringLikeRegexp('^BakeryEvents') },
    });
  });

  test('granting two principals on one recipe makes one rule', () => {
    const { template } = bakeryStack({}, (bakery, stack) => {
      const recipe = bakery.addRecipe('Web', web);
      recipe.grantStartBake(new Role(stack, 'One', { assumedBy: new ServicePrincipal('codebuild.amazonaws.com') }));
      recipe.grantStartBake(new Role(stack, 'Two', { assumedBy: new ServicePrincipal('codebuild.amazonaws.com') }));
    });
    expect(Object.keys(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['cdk-ami-bakery.start'] } } }))).toHaveLength(1);
  });

  test('the state machine carries the tags the CLI finds it and its command output by', () => {
    const { template } = bakeryStack();
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as any[];
    expect(machine.Properties.Tags).toEqual(expect.arrayContaining([
      { Key: 'cdk-ami-bakery:bakery', Value: expect.stringMatching(/^Test-Bakery-/) },
      { Key: 'cdk-ami-bakery:output-log-group', Value: { Ref: expect.stringMatching(/^BakeryCommandOutput/) } },
    ]));
  });
});
