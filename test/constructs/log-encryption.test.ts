import { Match } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { bakeryStack } from './stack';

describe('logEncryptionKey', () => {
  test('every log group of the bakery is encrypted with the key, which lets CloudWatch Logs of the region use it for this account\'s groups', () => {
    const { template } = bakeryStack((stack) => ({ logEncryptionKey: new Key(stack, 'Logs') }));
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    // One per runner step, the state machine's and the provisioning output.
    expect(groups.length).toBe(19);
    for (const group of groups) expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Logs/), 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
          Action: Match.arrayWith(['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*']),
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111122223333:log-group:*']] } } },
        })]),
      },
    });
  });

  test('without one, log groups use CloudWatch Logs\' own encryption', () => {
    const { template } = bakeryStack();
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) expect(group.Properties.KmsKeyId).toBeUndefined();
  });
});
