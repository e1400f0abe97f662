import { CreateTagsCommand, DescribeImagesCommand, DescribeInstancesCommand, DescribeSnapshotsCommand, EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, BUILD_ID, freezeTime, givenTagged, IMAGE_ID, INSTANCE_ID, metricLines, setEnv, SOURCE_AMI, T0 } from './fixtures';
import { handler } from '../../lambda/finish';
import { TAG_KEYS } from '../../lambda/shared/tags';
import type { BakeState } from '../../lambda/shared/types';

const ec2Mock = mockClient(EC2Client);
const SNAPSHOT = 'snap-0000000000000000a';
const TAG_FILTER = [{ Name: `tag:${TAG_KEYS.buildId}`, Values: [BUILD_ID] }];

/** ISO time `seconds` after T0. */
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000).toISOString();

/** The state after check-image: every phase so far, two steps done, the image available. */
function finishedState(): BakeState {
  return bakeState({
    instanceId: INSTANCE_ID,
    instanceType: 't3.small',
    imageId: IMAGE_ID,
    snapshotIds: [SNAPSHOT],
    phases: [
      { name: 'prepare', startedAt: at(0) },
      { name: 'launch', startedAt: at(2) },
      { name: 'wait-for-agent', startedAt: at(3) },
      { name: 'provision', startedAt: at(60) },
      { name: 'stop', startedAt: at(300) },
      { name: 'create-image', startedAt: at(360) },
    ],
    provision: {
      index: 2,
      count: 2,
      commandId: 'cmd-2',
      results: [
        { step: 1, kind: 'shell', status: 'Success', exitCode: 0, seconds: 200 },
        { step: 2, kind: 'reboot', status: 'Success', exitCode: 0, seconds: 40 },
      ],
    },
  });
}

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock.on(TerminateInstancesCommand).resolves({});
  setEnv();
  freezeTime(new Date(T0.getTime() + 600_000));
});

afterEach(() => jest.useRealTimers());

describe('finish', () => {
  test('records the bake as CloudWatch metrics per bakery and recipe (embedded metric format)', async () => {
    givenTagged(ec2Mock, {});
    metricLines.length = 0;

    await handler(finishedState());

    expect(metricLines).toHaveLength(1);
    const record = JSON.parse(metricLines[0]);
    expect(record).toMatchObject({ Bakery: 'bakery-test', Recipe: 'web', BakeSucceeded: 1, BakeFailed: 0, BakeDuration: 600 });
    expect(record._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'cdk-ami-bakery', Dimensions: [['Bakery'], ['Bakery', 'Recipe']] });
  });

  test('tags the image as the bake\'s artifact, so the orphan sweeper never removes it', async () => {
    givenTagged(ec2Mock, {});

    await handler(finishedState());

    expect(ec2Mock).toHaveReceivedCommandWith(CreateTagsCommand, { Resources: [IMAGE_ID], Tags: [{ Key: TAG_KEYS.artifact, Value: 'true' }] });
  });

  test('an audit that cannot run never fails the bake, which would remove the finished image', async () => {
    // GIVEN
    givenTagged(ec2Mock, {});
    ec2Mock.on(DescribeSnapshotsCommand).rejects(awsError('UnauthorizedOperation', 'not authorized'));

    // WHEN
    const manifest = await handler(finishedState());

    // THEN
    expect(manifest.status).toBe('SUCCEEDED');
    expect(manifest.artifacts[0].amiId).toBe(IMAGE_ID);
    expect(manifest.leakedResources).toEqual([]);
  });

  test('an instance that cannot be terminated yet ends the step with CleanupIncomplete, which the state machine retries', async () => {
    givenTagged(ec2Mock, {});
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('UnauthorizedOperation', 'not authorized'));

    await expect(handler(finishedState())).rejects.toMatchObject({ name: 'CleanupIncomplete', message: expect.stringContaining(INSTANCE_ID) });
  });

  test('a server error still ends the step, so the state machine retries it', async () => {
    givenTagged(ec2Mock, {});
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('InternalError', 'try again', 'server'));

    await expect(handler(finishedState())).rejects.toMatchObject({ name: 'TransientAwsError' });
  });

  test('terminates the build instance and returns the manifest', async () => {
    // GIVEN
    givenTagged(ec2Mock, {
      instances: [{ InstanceId: INSTANCE_ID, State: { Name: 'shutting-down' } }],
      images: [{ ImageId: IMAGE_ID }],
      snapshots: [{ SnapshotId: SNAPSHOT }],
    });

    // WHEN
    const manifest = await handler(finishedState());

    // THEN
    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: [INSTANCE_ID] });
    expect(manifest).toEqual({
      bakeryId: 'bakery-test',
      status: 'SUCCEEDED',
      buildId: BUILD_ID,
      recipe: 'web',
      sourceAmiId: SOURCE_AMI,
      artifacts: [{ region: 'eu-west-1', amiId: IMAGE_ID, name: 'web-20250102030405', snapshotIds: [SNAPSHOT] }],
      phases: [
        { name: 'prepare', seconds: 2 },
        { name: 'launch', seconds: 1 },
        { name: 'wait-for-agent', seconds: 57 },
        { name: 'provision', seconds: 240 },
        { name: 'stop', seconds: 60 },
        { name: 'create-image', seconds: 240 },
        { name: 'cleanup', seconds: 0 },
      ],
      steps: [
        { step: 1, kind: 'shell', status: 'Success', exitCode: 0, seconds: 200 },
        { step: 2, kind: 'reboot', status: 'Success', exitCode: 0, seconds: 40 },
      ],
      tests: [],
      leakedResources: [],
    });
  });

  test('audits by the build-id tag in this account', async () => {
    givenTagged(ec2Mock, {});

    await handler(finishedState());

    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, { Filters: TAG_FILTER });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, { Owners: ['self'], Filters: TAG_FILTER });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSnapshotsCommand, { OwnerIds: ['self'], Filters: TAG_FILTER });
  });

  test('lists running instances, other images and other snapshots of the build as leaked', async () => {
    givenTagged(ec2Mock, {
      instances: [
        { InstanceId: INSTANCE_ID, State: { Name: 'shutting-down' } },
        { InstanceId: 'i-0000000000000000b', State: { Name: 'running' } },
        { InstanceId: 'i-0000000000000000c', State: { Name: 'terminated' } },
      ],
      images: [{ ImageId: IMAGE_ID }, { ImageId: 'ami-0000000000000000d' }],
      snapshots: [{ SnapshotId: SNAPSHOT }, { SnapshotId: 'snap-0000000000000000e' }],
    });

    const manifest = await handler(finishedState());

    expect(manifest.status).toBe('SUCCEEDED');
    expect(manifest.leakedResources).toEqual(['i-0000000000000000b', 'ami-0000000000000000d', 'snap-0000000000000000e']);
  });

  test('an instance that is already gone is not an error', async () => {
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('InvalidInstanceID.NotFound'));
    givenTagged(ec2Mock, {});

    await expect(handler(finishedState())).resolves.toMatchObject({ status: 'SUCCEEDED' });
  });
});
