/**
 * A cleanup after an ended bake, or an orphan sweep, that fails for good is never silent: EventBridge's failed
 * deliveries and the functions' failed asynchronous invocations land in encrypted dead-letter queues, with an
 * alarm on each that notifies the bakery's topic.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { bakeryStack } from './stack';

const functionNamed = (template: ReturnType<typeof bakeryStack>['template'], prefix: string) =>
  Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith(prefix))!;

describe('dead letters of the cleanup and the sweeper', () => {
  const { template } = bakeryStack();
  const queues = template.findResources('AWS::SQS::Queue');
  const queueIds = Object.keys(queues);

  test('two queues, encrypted, keeping events 14 days, reachable only over TLS', () => {
    expect(queueIds.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['BakeryCleanupDeadLetters', 'BakerySweepDeadLetters']);
    for (const queue of Object.values(queues)) {
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    }
    expect(Object.keys(template.findResources('AWS::SQS::QueuePolicy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } },
    }))).toHaveLength(2);
  });

  test('the rules\' failed deliveries and the functions\' failed invocations go to the queue of their function', () => {
    for (const [prefix, queue] of [['BakeryAbortCleanup', 'BakeryCleanupDeadLetters'], ['BakerySweepOrphans', 'BakerySweepDeadLetters']]) {
      const fn = functionNamed(template, prefix);
      const queueId = queueIds.find((id) => id.startsWith(queue))!;
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fn },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      template.hasResourceProperties('AWS::Events::Rule', {
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } } })],
      });
    }
  });

  test('an alarm on each queue goes off at its first message and notifies the bakery\'s topic', () => {
    const withTopic = bakeryStack((stack) => ({ notificationTopic: new Topic(stack, 'Ops') }));
    const alarms = withTopic.template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ApproximateNumberOfMessagesVisible' } });

    expect(Object.values(alarms)).toHaveLength(2);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Ops/) }]);
    }
  });
});
