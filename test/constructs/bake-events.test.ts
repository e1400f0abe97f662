import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { bakeryStack } from './stack';
import { AmiBakery } from '../../src';

describe('bake events, notifications and metrics', () => {
  test('onBakeSucceeded and onBakeFailed match this bakery\'s events on its own bus', () => {
    const { template, bakery } = bakeryStack({}, (b) => {
      b.onBakeSucceeded('Published', { description: 'share new images' });
      b.onBakeFailed('Paged');
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: 'share new images',
      EventBusName: { Ref: Match.stringLikeRegexp('^BakeryEvents') },
      EventPattern: { 'source': ['cdk-ami-bakery'], 'detail-type': ['Bake Succeeded'], 'detail': { bakeryId: [bakery.bakeryId] } },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['cdk-ami-bakery'], 'detail-type': ['Bake Failed'], 'detail': { bakeryId: [bakery.bakeryId] } },
    });
  });

  test('a notification topic hears about every bake, and the failure alarm notifies it', () => {
    const { template } = bakeryStack((stack) => ({ notificationTopic: new Topic(stack, 'Images'), alarmOnFailure: true }));
    const toTopic = template.findResources('AWS::Events::Rule', {
      Properties: { Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Images') } })] },
    });
    expect(Object.keys(toTopic)).toHaveLength(2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'failed + timedOut' }),
        Match.objectLike({ Id: 'failed', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsFailed' }) }) }),
      ]),
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Images') }],
    });
  });

  test('no bake alarm and no notification rules unless asked (only the dead-letter queues\' alarms)', () => {
    const { template } = bakeryStack();
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties.MetricName);
    expect(alarms).toEqual(['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesVisible']);
    template.resourcePropertiesCountIs('AWS::Events::Rule', { EventPattern: { source: ['cdk-ami-bakery'] } }, 0);
  });

  test('metrics per bakery and per recipe, in the namespace the runner writes', () => {
    const { bakery, stack } = bakeryStack();
    const perRecipe = stack.resolve(bakery.metricBakeDuration({ recipeName: 'web' }).toMetricConfig().metricStat);
    expect(perRecipe).toMatchObject({ namespace: 'cdk-ami-bakery', metricName: 'BakeDuration', statistic: 'Average' });
    expect(perRecipe.dimensions).toEqual([{ name: 'Bakery', value: bakery.bakeryId }, { name: 'Recipe', value: 'web' }]);
    const failed = stack.resolve(bakery.metricBakeFailed().toMetricConfig().metricStat);
    expect(failed).toMatchObject({ metricName: 'BakeFailed', statistic: 'Sum', dimensions: [{ name: 'Bakery', value: bakery.bakeryId }] });
    const daily = stack.resolve(bakery.metricBakeSucceeded({ recipeName: 'web', period: Duration.days(1), statistic: 'Maximum' }).toMetricConfig().metricStat);
    expect(daily).toMatchObject({ metricName: 'BakeSucceeded', statistic: 'Maximum', period: Duration.days(1) });
  });
});

describe('a bakery deployed by another stack or app', () => {
  const ATTRIBUTES = {
    stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:Bakery',
    eventBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/images-bakery',
    bakeryId: 'Images-Bakery-1A2B3C4D',
  };

  test('is granted, watched and measured by its attributes, as one made here is', () => {
    const stack = new Stack(new App(), 'Consumer', { env: { account: '111122223333', region: 'eu-west-1' } });
    const bakery = AmiBakery.fromAmiBakeryAttributes(stack, 'Images', ATTRIBUTES);
    const pipeline = new Role(stack, 'Pipeline', { assumedBy: new ServicePrincipal('codebuild.amazonaws.com') });

    const grant = bakery.grantStartBake(pipeline);
    bakery.onBakeSucceeded('Promote', { target: new SqsQueue(new Queue(stack, 'Promotions')) });
    const metric = stack.resolve(bakery.metricBakeFailed({ recipeName: 'web' }).toMetricConfig().metricStat);

    expect(grant.success).toBe(true);
    const template = Template.fromStack(stack);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'states:StartExecution', Resource: ATTRIBUTES.stateMachineArn }));
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'images-bakery',
      EventPattern: { 'source': ['cdk-ami-bakery'], 'detail-type': ['Bake Succeeded'], 'detail': { bakeryId: [ATTRIBUTES.bakeryId] } },
    });
    expect(metric.dimensions).toEqual([{ name: 'Bakery', value: ATTRIBUTES.bakeryId }, { name: 'Recipe', value: 'web' }]);
  });
});
