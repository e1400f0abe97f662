import { describeImage, instances, ownImages, ownSnapshots } from './account-view';
import { recipe } from './recipes';
import { simulateBake, simulateSweep } from '../../local/simulate-bake';

const START = new Date('2030-05-04T03:00:00Z');
const HOUR = 3_600_000;
/** The default bake timeout: nothing older belongs to a running bake. */
const BAKE_TIMEOUT = 4 * HOUR;

/** The tags a bake puts on what it makes: this bakery's id, and the build id (execution name). */
function bakeryTags(bakeryId: string, buildId: string) {
  return [{ Key: 'cdk-ami-bakery:bakery', Value: bakeryId }, { Key: 'cdk-ami-bakery:build-id', Value: buildId }];
}

/** An instance launched in the account with these tags, as a task in flight when a bake ended would leave it. */
function launchTagged(account: any, imageId: string | null, tags: { Key: string; Value: string }[]): string {
  const run = account.invoke('ec2', 'RunInstances', {
    ImageId: imageId, InstanceType: 't3.small', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
  });
  return run.Instances[0].InstanceId;
}

describe('the orphan sweeper', () => {
  test('removes what a lost bake left behind once no bake can own it, and never the artifacts of good bakes', async () => {
    // GIVEN a good bake, and an instance of this bakery that a task of a bake left running as the bake ended
    const good = await simulateBake({ recipe: recipe(), startTime: START });
    const [artifact] = good.manifest.artifacts;
    const account = good.account;
    const bakeryId = tagValueOf(describeImage(account, artifact.amiId).Tags, 'cdk-ami-bakery:bakery');
    const orphanId = launchTagged(account, good.manifest.sourceAmiId, bakeryTags(bakeryId, good.executionName));

    // WHEN the sweeper runs while a bake could still own the orphan
    const early = await simulateSweep(account, new Date(START.getTime() + HOUR));

    // THEN it leaves it alone
    expect(early.terminated).toEqual([]);

    // WHEN it runs after the bake timeout
    const late = await simulateSweep(account, new Date(START.getTime() + BAKE_TIMEOUT + 2 * HOUR));

    // THEN the orphan is terminated, and the good bake's AMI and snapshots stay
    expect(late.terminated).toEqual([orphanId]);
    expect(instances(account).find((instance) => instance.InstanceId === orphanId).State.Name).toMatch(/shutting-down|terminated/);
    expect(ownImages(account).map((image) => image.ImageId)).toEqual([artifact.amiId]);
    expect(ownSnapshots(account).map((snapshot) => snapshot.SnapshotId)).toEqual(artifact.snapshotIds);
    expect(late.deregistered).toEqual([]);
    expect(late.deletedSnapshots).toEqual([]);
  });

  test('removes a half-made image and its snapshots that were never handed out', async () => {
    // GIVEN a bake whose cleanup could never deregister its failed image
    const bake = await simulateBake({ recipe: recipe(), faults: ['image:fail', 'api:DeregisterImage:error'], startTime: START });
    expect(ownImages(bake.account)).toHaveLength(1);

    // WHEN the sweeper runs after the bake timeout, once the error has passed
    bake.account.faults.clear();
    const report = await simulateSweep(bake.account, new Date(START.getTime() + BAKE_TIMEOUT + HOUR));

    // THEN image and snapshots are gone
    expect(report.deregistered).toHaveLength(1);
    expect(ownImages(bake.account)).toEqual([]);
    expect(ownSnapshots(bake.account)).toEqual([]);
  });
});

test('an instance someone tagged as the bakery\'s, with a build id no bake has, is never removed', async () => {
  // GIVEN a bake, and an instance of someone else that carries this bakery's tags with a made-up build id
  const bake = await simulateBake({ recipe: recipe(), startTime: new Date(START.getTime() + 10 * HOUR) });
  const bakeryId = tagValueOf(describeImage(bake.account, bake.manifest.artifacts[0].amiId).Tags, 'cdk-ami-bakery:bakery');
  const foreignId = launchTagged(bake.account, bake.manifest.sourceAmiId, bakeryTags(bakeryId, 'not-a-bake'));

  // WHEN the sweeper runs long after any bake could own it
  const report = await simulateSweep(bake.account, new Date(START.getTime() + 10 * HOUR + BAKE_TIMEOUT + 2 * HOUR));

  // THEN it asks Step Functions, finds no such bake, and leaves the instance running
  expect(report.ignored).toEqual([foreignId]);
  expect(report.terminated).toEqual([]);
  expect(instances(bake.account).find((instance) => instance.InstanceId === foreignId).State.Name).toBe('running');
  expect(bake.account.callCount({ service: 'sfn', operation: 'DescribeExecution' })).toBe(1);
});

function tagValueOf(tags: { Key: string; Value: string }[], key: string): string {
  return tags.find((tag) => tag.Key === key)!.Value;
}
