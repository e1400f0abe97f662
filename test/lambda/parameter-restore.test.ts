import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DeleteParameterCommand, GetParameterCommand, GetParameterHistoryCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { setEnv } from './fixtures';
import { ParameterClients, restoreParameter } from '../../lambda/shared/parameters';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);

const NAME = '/images/web/latest';
const BUILD_AMI = 'ami-0b0b0b0b0b0b0b0b0';
const EARLIER_AMI = 'ami-0e0e0e0e0e0e0e0e0';
const TARGET = { region: 'eu-west-1', imageId: BUILD_AMI };

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  setEnv();
  jest.useFakeTimers();
  ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [{ Value: EARLIER_AMI, Version: 1 }, { Value: BUILD_AMI, Version: 2 }] });
  ssmMock.on(PutParameterCommand).resolves({ Version: 3 });
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: EARLIER_AMI, State: 'available' }] });
});

afterEach(() => jest.useRealTimers());

/** Runs the restore to its end, letting its confirmation waits pass. */
async function restore(): Promise<string | undefined> {
  const outcome = restoreParameter(new ParameterClients('build-1'), NAME, TARGET, [BUILD_AMI]);
  outcome.catch(() => undefined);
  await jest.advanceTimersByTimeAsync(30_000);
  return outcome;
}

test('puts back the earlier image once SSM stored it', async () => {
  ssmMock.on(GetParameterCommand)
    .resolvesOnce({ Parameter: { Value: BUILD_AMI, Version: 2 } })
    .resolves({ Parameter: { Value: EARLIER_AMI, Version: 3 } });

  await expect(restore()).resolves.toBe(`restored ${NAME} in eu-west-1 to ${EARLIER_AMI}`);
  expect(ssmMock).not.toHaveReceivedCommand(DeleteParameterCommand);
});

test('an earlier image that exists but SSM has not stored yet is tried again later, never deleted', async () => {
  ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: BUILD_AMI, Version: 2 } });

  await expect(restore()).rejects.toMatchObject({
    name: 'ParameterNotUpdated', message: expect.stringContaining(`SSM has not yet stored the earlier value ${EARLIER_AMI} of ${NAME} in eu-west-1`),
  });
  expect(ssmMock).not.toHaveReceivedCommand(DeleteParameterCommand);
});

test('deletes the parameter when no earlier value names an image that still exists', async () => {
  ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: BUILD_AMI, Version: 2 } });
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: [] });

  await expect(restore()).resolves.toBe(`deleted ${NAME} in eu-west-1 (no earlier value names an image that still exists)`);
  expect(ssmMock).toHaveReceivedCommandWith(DeleteParameterCommand, { Name: NAME });
  expect(ssmMock).not.toHaveReceivedCommand(PutParameterCommand);
});
