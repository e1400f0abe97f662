import { CopyImageCommand, DescribeImagesCommand, DescribeSnapshotsCommand, EC2Client, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, BUILD_ID, buildContext, freezeTime, IMAGE_ID, pollState, recipe, setEnv } from './fixtures';
import { handler as checkCopy } from '../../lambda/check-copy';
import { copyToken, handler as copyImage } from '../../lambda/copy-image';
import { TAG_KEYS } from '../../lambda/shared/tags';
import type { CopyState, PollState } from '../../lambda/shared/types';

const ec2Mock = mockClient(EC2Client);
const COPY_ID = 'ami-0aaaaaaaaaaaaaaa1';
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const copyState = (overrides: Partial<CopyState> = {}): CopyState => ({
  build: buildContext(),
  imageId: IMAGE_ID,
  target: { region: 'eu-west-1', kmsKeyId: KEY },
  ...overrides,
});

function givenImages(images: object[]): void {
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: images });
}

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock.on(ModifyImageAttributeCommand).resolves({});
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('copy-image', () => {
  test('copies into the target region, encrypted with its key, tagged like the original, with a token per build and region', async () => {
    givenImages([]);
    ec2Mock.on(CopyImageCommand).resolves({ ImageId: COPY_ID });

    const result = await copyImage(copyState());

    const build = buildContext();
    const tags = Object.entries(build.imageTags).map(([Key, Value]) => ({ Key, Value }));
    expect(ec2Mock).toHaveReceivedCommandWith(CopyImageCommand, {
      SourceRegion: build.region,
      SourceImageId: IMAGE_ID,
      Name: build.amiName,
      Encrypted: true,
      KmsKeyId: KEY,
      ClientToken: copyToken(BUILD_ID, 'eu-west-1'),
      TagSpecifications: [{ ResourceType: 'image', Tags: tags }, { ResourceType: 'snapshot', Tags: tags }],
    });
    expect(await ec2Mock.call(0).thisValue.config.region()).toBe('eu-west-1');
    expect(result).toMatchObject({ copyId: COPY_ID, poll: { done: false, budgetSeconds: 7200 } });
    expect(copyToken(BUILD_ID, 'eu-west-1')).not.toBe(copyToken(BUILD_ID, 'eu-central-1'));
  });

  test('an unencrypted recipe copies without asking for encryption', async () => {
    givenImages([]);
    ec2Mock.on(CopyImageCommand).resolves({ ImageId: COPY_ID });

    await copyImage(copyState({ build: buildContext({ recipe: recipe({ ami: { encrypted: false } }) }), target: { region: 'eu-west-1' } }));

    expect(ec2Mock.commandCalls(CopyImageCommand)[0].args[0].input).toMatchObject({ Encrypted: undefined, KmsKeyId: undefined });
  });

  test('a copy this build already made is reused; one of the same name from elsewhere stops the bake', async () => {
    givenImages([{ ImageId: COPY_ID, Name: buildContext().amiName, Tags: [{ Key: TAG_KEYS.buildId, Value: BUILD_ID }] }]);
    await expect(copyImage(copyState())).resolves.toMatchObject({ copyId: COPY_ID });
    expect(ec2Mock).not.toHaveReceivedCommand(CopyImageCommand);

    givenImages([{ ImageId: COPY_ID, Name: buildContext().amiName, Tags: [{ Key: TAG_KEYS.buildId, Value: 'another-build' }] }]);
    await expect(copyImage(copyState())).rejects.toMatchObject({ name: 'AmiNameInUse', message: expect.stringContaining('in eu-west-1') });
  });

  test('InvalidAMIName.Duplicate from the build\'s own earlier call is answered with that copy', async () => {
    ec2Mock.on(DescribeImagesCommand)
      .resolvesOnce({ Images: [] })
      .resolves({ Images: [{ ImageId: COPY_ID, Name: buildContext().amiName, Tags: [{ Key: TAG_KEYS.buildId, Value: BUILD_ID }] }] });
    ec2Mock.on(CopyImageCommand).rejects(awsError('InvalidAMIName.Duplicate'));

    await expect(copyImage(copyState())).resolves.toMatchObject({ copyId: COPY_ID });
  });
});

describe('check-copy', () => {
  const waiting = (agoSeconds = 0) =>
    copyState({ copyId: COPY_ID, poll: pollState({ seconds: 30, maxSeconds: 120, budgetSeconds: 7200 }, agoSeconds) });

  test('an available copy ends the loop with its snapshots and copy time, marked IMDSv2-only in its region', async () => {
    givenImages([{ ImageId: COPY_ID, State: 'available', BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-0aaaaaaaaaaaaaaa1' } }] }]);

    const result = await checkCopy(waiting(300));

    expect(ec2Mock).toHaveReceivedCommandWith(ModifyImageAttributeCommand, { ImageId: COPY_ID, ImdsSupport: { Value: 'v2.0' } });
    expect(result).toMatchObject({ snapshotIds: ['snap-0aaaaaaaaaaaaaaa1'], copySeconds: 300, poll: { done: true } });
  });

  test('a failed copy throws ImageCopyFailed naming the region and the reason', async () => {
    givenImages([{ ImageId: COPY_ID, State: 'failed', StateReason: { Message: 'Copy failed' } }]);

    await expect(checkCopy(waiting())).rejects.toMatchObject({ name: 'ImageCopyFailed', message: expect.stringMatching(/to eu-west-1 .*Copy failed/) });
  });

  describe('a pending copy times its next check by its snapshots\' progress', () => {
    const byProgress = (agoSeconds: number) =>
      copyState({ copyId: COPY_ID, poll: { ...pollState({ seconds: 30, maxSeconds: 300, budgetSeconds: 7200 }, agoSeconds), byProgress: true } });
    const pendingWithSnapshots = (...progress: string[]) => {
      givenImages([{ ImageId: COPY_ID, State: 'pending', BlockDeviceMappings: progress.map((_, i) => ({ Ebs: { SnapshotId: `snap-0aaaaaaaaaaaaaaa${i}` } })) }]);
      ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: progress.map((Progress, i) => ({ SnapshotId: `snap-0aaaaaaaaaaaaaaa${i}`, Progress })) });
    };

    test('it waits most of the time the least advanced snapshot still needs at its pace so far', async () => {
      pendingWithSnapshots('50%', '20%');

      // 20% in 60 s: 240 s to go, of which it waits 70%.
      const result = await checkCopy(byProgress(60));

      expect(ec2Mock).toHaveReceivedCommandWith(DescribeSnapshotsCommand, { SnapshotIds: ['snap-0aaaaaaaaaaaaaaa0', 'snap-0aaaaaaaaaaaaaaa1'] });
      expect(result.poll).toMatchObject({ seconds: 168, done: false, attempts: 1 });
    });

    test('near the end it checks every 3 s, and less often once the snapshots have stayed where they were for 30 s', async () => {
      pendingWithSnapshots('99%');
      const seenAgo = (poll: PollState, seconds: number) => ({ ...poll, percentSince: new Date(Date.now() - seconds * 1000).toISOString() });

      const near = await checkCopy(byProgress(300));
      expect(near.poll).toMatchObject({ seconds: 3, percent: 99, percentSince: new Date(Date.now()).toISOString() });
      const still = await checkCopy({ ...near, poll: seenAgo(near.poll!, 27) });
      expect(still.poll).toMatchObject({ seconds: 3, percent: 99 });
      const stalled = await checkCopy({ ...still, poll: seenAgo(still.poll!, 30) });
      expect(stalled.poll).toMatchObject({ seconds: 5, percent: 99 });
      const longer = await checkCopy({ ...stalled, poll: seenAgo(stalled.poll!, 35) });
      expect(longer.poll?.seconds).toBe(8);
    });

    test('without progress to go by (none yet, or DescribeSnapshots fails), the usual spacing', async () => {
      pendingWithSnapshots('0%');
      expect((await checkCopy(byProgress(30))).poll?.seconds).toBe(45);

      ec2Mock.on(DescribeSnapshotsCommand).rejects(awsError('InvalidSnapshot.NotFound'));
      expect((await checkCopy(byProgress(30))).poll?.seconds).toBe(45);
    });

    test('a schedule that does not time checks by progress (another waiter policy) ignores it', async () => {
      pendingWithSnapshots('50%');

      expect((await checkCopy(waiting(60))).poll?.seconds).toBe(45);
    });
  });

  test('a copy still pending when the budget is spent throws ImageCopyNotAvailable naming the timeout to raise', async () => {
    givenImages([{ ImageId: COPY_ID, State: 'pending' }]);

    await expect(checkCopy(waiting(7200))).rejects.toMatchObject({
      name: 'ImageCopyNotAvailable', message: expect.stringContaining('timeouts.copyAvailableSeconds'),
    });
  });
});

