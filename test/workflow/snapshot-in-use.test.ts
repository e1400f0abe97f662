/**
 * EC2 keeps a deregistered image's snapshots in use for a moment, and on a bad day for minutes
 * (`snapshot-in-use:<seconds>`). The runner waits out the moment; what stays in use longer is never left
 * silently: the bake says what is left, and the orphan sweeper removes it later.
 */
import { ownSnapshots } from './account-view';
import { recipe } from './recipes';
import { simulateBake, simulateSweep } from '../../local/simulate-bake';

const START = new Date('2030-03-01T06:00:00Z');
const HOUR = 3_600_000;
const tested = recipe({ tests: [{ shell: { name: 'smoke', commands: ['true'] } }] });

test('a failed test removes the image, and its snapshots once EC2 releases them: nothing leaks', async () => {
  const bake = await simulateBake({ recipe: tested, faults: ['test:1:fail'], startTime: START });

  expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'test' }, leakedResources: [] });
  expect(ownSnapshots(bake.account)).toEqual([]);
});

test('snapshots in use for ten minutes: the cleanup retries outlast them, and nothing is left', async () => {
  const bake = await simulateBake({ recipe: tested, faults: ['test:1:fail', 'snapshot-in-use:600'], startTime: START });

  expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'test' }, leakedResources: [] });
  expect(ownSnapshots(bake.account)).toEqual([]);
});

test('snapshots in use for two hours: the bake names them as left behind, and the next sweep removes them', async () => {
  const bake = await simulateBake({ recipe: tested, faults: ['test:1:fail', 'snapshot-in-use:7200'], startTime: START });
  const left = ownSnapshots(bake.account).map((snapshot) => snapshot.SnapshotId);

  expect(left.length).toBeGreaterThan(0);
  expect(bake.error?.name).toBe('CleanupFailed');
  expect(bake.manifest.error?.phase).toBe('test');
  expect(bake.manifest.leakedResources).toEqual(expect.arrayContaining(left));

  const sweep = await simulateSweep(bake.account, new Date(START.getTime() + 6 * HOUR));
  expect(sweep.deletedSnapshots).toEqual(expect.arrayContaining(left));
  expect(ownSnapshots(bake.account)).toEqual([]);
});

describe('an older image replaced or retired while EC2 keeps its snapshots in use for ten minutes', () => {
  const DAY = 24 * HOUR;
  const fixedName = recipe({ ami: { name: 'web-fixed', forceDeregister: true } });
  const retained = recipe({ ami: { name: 'web-{{timestamp}}' }, retention: { keepLatest: 1 } });

  /** Bakes the recipe twice, a day apart, in one account whose snapshots stay in use ten minutes after deregistration. */
  async function twoBakes(document: Record<string, unknown>) {
    const first = await simulateBake({ recipe: document, faults: ['snapshot-in-use:600'], startTime: START });
    const second = await simulateBake({ account: first.account, recipe: document, startTime: new Date(START.getTime() + DAY) });
    return { first: first.manifest.artifacts[0], second, account: first.account };
  }

  test('forceDeregister: the bake succeeds, names the snapshots it left, and the sweeper deletes them', async () => {
    const { first, second, account } = await twoBakes(fixedName);

    expect(second.status).toBe('SUCCEEDED');
    expect(second.manifest.replacedImage).toEqual({ imageId: first.amiId, deletedSnapshots: [], deferredSnapshots: first.snapshotIds });
    expect(ownSnapshots(account).map((snapshot) => snapshot.SnapshotId)).toEqual(expect.arrayContaining(first.snapshotIds));

    const sweep = await simulateSweep(account, new Date(START.getTime() + 2 * DAY));
    expect(sweep.deletedSnapshots.sort()).toEqual([...first.snapshotIds].sort());
    expect(ownSnapshots(account).map((snapshot) => snapshot.SnapshotId)).toEqual(second.manifest.artifacts[0].snapshotIds);
  });

  test('retention: the older image counts as deregistered, its snapshots as deferred, and the sweeper deletes them', async () => {
    const { first, second, account } = await twoBakes(retained);

    expect(second.status).toBe('SUCCEEDED');
    expect(second.manifest.retention).toEqual({
      deregistered: [first.amiId], deletedSnapshots: [], deferredSnapshots: first.snapshotIds, skipped: [], failed: [],
    });

    const sweep = await simulateSweep(account, new Date(START.getTime() + 2 * DAY));
    expect(sweep.deletedSnapshots.sort()).toEqual([...first.snapshotIds].sort());
    expect(ownSnapshots(account).map((snapshot) => snapshot.SnapshotId)).toEqual(second.manifest.artifacts[0].snapshotIds);
  });
});
