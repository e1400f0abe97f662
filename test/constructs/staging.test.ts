/**
 * What the bakery deploys for steps that bring files: a private staging bucket whose staged files expire,
 * its own SSM document that downloads and runs them, and the settings that tell the runner and the CLI.
 */
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { allStatements, bakeryStack, launchEnvironment } from './stack';

describe('staging', () => {
  const { template, bakery, stack } = bakeryStack({ stagingExpiration: Duration.days(7) });
  const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];

  test('the staging bucket is private, encrypted, SSL-only, and its staged files expire', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ Prefix: 'staging/', ExpirationInDays: 7, Status: 'Enabled' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    expect(stack.resolve(bakery.stagingBucket.bucketName)).toEqual({ Ref: bucketId });
  });

  test('the staged-files document downloads the layout, then runs the step on Linux; its parameters only take staging URLs and folders', () => {
    const [document] = Object.values(template.findResources('AWS::SSM::Document')) as any[];
    const content = document.Properties.Content;

    expect(document.Properties).toMatchObject({ DocumentType: 'Command', UpdateMethod: 'NewVersion', Name: `cdk-ami-bakery-${bakery.bakeryId}-staged-files` });
    expect(content.mainSteps.map((step: any) => [step.action, step.precondition])).toEqual([
      ['aws:downloadContent', undefined],
      ['aws:runShellScript', { StringEquals: ['platformType', 'Linux'] }],
    ]);
    expect(content.parameters.sourceUrl.allowedPattern).toEqual({
      'Fn::Join': ['', ['^https://s3\\.eu-west-1\\.amazonaws\\.com/', { Ref: bucketId }, '/staging/[0-9a-f]{64}/$']],
    });
    expect(content.parameters.downloadDirectory.allowedPattern).toBe('^/var/lib/cdk-ami-bakery/staging/[0-9a-f]{64}$');
  });

  test('the runner learns the staging location and the document; the CLI finds the location on the state machine', () => {
    const environment = launchEnvironment(template);
    expect(environment.STAGING_LOCATION).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/staging/']] });
    expect(environment.STAGED_FILES_DOCUMENT).toBe(`cdk-ami-bakery-${bakery.bakeryId}-staged-files`);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      Tags: Match.arrayWith([{ Key: 'cdk-ami-bakery:staging-location', Value: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/staging/']] } }]),
    });
    const sendStaged = allStatements(template).filter((statement) => [statement.Action].flat().includes('ssm:SendCommand')
      && JSON.stringify(statement.Resource).includes(`document/cdk-ami-bakery-${bakery.bakeryId}-staged-files`));
    expect(sendStaged).toHaveLength(1);
  });
});
