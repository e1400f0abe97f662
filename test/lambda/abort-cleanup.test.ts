import {
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { advanceSeconds, awsError, BUILD_ID, freezeTime, IMAGE_ID, INSTANCE_ID, setEnv } from './fixtures';
import { handler } from '../../lambda/abort-cleanup';
import { TAG_KEYS } from '../../lambda/shared/tags';

const ec2Mock = mockClient(EC2Client);
const SNAPSHOT = 'snap-0000000000000000a';

/** The event EventBridge delivers when an execution is stopped. */
const aborted = { 'detail-type': 'Step Functions Execution Status Change', 'detail': { name: BUILD_ID, status: 'ABORTED' } };

beforeEach(() => {
  ec2Mock.reset();
  setEnv();
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: INSTANCE_ID, State: { Name: 'running' } }] }] });
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: IMAGE_ID, BlockDeviceMappings: [{ Ebs: { SnapshotId: SNAPSHOT } }] }] });
  ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
  ec2Mock.on(TerminateInstancesCommand).resolves({});
  ec2Mock.on(DeregisterImageCommand).resolves({});
  ec2Mock.on(DeleteSnapshotCommand).resolves({});
});

afterEach(() => jest.useRealTimers());

describe('abort-cleanup', () => {
  test('removes what the stopped execution made, found by its build-id tag', async () => {
    // WHEN
    const result = await handler(aborted);

    // THEN
    expect(result).toEqual({ buildId: BUILD_ID, status: 'ABORTED', leakedResources: [] });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, { Filters: [{ Name: `tag:${TAG_KEYS.buildId}`, Values: [BUILD_ID] }] });
    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: [INSTANCE_ID] });
    expect(ec2Mock).toHaveReceivedCommandWith(DeregisterImageCommand, { ImageId: IMAGE_ID });
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteSnapshotCommand, { SnapshotId: SNAPSHOT });
  });

  test('what it cannot remove yet ends the invocation with CleanupIncomplete, so Lambda retries it', async () => {
    ec2Mock.on(DeregisterImageCommand).rejects(awsError('UnauthorizedOperation', 'not authorized'));

    await expect(handler(aborted)).rejects.toMatchObject({ name: 'CleanupIncomplete', message: expect.stringContaining(IMAGE_ID) });
    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: [INSTANCE_ID] });
  });

  test('within a runner timeout of the stop, it cleans up and then asks to be invoked again, for what a task in flight still makes', async () => {
    freezeTime();
    const stoppedJustNow = { ...aborted, detail: { ...aborted.detail, stopDate: Date.now() - 5_000 } };

    await expect(handler(stoppedJustNow)).rejects.toMatchObject({ name: 'CleanupIncomplete', message: expect.stringContaining('a task in flight') });
    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: [INSTANCE_ID] });

    advanceSeconds(60);
    await expect(handler(stoppedJustNow)).resolves.toMatchObject({ status: 'ABORTED', leakedResources: [] });
  });

  test('a FAILED bake whose own cleanup ran is left alone', async () => {
    const result = await handler({ detail: { name: BUILD_ID, status: 'FAILED', error: 'ProvisioningStepFailed' } });

    expect(result.leakedResources).toEqual([]);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  test.each(['CleanupFailed', 'States.Runtime', undefined])('a FAILED bake with error %s is cleaned up by tag', async (error) => {
    await handler({ detail: { name: BUILD_ID, status: 'FAILED', error } });

    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: [INSTANCE_ID] });
  });

  test('an event without an execution name is refused before any AWS call', async () => {
    await expect(handler({ detail: { status: 'ABORTED' } } as never)).rejects.toMatchObject({ name: 'InvalidInput' });
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});
