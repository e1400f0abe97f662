/**
 * Right after DeregisterImage, EC2 keeps the image's snapshots in use for a moment: DeleteSnapshot answers
 * InvalidSnapshot.InUse. Deleting waits that out a few times, then leaves the snapshot to the orphan sweeper.
 */
import { DeleteSnapshotCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError } from './fixtures';
import { deleteSnapshot, SNAPSHOT_IN_USE_WAITS_MS } from '../../lambda/shared/images';

const ec2Mock = mockClient(EC2Client);
const SNAPSHOT = 'snap-0123456789abcdef0';

beforeEach(() => {
  ec2Mock.reset();
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});

afterEach(() => jest.useRealTimers());

/** Runs the deletion to its end, moving the fake clock through every wait. */
async function settle(deletion: Promise<void>): Promise<unknown> {
  const outcome = deletion.then(() => 'deleted', (error: Error) => error);
  for (const wait of SNAPSHOT_IN_USE_WAITS_MS) await jest.advanceTimersByTimeAsync(wait);
  return outcome;
}

test('a snapshot in use for a moment is deleted once EC2 releases it', async () => {
  ec2Mock.on(DeleteSnapshotCommand).rejectsOnce(awsError('InvalidSnapshot.InUse', `The snapshot ${SNAPSHOT} is currently in use by ami-1`))
    .rejectsOnce(awsError('InvalidSnapshot.InUse', 'still')).resolves({});

  expect(await settle(deleteSnapshot(SNAPSHOT))).toBe('deleted');
  expect(ec2Mock).toHaveReceivedCommandTimes(DeleteSnapshotCommand, 3);
});

test('one still in use after every wait is reported, for the caller to record and the sweeper to remove', async () => {
  ec2Mock.on(DeleteSnapshotCommand).rejects(awsError('InvalidSnapshot.InUse', 'in use by ami-1'));

  expect(await settle(deleteSnapshot(SNAPSHOT))).toMatchObject({ name: 'InvalidSnapshot.InUse' });
  expect(ec2Mock).toHaveReceivedCommandTimes(DeleteSnapshotCommand, SNAPSHOT_IN_USE_WAITS_MS.length + 1);
});

test('a snapshot already gone counts as deleted; any other error is not waited on', async () => {
  ec2Mock.on(DeleteSnapshotCommand).rejectsOnce(awsError('InvalidSnapshot.NotFound')).rejects(awsError('UnauthorizedOperation'));

  expect(await settle(deleteSnapshot(SNAPSHOT))).toBe('deleted');
  expect(await settle(deleteSnapshot(SNAPSHOT))).toMatchObject({ name: 'UnauthorizedOperation' });
  expect(ec2Mock).toHaveReceivedCommandTimes(DeleteSnapshotCommand, 2);
});
