import { Match } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { bakeryStack } from './stack';

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
    const perRecipe = stack.resolve(bakery.metricBakeDuration('web').toMetricConfig().metricStat);
    expect(perRecipe).toMatchObject({ namespace: 'cdk-ami-bakery', metricName: 'BakeDuration', statistic: 'Average' });
    expect(perRecipe.dimensions).toEqual([{ name: 'Bakery', value: bakery.bakeryId }, { name: 'Recipe', value: 'web' }]);
    const failed = stack.resolve(bakery.metricBakeFailed().toMetricConfig().metricStat);
    expect(failed).toMatchObject({ metricName: 'BakeFailed', statistic: 'Sum', dimensions: [{ name: 'Bakery', value: bakery.bakeryId }] });
  });
});
