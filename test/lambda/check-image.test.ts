import { DescribeImagesCommand, EC2Client, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, freezeTime, IMAGE_ID, pollState, setEnv } from './fixtures';
import { handler } from '../../lambda/check-image';

const ec2Mock = mockClient(EC2Client);

function givenImage(image: object): void {
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: IMAGE_ID, ...image }] });
}

const waiting = (poll = pollState({ seconds: 15, maxSeconds: 60, budgetSeconds: 3600 })) => bakeState({ imageId: IMAGE_ID, poll });

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock.on(ModifyImageAttributeCommand).resolves({});
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('check-image', () => {
  test('an available image ends the loop with its snapshots, marked IMDSv2-only', async () => {
    givenImage({
      State: 'available',
      BlockDeviceMappings: [
        { DeviceName: '/dev/sda1', Ebs: { SnapshotId: 'snap-0000000000000000a' } },
        { DeviceName: '/dev/sdb', VirtualName: 'ephemeral0' },
      ],
    });

    const result = await handler(waiting());

    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, { ImageIds: [IMAGE_ID] });
    expect(ec2Mock).toHaveReceivedCommandWith(ModifyImageAttributeCommand, { ImageId: IMAGE_ID, ImdsSupport: { Value: 'v2.0' } });
    expect(result.snapshotIds).toEqual(['snap-0000000000000000a']);
    expect(result.poll?.done).toBe(true);
  });

  test('a pending image means another poll, capped at 60 s', async () => {
    givenImage({ State: 'pending' });

    const result = await handler(waiting(pollState({ seconds: 45, maxSeconds: 60, budgetSeconds: 3600 })));

    expect(result.poll).toMatchObject({ done: false, seconds: 60 });
    expect(ec2Mock).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
  });

  test('an image EC2 does not list yet counts as pending', async () => {
    ec2Mock.on(DescribeImagesCommand).rejects(awsError('InvalidAMIID.NotFound'));

    const result = await handler(waiting());

    expect(result.poll?.done).toBe(false);
  });

  test('a failed image throws ImageCreationFailed with the state reason', async () => {
    givenImage({ State: 'failed', StateReason: { Code: 'Server.InternalError', Message: 'Snapshot creation failed' } });

    await expect(handler(waiting())).rejects.toMatchObject({
      name: 'ImageCreationFailed',
      message: `image ${IMAGE_ID} failed: Snapshot creation failed`,
    });
  });

  test('an image still pending after the budget throws ImageNotAvailable', async () => {
    givenImage({ State: 'pending' });

    await expect(handler(waiting(pollState({ budgetSeconds: 3600 }, 3600)))).rejects.toMatchObject({
      name: 'ImageNotAvailable',
      message: expect.stringContaining(`image ${IMAGE_ID} was not available within 3600 s (it is pending)`),
    });
  });
});
