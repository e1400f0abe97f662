/**
 * What the bakery deploys for steps that bring files: a private staging bucket whose staged files expire,
 * its own SSM document that downloads and runs them, and the settings that tell the runner and the CLI.
 */
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { User } from 'aws-cdk-lib/aws-iam';
import { allStatements, bakeryStack, catalogOf, launchEnvironment } from './stack';
import { validateRecipe } from '../../lambda/shared/validate-recipe';
import { ProvisionStep, SourceImage } from '../../src';

describe('staging', () => {
  const { template, bakery, stack } = bakeryStack({ stagingExpiration: Duration.days(7) });
  const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];

  test('the staging bucket is private, encrypted, SSL-only, and the files bakery build stages expire', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: [
          { Prefix: 'staging/', TagFilters: [{ Key: 'cdk-ami-bakery:expires', Value: 'true' }], ExpirationInDays: 7, Status: 'Enabled' },
          { Prefix: 'waits/', ExpirationInDays: 1, Status: 'Enabled' },
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    expect(stack.resolve(bakery.stagingBucket.bucketName)).toEqual({ Ref: bucketId });
  });

  test('the staged-files document downloads the layout, then runs the step on Linux or Windows; its parameters only take staging URLs and folders', () => {
    const [document] = Object.values(template.findResources('AWS::SSM::Document')) as any[];
    const content = document.Properties.Content;

    expect(document.Properties).toMatchObject({ DocumentType: 'Command', UpdateMethod: 'NewVersion', Name: `cdk-ami-bakery-${bakery.bakeryId}-staged-files` });
    expect(content.mainSteps.map((step: any) => [step.action, step.precondition])).toEqual([
      ['aws:downloadContent', undefined],
      ['aws:runShellScript', { StringEquals: ['platformType', 'Linux'] }],
      ['aws:runPowerShellScript', { StringEquals: ['platformType', 'Windows'] }],
    ]);
    expect(content.parameters.sourceUrl.allowedPattern).toEqual({
      'Fn::Join': ['', ['^https://s3\\.eu-west-1\\.amazonaws\\.com/', { Ref: bucketId }, '/staging/[0-9a-f]{64}/$']],
    });
    const folder = new RegExp(content.parameters.downloadDirectory.allowedPattern);
    expect([`/var/lib/cdk-ami-bakery/staging/${'a'.repeat(64)}`, `C:\\ProgramData\\cdk-ami-bakery\\staging\\${'a'.repeat(64)}`].map((path) => folder.test(path)))
      .toEqual([true, true]);
    expect(['/tmp/x', `C:\\Windows\\${'a'.repeat(64)}`, `/var/lib/cdk-ami-bakery/staging/${'a'.repeat(64)}/../x`].map((path) => folder.test(path)))
      .toEqual([false, false, false]);
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

describe('CDK recipes with files', () => {
  const EXAMPLE_DIR = join(__dirname, '../../examples/recipes/web-files');
  const steps = () => [
    ProvisionStep.script({ source: join(EXAMPLE_DIR, 'scripts/install-nginx.sh'), args: ['--fast'], timeout: Duration.minutes(20) }),
    ProvisionStep.file({ source: join(EXAMPLE_DIR, 'files/site/'), destination: '/var/www/html', owner: 'www-data' }),
    ProvisionStep.ansible({ source: join(EXAMPLE_DIR, 'ansible/'), playbook: 'site.yml', extraVars: { env: 'prod' } }),
  ];

  test('ship their files with the stack into the staging bucket, and the registered document names them there', () => {
    const { template, bakery, stack } = bakeryStack({}, (b) => b.addRecipe('Web', { source: SourceImage.fromAmiId('ami-0123456789abcdef0'), steps: steps() }));
    const document = (bakery.node.findChild('Web') as any).document;
    const bucket = stack.resolve(bakery.stagingBucket.bucketName);

    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: bucket, DestinationBucketKeyPrefix: 'staging/', Prune: false, RetainOnDelete: true,
    });
    const sources = document.steps.map((step: any) => stack.resolve((step.script ?? step.file ?? step.ansible).source));
    const staged = (entry: string) => ({ 'Fn::Join': ['', ['s3://', bucket, expect.stringMatching(new RegExp(`^/staging/[0-9a-f]{64}/${entry}$`))]] });
    expect(sources).toEqual([staged('install-nginx\\.sh'), staged('site/'), staged('ansible/')]);
    expect(document.steps[0].script).toMatchObject({ args: ['--fast'], timeoutSeconds: 1200 });
    expect(validateRecipe(document).problems).toEqual([]);
    // A bake can start only once Prepare knows the recipe: by then its files are in the bucket.
    const [prepare] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { BAKERY_STEP: 'prepare' } } } }));
    const [deployment] = Object.keys(template.findResources('Custom::CDKBucketDeployment'));
    expect(prepare.DependsOn).toContainEqual(deployment);
    // The catalog names the bucket by a placeholder, which Prepare's environment resolves when the stack deploys.
    expect(catalogOf(stack).recipes.Web.steps[0].script.source).toMatch(/^s3:\/\/\$\{cdk-ami-bakery:value:0\}\/staging\/[0-9a-f]{64}\/install-nginx\.sh$/);
    expect(prepare.Properties.Environment.Variables.RECIPE_CATALOG_VALUES).toEqual({ 'Fn::Join': ['', ['["', bucket, '"]']] });
  });

  test('of many recipes are copied by one deployment', () => {
    const { template } = bakeryStack({}, (b) => steps().forEach((step, index) => b.addRecipe(`R${index}`, {
      source: SourceImage.fromAmiId('ami-0123456789abcdef0'), steps: [step],
    })));

    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    expect(deployments[0].Properties.SourceObjectKeys).toHaveLength(3);
  });

  test('a file that is not there fails synthesis, naming it', () => {
    expect(() => bakeryStack({}, (b) => b.addRecipe('Web', {
      source: SourceImage.fromAmiId('ami-0123456789abcdef0'),
      steps: [ProvisionStep.file({ source: join(EXAMPLE_DIR, 'files/nope.conf'), destination: '/etc/nope.conf' })],
    }))).toThrow(/^Recipe "Web": steps\[0\]\.file\.source: .*files\/nope\.conf does not exist/);
  });

  test('grantStageFiles lets a principal put and read staged objects only', () => {
    const { template } = bakeryStack({}, (b, stack) => b.grantStageFiles(new User(stack, 'Ci')));
    const granted = allStatements(template).filter((statement) => [statement.Action].flat().includes('s3:PutObjectTagging'));
    expect(granted).toEqual([expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging'] })]);
    expect(JSON.stringify(granted[0].Resource)).toContain('/staging/*');
    // Without it, HeadObject answers a layout that is not staged yet with 403, not 404.
    const listing = allStatements(template).filter((statement) => statement.Action === 's3:ListBucket' && !statement.Condition);
    expect(listing).toHaveLength(1);
    expect(JSON.stringify(listing[0].Resource)).not.toContain('/*');
  });
});
