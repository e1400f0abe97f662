import { describeImage, instances, ownImages, ownSnapshots } from './account-view';
import { recipe } from './recipes';
import { simulateBake, simulateSweep } from '../../local/simulate-bake';

const START = new Date(Math.ceil((Date.now() + 86_400_000) / 60_000) * 60_000);
const HOUR = 3_600_000;
/** The default bake timeout: nothing older belongs to a running bake. */
const BAKE_TIMEOUT = 4 * HOUR;

const BAKERY_TAGS = [
  { Key: 'cdk-ami-bakery:bakery', Value: 'BakerySimulator-Bakery' },
  { Key: 'cdk-ami-bakery:build-id', Value: 'lost-build' },
];

describe('the orphan sweeper', () => {
  test('removes what a lost bake left behind once no bake can own it, and never the artifacts of good bakes', async () => {
    // GIVEN a good bake, and an instance of this bakery that a lost bake left running
    const good = await simulateBake({ input: { recipe: recipe() }, startTime: START });
    const [artifact] = good.manifest.artifacts;
    const account = good.account;
    const bakeryId = tagValueOf(describeImage(account, artifact.amiId).Tags, 'cdk-ami-bakery:bakery');
    const tags = BAKERY_TAGS.map((tag) => (tag.Key === 'cdk-ami-bakery:bakery' ? { ...tag, Value: bakeryId } : tag));
    const run = account.invoke('ec2', 'RunInstances', {
      ImageId: good.manifest.sourceAmiId,
      InstanceType: 't3.small',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
    }) as any;
    const orphanId = run.Instances[0].InstanceId;

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
    const bake = await simulateBake({ input: { recipe: recipe() }, faults: ['image:fail', 'api:DeregisterImage:error'], startTime: START });
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

function tagValueOf(tags: { Key: string; Value: string }[], key: string): string {
  return tags.find((tag) => tag.Key === key)!.Value;
}
