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
