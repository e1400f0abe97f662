/**
 * SSM never changes a parameter to or from the `aws:ec2:image` data type: Prepare names a parameter of the
 * recipe's name with another data type, in the bakery's region or a copy region, before anything is launched.
 */
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, BUILD_ID, freezeTime, recipe, registered, serveCatalog, setEnv, SOURCE_AMI } from './fixtures';
import { handler } from '../../lambda/prepare';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const s3Mock = mockClient(S3Client);
const PARAMETER = '/images/web/latest';
const KEY = (region: string) => `arn:aws:kms:${region}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const distributed = recipe({ distribution: { regions: ['eu-central-1'], kmsKeyIds: { 'eu-central-1': KEY('eu-central-1') }, ssmParameter: PARAMETER } });

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  s3Mock.reset();
  serveCatalog(s3Mock);
  setEnv();
  freezeTime();
  ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({ Images: [{ ImageId: SOURCE_AMI, State: 'available', Architecture: 'x86_64' }] });
  ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: [] });
});

afterEach(() => jest.useRealTimers());

test('a text parameter of that name in a copy region fails the bake in Prepare, naming it, before anything is launched', async () => {
  const input = registered(s3Mock, distributed);
  ssmMock.on(GetParameterCommand, { Name: PARAMETER }).resolvesOnce({ Parameter: { Name: PARAMETER, DataType: 'aws:ec2:image' } })
    .resolves({ Parameter: { Name: PARAMETER, Value: 'v1.2.3', DataType: 'text' } });

  const failure = await handler({ input, executionName: BUILD_ID }).catch((error) => error);

  expect(failure).toMatchObject({
    name: 'InvalidRecipe',
    message: `distribution.ssmParameter: ${PARAMETER} already exists in eu-central-1 with data type text, and SSM never changes a parameter ` +
      'to aws:ec2:image; delete that parameter, or choose another name',
  });
  expect(JSON.stringify(failure)).not.toContain('v1.2.3');
  expect(ec2Mock.commandCalls(DescribeImagesCommand).length).toBe(1);
});

test('an aws:ec2:image parameter of that name, or none, is fine', async () => {
  const input = registered(s3Mock, distributed);
  ssmMock.on(GetParameterCommand, { Name: PARAMETER }).resolvesOnce({ Parameter: { Name: PARAMETER, DataType: 'aws:ec2:image' } })
    .rejects(awsError('ParameterNotFound'));

  await expect(handler({ input, executionName: BUILD_ID })).resolves.toMatchObject({ build: { recipe: { name: 'web' } } });
  expect(ssmMock.commandCalls(GetParameterCommand).filter((call) => call.args[0].input.Name === PARAMETER)).toHaveLength(2);
});
