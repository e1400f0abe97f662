import { describeImage, ownImages, ownSnapshots } from './account-view';
import { recipe } from './recipes';
import { simulateBake } from '../../local/simulate-bake';

const DAY = 86_400_000;
const START = new Date('2030-05-04T03:00:00Z');
const retained = (rules: Record<string, unknown>, ami: Record<string, unknown> = {}) =>
  recipe({ ami: { name: 'web-{{timestamp}}', ...ami }, retention: rules });

type Bake = Awaited<ReturnType<typeof simulateBake>>;

/** Bakes the recipe `count` times, a day apart, on one account, after the bakes already made; returns them all. */
async function bakeInARow(document: Record<string, unknown>, count: number, earlier: Bake[] = []): Promise<Bake[]> {
  const bakes = [...earlier];
  while (bakes.length < count) {
    const startTime = new Date(START.getTime() + bakes.length * DAY);
    bakes.push(await simulateBake({ account: bakes[0]?.account, recipe: document, startTime }));
  }
  return bakes;
}

describe('image lifecycle', () => {
  test('three bakes with keepLatest 2 leave exactly the two newest AMIs and their snapshots, and nothing else', async () => {
    const bakes = await bakeInARow(retained({ keepLatest: 2 }), 3);
    const account = bakes[0].account;

    for (const bake of bakes) expect(bake.status).toBe('SUCCEEDED');
    const newest = bakes.slice(1).map((bake) => bake.manifest.artifacts[0]);
    expect(ownImages(account).map((image) => image.ImageId).sort()).toEqual(newest.map((artifact) => artifact.amiId).sort());
    expect(ownSnapshots(account).map((snapshot) => snapshot.SnapshotId).sort()).toEqual(newest.flatMap((artifact) => artifact.snapshotIds).sort());
    expect(bakes[2].manifest.retention).toEqual({
      deregistered: [bakes[0].manifest.artifacts[0].amiId],
      deletedSnapshots: bakes[0].manifest.artifacts[0].snapshotIds,
      deferredSnapshots: [],
      skipped: [],
      failed: [],
    });
    expect(account.leakedResources(0, [...newest.flatMap((artifact) => [artifact.amiId, ...artifact.snapshotIds])])
      .filter((id) => !id.startsWith('i-') && !id.startsWith('vol-'))).toEqual([]);
  });

  test('retention never touches an AMI the bakery did not make, even with a similar name', async () => {
    const [first] = await bakeInARow(retained({ keepLatest: 1 }), 1);
    const account = first.account;
    const run = account.invoke('ec2', 'RunInstances', { ImageId: first.manifest.sourceAmiId, InstanceType: 't3.small', MinCount: 1, MaxCount: 1 }) as any;
    const firstTwo = await bakeInARow(retained({ keepLatest: 1 }), 2, [first]);
    const { ImageId: manual } = account.invoke('ec2', 'CreateImage', { InstanceId: run.Instances[0].InstanceId, Name: 'web-20200101000000-manual' }) as any;

    const bakes = await bakeInARow(retained({ keepLatest: 1 }), 3, firstTwo);

    for (const bake of bakes) expect(bake.status).toBe('SUCCEEDED');
    expect(describeImage(account, manual)).toBeDefined();
    expect(ownImages(account).map((image) => image.ImageId).sort()).toEqual([manual, bakes[2].manifest.artifacts[0].amiId].sort());
  });

  test('deprecation time and deregistration protection are set, and retention skips protected AMIs and says so', async () => {
    const bakes = await bakeInARow(retained({ keepLatest: 1 }, { deprecateAfterDays: 30, deregistrationProtection: true }), 2);

    const [first, second] = bakes.map((bake) => bake.manifest.artifacts[0].amiId);
    const image = describeImage(bakes[0].account, second);
    const deprecatedAfterDays = (Date.parse(image.DeprecationTime) - Date.parse(image.CreationDate)) / DAY;
    expect(deprecatedAfterDays).toBeGreaterThan(29.99);
    expect(deprecatedAfterDays).toBeLessThan(30.01);
    expect(image.DeregistrationProtection).toMatch(/^enabled/);
    expect(bakes[1].manifest.retention?.skipped).toEqual([{ imageId: first, reason: 'deregistration protection is on' }]);
    expect(describeImage(bakes[0].account, first).State).toBe('available');
  });

  test('a protected image of a bake that fails after distribution is still removed', async () => {
    const bake = await simulateBake({
      recipe: retained({ keepLatest: 1 }, { deregistrationProtection: true }),
      faults: ['lambda:finish:crash'],
      startTime: START,
    });

    expect(bake.status).toBe('FAILED');
    expect(ownImages(bake.account)).toEqual([]);
    expect(bake.manifest.leakedResources).toEqual([]);
  });

  test('with keepIfInUse, an AMI a running instance uses is kept', async () => {
    const [first] = await bakeInARow(retained({ keepLatest: 1 }), 1);
    const oldAmi = first.manifest.artifacts[0].amiId;
    first.account.invoke('ec2', 'RunInstances', { ImageId: oldAmi, InstanceType: 't3.small', MinCount: 1, MaxCount: 1 });

    const bakes = await bakeInARow(retained({ keepLatest: 1 }), 2, [first]);

    expect(bakes[1].manifest.retention?.skipped).toEqual([{ imageId: oldAmi, reason: expect.stringMatching(/^in use by instance i-/) }]);
    expect(describeImage(first.account, oldAmi).State).toBe('available');
  });
});
