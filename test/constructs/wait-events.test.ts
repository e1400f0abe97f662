import { Match } from 'aws-cdk-lib/assertions';
import { bakeryStack } from './stack';

describe('waits that events end', () => {
  const { template, stack, bakery } = bakeryStack();
  const resolve = (value: unknown) => JSON.stringify(stack.resolve(value));
  const functionsByStep = Object.fromEntries(Object.entries(template.findResources('AWS::Lambda::Function'))
    .map(([id, fn]: [string, any]) => [fn.Properties.Environment?.Variables?.BAKERY_STEP, { id, fn }]));

  test.each([
    ['check-step', { 'source': ['aws.ssm'], 'detail-type': ['EC2 Command Invocation Status-change Notification'], 'detail': { status: ['Success', 'Failed', 'TimedOut', 'Cancelled'] } }],
    ['check-stopped', { 'source': ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], 'detail': { state: ['stopped'] } }],
    ['check-image', { 'source': ['aws.ec2'], 'detail-type': ['EC2 AMI State Change'], 'detail': { State: ['available', 'failed', 'deregistered'] } }],
  ])('a rule on the default bus hands %s only the events that can end its wait', (step, pattern) => {
    const { id, fn } = functionsByStep[step];
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: pattern,
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
    expect(fn.Properties.Environment.Variables.WAIT_REGISTRY).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^BakeryStaging/) }, '/waits/']] });
  });

  test('the three checks may send task outcomes to this bakery\'s state machine only, and touch the wait registry only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((policy: any) => policy.Properties);
    const responders = policies.filter((policy) => JSON.stringify(policy.PolicyDocument).includes('states:SendTaskSuccess'));
    expect(responders).toHaveLength(3);
    for (const policy of responders) {
      expect(policy.PolicyDocument.Statement).toEqual([{
        Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'], Effect: 'Allow', Resource: JSON.parse(resolve(bakery.stateMachine.stateMachineArn)),
      }]);
    }
    const registry = policies.flatMap((policy) => policy.PolicyDocument.Statement)
      .filter((statement: any) => JSON.stringify(statement.Resource).includes('/waits/'));
    expect(registry).toHaveLength(3);
    for (const statement of registry) expect(statement.Action).toEqual(['s3:PutObject', 's3:GetObject', 's3:DeleteObject']);
  });

  test('the task outcome grant is not in the functions\' default policies, which the state machine already depends on', () => {
    const responders = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, policy]: [string, any]) => JSON.stringify(policy.Properties.PolicyDocument).includes('states:SendTaskSuccess'));
    for (const [id] of responders) expect(id).toMatch(/TaskResponse/);
  });
});
