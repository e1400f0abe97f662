import { Grant } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { allStatements, bakeryStack } from './stack';

describe('runner IAM', () => {
  const { template, bakery } = bakeryStack();
  const statements = allStatements(template);
  const withAction = (action: string) => statements.filter((statement) => [statement.Action].flat().includes(action));
  const bakeryTag = { 'aws:ResourceTag/cdk-ami-bakery:bakery': bakery.bakeryId };

  test('no statement grants a wildcard action', () => {
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.length).toBeGreaterThan(10);
    for (const action of actions) expect(action).not.toMatch(/\*/);
  });

  test.each(['ec2:StopInstances', 'ec2:TerminateInstances', 'ec2:DeregisterImage', 'ec2:DeleteSnapshot', 'ec2:ModifyImageAttribute'])(
    '%s only on resources carrying the bakery tag', (action) => {
      const granted = withAction(action);
      expect(granted.length).toBeGreaterThan(0);
      for (const statement of granted) expect(statement.Condition).toEqual({ StringEquals: bakeryTag });
    });

  test('CreateImage only from tagged instances, and only makes images and snapshots that carry the tag', () => {
    const granted = withAction('ec2:CreateImage');
    const onInstances = granted.find((statement) => JSON.stringify(statement.Resource).includes('instance/*'));
    expect(onInstances.Condition).toEqual({ StringEquals: bakeryTag });
    const onImages = granted.find((statement) => JSON.stringify(statement.Resource).includes('image/*'));
    expect(onImages.Condition).toEqual({ StringEquals: { 'aws:RequestTag/cdk-ami-bakery:bakery': bakery.bakeryId } });
  });

  test('RunInstances creates instances and volumes only with the bakery tag in the request', () => {
    const granted = withAction('ec2:RunInstances');
    const creating = granted.find((statement) => JSON.stringify(statement.Resource).includes('instance/*'));
    expect(JSON.stringify(creating.Resource)).toContain('volume/*');
    expect(creating.Condition).toEqual({ StringEquals: { 'aws:RequestTag/cdk-ami-bakery:bakery': bakery.bakeryId } });
    const others = granted.filter((statement) => statement !== creating);
    for (const statement of others) expect(JSON.stringify(statement.Resource)).not.toMatch(/instance\/\*|volume\/\*/);
  });

  test('iam:PassRole only for the instance role, only to EC2', () => {
    const granted = withAction('iam:PassRole');
    expect(granted).toHaveLength(1);
    expect(granted[0].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BakeryInstanceRole/), 'Arn'] });
    expect(granted[0].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
  });

  test('SendCommand runs AWS-RunShellScript only on instances carrying the bakery tag', () => {
    const granted = withAction('ssm:SendCommand');
    const document = granted.find((statement) => JSON.stringify(statement.Resource).includes('document/AWS-RunShellScript'));
    expect(document.Condition).toBeUndefined();
    const instances = granted.find((statement) => JSON.stringify(statement.Resource).includes('instance/*'));
    expect(instances.Condition).toEqual({ StringEquals: { 'ssm:resourceTag/cdk-ami-bakery:bakery': bakery.bakeryId } });
  });

  test('ListCommandInvocations (run-step finding a command an earlier attempt sent) is granted on * only, as SSM requires', () => {
    const granted = withAction('ssm:ListCommandInvocations');
    expect(granted).toHaveLength(1);
    expect(granted[0].Resource).toBe('*');
    expect(granted[0].Condition).toBeUndefined();
  });

  test('all-resource grants are read-only, besides the log delivery Step Functions logging needs and the build instances\' SSM agent', () => {
    // The instance role's agent statements (registration and message channels) take no narrower resource.
    const everywhere = statements.filter((statement) => statement.Resource === '*' && !/^SsmAgent/.test(statement.Sid ?? ''));
    const actions = everywhere.flatMap((statement) => [statement.Action].flat());
    const logDelivery = /^logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/;
    for (const action of actions) expect(action).toMatch(logDelivery.test(action) ? logDelivery : /^(ec2:Describe|ssm:Describe|ssm:GetCommandInvocation|ssm:List)/);
  });

  test('grantEncryptionKey lets launch, create-image and copy-image use a key only through EC2', () => {
    let grant: Grant | undefined;
    const withKey = bakeryStack({}, (b, stack) => {
      grant = b.grantEncryptionKey(new Key(stack, 'ImagesKey'));
    });
    expect(grant?.success).toBe(true);
    const kmsStatements = allStatements(withKey.template).filter((statement) => [statement.Action].flat().includes('kms:CreateGrant'));
    expect(kmsStatements).toHaveLength(3);
    for (const statement of kmsStatements) {
      expect(statement.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'ec2.eu-west-1.amazonaws.com' } });
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ImagesKey/), 'Arn'] });
    }
    expect(allStatements(template).some((statement) => JSON.stringify(statement.Action).includes('kms:'))).toBe(false);
  });

  test('a key of another region, for copies, is used through EC2 in that region', () => {
    const keyArn = 'arn:aws:kms:ap-southeast-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const withKey = bakeryStack({}, (b, stack) => b.grantEncryptionKey(Key.fromKeyArn(stack, 'SydneyKey', keyArn)));
    const kmsStatements = allStatements(withKey.template).filter((statement) => [statement.Action].flat().includes('kms:CreateGrant'));
    expect(kmsStatements.map((statement) => statement.Condition)).toEqual(
      Array(3).fill({ StringEquals: { 'kms:ViaService': 'ec2.ap-southeast-2.amazonaws.com' } }));
    expect(kmsStatements.every((statement) => statement.Resource === keyArn)).toBe(true);
  });
});
