import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, setEnv } from './fixtures';
import { TAG_KEYS } from '../../lambda/shared/tags';
import { handler } from '../../lambda/sweep-orphans';

const ec2Mock = mockClient(EC2Client);
const sfnMock = mockClient(SFNClient);
const NOW = new Date('2026-06-01T12:00:00Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
const build = (id: string) => [{ Key: TAG_KEYS.buildId, Value: id }];
const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:Bakery';

/** The executions of the bakery's state machine, by name: when each ran. Any other name was never a bake. */
const BAKES: Record<string, { start: Date; stop?: Date }> = {
  lost: { start: hoursAgo(60), stop: hoursAgo(1) },
  running: { start: hoursAgo(2) },
  early: { start: hoursAgo(10), stop: hoursAgo(9) },
};

function describeBake({ executionArn }: { executionArn?: string }) {
  const name = executionArn!.split(':').pop()!;
  if (!executionArn!.startsWith(`${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:`) || !BAKES[name]) {
    throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${executionArn}'`, $metadata: {} });
  }
  return Promise.resolve({ executionArn, stateMachineArn: STATE_MACHINE, status: BAKES[name].stop ? 'FAILED' : 'RUNNING', startDate: BAKES[name].start, stopDate: BAKES[name].stop });
}

beforeEach(() => {
  ec2Mock.reset();
  sfnMock.reset();
  sfnMock.on(DescribeExecutionCommand).callsFake(describeBake);
  setEnv();
  process.env.STATE_MACHINE_ARN = STATE_MACHINE;
  process.env.MAX_BAKE_SECONDS = String(4 * 3600);
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [] }] });
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: [] });
  ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
  ec2Mock.on(TerminateInstancesCommand).resolves({});
  ec2Mock.on(DeregisterImageCommand).resolves({});
  ec2Mock.on(DeleteSnapshotCommand).resolves({});
});

afterEach(() => jest.useRealTimers());

describe('sweep-orphans', () => {
  test('terminates only live instances older than the bake timeout that are not kept for inspection', async () => {
    // GIVEN
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{
        Instances: [
          { InstanceId: 'i-0000000000000000a', State: { Name: 'running' }, LaunchTime: hoursAgo(5), Tags: build('lost') },
          { InstanceId: 'i-0000000000000000b', State: { Name: 'running' }, LaunchTime: hoursAgo(1), Tags: build('running') },
          { InstanceId: 'i-0000000000000000c', State: { Name: 'terminated' }, LaunchTime: hoursAgo(9) },
          { InstanceId: 'i-0000000000000000d', State: { Name: 'running' }, LaunchTime: hoursAgo(9), Tags: [...build('lost'), { Key: TAG_KEYS.keepUntil, Value: hoursAgo(-2).toISOString() }] },
          { InstanceId: 'i-0000000000000000e', State: { Name: 'stopped' }, LaunchTime: hoursAgo(30), Tags: [...build('lost'), { Key: TAG_KEYS.keepUntil, Value: hoursAgo(6).toISOString() }] },
        ],
      }],
    });

    // WHEN
    const report = await handler();

    // THEN
    expect(report.terminated).toEqual(['i-0000000000000000a', 'i-0000000000000000e']);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, { Filters: [{ Name: `tag:${TAG_KEYS.bakery}`, Values: ['bakery-test'] }] });
  });

  test('deregisters old images never handed out, and deletes old snapshots no kept image uses', async () => {
    // GIVEN
    ec2Mock.on(DescribeImagesCommand).resolves({
      Images: [
        { ImageId: 'ami-0000000000000000a', CreationDate: hoursAgo(8).toISOString(), Tags: build('lost'), BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-0000000000000000a' } }] },
        { ImageId: 'ami-0000000000000000b', CreationDate: hoursAgo(8).toISOString(), Tags: [{ Key: TAG_KEYS.artifact, Value: 'true' }], BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-0000000000000000b' } }] },
        { ImageId: 'ami-0000000000000000c', CreationDate: hoursAgo(1).toISOString(), BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-0000000000000000c' } }] },
      ],
    });
    ec2Mock.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [
        { SnapshotId: 'snap-0000000000000000b', StartTime: hoursAgo(8) },
        { SnapshotId: 'snap-0000000000000000c', StartTime: hoursAgo(1) },
        { SnapshotId: 'snap-0000000000000000d', StartTime: hoursAgo(8), Tags: build('lost') },
      ],
    });

    // WHEN
    const report = await handler();

    // THEN
    expect(report.deregistered).toEqual(['ami-0000000000000000a']);
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteSnapshotCommand, { SnapshotId: 'snap-0000000000000000a' });
    expect(report.deletedSnapshots).toEqual(['snap-0000000000000000d']);
    expect(ec2Mock).not.toHaveReceivedCommandWith(DeregisterImageCommand, { ImageId: 'ami-0000000000000000b' });
    expect(ec2Mock).not.toHaveReceivedCommand(CreateTagsCommand);
  });

  test('leaves an image a failed test kept on purpose (tested=false), and its snapshot', async () => {
    const kept = [{ Key: TAG_KEYS.tested, Value: 'false' }];
    ec2Mock.on(DescribeImagesCommand).resolves({
      Images: [{ ImageId: 'ami-0000000000000000e', CreationDate: hoursAgo(48).toISOString(), Tags: kept, BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-0000000000000000e' } }] }],
    });
    ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-0000000000000000e', StartTime: hoursAgo(48), Tags: kept }] });

    const report = await handler();

    expect(report.deregistered).toEqual([]);
    expect(report.deletedSnapshots).toEqual([]);
  });

  test('an orphan it cannot remove is reported and the sweep goes on', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{
        Instances: [
          { InstanceId: 'i-0000000000000000a', State: { Name: 'running' }, LaunchTime: hoursAgo(5), Tags: build('lost') },
          { InstanceId: 'i-0000000000000000b', State: { Name: 'running' }, LaunchTime: hoursAgo(5), Tags: build('lost') },
        ],
      }],
    });
    ec2Mock.on(TerminateInstancesCommand, { InstanceIds: ['i-0000000000000000a'] }).rejects(awsError('UnauthorizedOperation', 'no'));

    const report = await handler();

    expect(report).toMatchObject({ terminated: ['i-0000000000000000b'], failed: ['i-0000000000000000a'] });
  });

  test('also sweeps orphan images and snapshots in the regions the registered recipes copy to', async () => {
    // GIVEN an orphan copy in eu-central-1, a region COPY_REGIONS names
    process.env.COPY_REGIONS = 'eu-central-1';
    ec2Mock.on(DescribeImagesCommand).callsFake(async (_input, getClient: () => EC2Client) => {
      const region = await getClient().config.region();
      return {
        Images: region === 'eu-central-1' ? [{
          ImageId: 'ami-0000000000000000c',
          CreationDate: hoursAgo(9).toISOString(),
          Tags: build('lost'),
          BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-0000000000000000c' } }],
        }] : [],
      };
    });

    // WHEN
    const report = await handler();
    delete process.env.COPY_REGIONS;

    // THEN the copy and its snapshot are removed there
    expect(report.deregistered).toEqual(['ami-0000000000000000c']);
    expect(report.deletedSnapshots).toEqual([]);
    const deregisterCalls = ec2Mock.commandCalls(DeregisterImageCommand);
    const deregisterRegions = await Promise.all(deregisterCalls.map((call) => (call.thisValue as EC2Client).config.region()));
    expect(deregisterRegions).toEqual(['eu-central-1']);
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteSnapshotCommand, { SnapshotId: 'snap-0000000000000000c' });
  });

  test('a resource with the bakery\'s tags that no bake made (no such execution, or made outside its run) is left alone and reported', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{
        Instances: [
          { InstanceId: 'i-0000000000000000a', State: { Name: 'running' }, LaunchTime: hoursAgo(30), Tags: build('forged') },
          { InstanceId: 'i-0000000000000000b', State: { Name: 'running' }, LaunchTime: hoursAgo(30), Tags: build('early') },
          { InstanceId: 'i-0000000000000000c', State: { Name: 'running' }, LaunchTime: hoursAgo(30) },
          { InstanceId: 'i-0000000000000000d', State: { Name: 'running' }, LaunchTime: hoursAgo(9.5), Tags: build('early') },
        ],
      }],
    });
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: 'ami-0000000000000000f', CreationDate: hoursAgo(8).toISOString(), Tags: build('forged') }] });

    const report = await handler();

    expect(report).toMatchObject({ terminated: ['i-0000000000000000d'], deregistered: [], failed: [] });
    expect(report.ignored).toEqual(['i-0000000000000000a', 'i-0000000000000000b', 'i-0000000000000000c', 'ami-0000000000000000f']);
    expect(ec2Mock).toHaveReceivedCommandTimes(TerminateInstancesCommand, 1);
    expect(ec2Mock).not.toHaveReceivedCommand(DeregisterImageCommand);
    // One question per build id, and only about the bakery's own state machine.
    expect(sfnMock.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input.executionArn)).toEqual([
      `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:forged`, `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:early`,
    ]);
  });

  test('when Step Functions cannot say which bakes there were, nothing is removed and the sweep reports it', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(new SFNServiceException({ name: 'AccessDeniedException', message: 'no', $fault: 'client', $metadata: {} }));
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-0000000000000000a', State: { Name: 'running' }, LaunchTime: hoursAgo(5), Tags: build('lost') }] }],
    });

    const report = await handler();

    expect(report).toMatchObject({ terminated: [], failed: ['i-0000000000000000a'], ignored: [] });
    expect(ec2Mock).not.toHaveReceivedCommand(TerminateInstancesCommand);
  });
});
