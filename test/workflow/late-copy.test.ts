/**
 * A copy that starts late: one region's copy fails at once while the other region's CopyImage is throttled, so its
 * retry runs while the failure cleanup is already removing the bake. The cleanup deregisters the bakery's own image
 * before it looks in the copy regions, so the late copy is either found there or refused by EC2 (its source is gone).
 */
import { recipe } from './recipes';
import { simulateBake } from '../../local/simulate-bake';

const START = new Date('2030-05-04T03:00:00Z');
const REGIONS = ['eu-west-1', 'ap-southeast-2'];

test('a copy started after another copy failed leaves nothing behind, without the orphan sweeper', async () => {
  const bake = await simulateBake({
    recipe: recipe({ distribution: { regions: REGIONS, ssmParameter: '/images/web/latest' } }),
    faults: ['api:CopyImage:error:1', 'api:CopyImage:throttle:2'],
    startTime: START,
  });

  expect(bake.status).toBe('FAILED');
  expect(bake.manifest.error).toMatchObject({ phase: 'distribute' });
  // The branch whose CopyImage was throttled tried again, whichever region met the hard error first.
  const copyCalls = REGIONS.map((region) => bake.account.calls.filter((call) => call.operation === 'CopyImage' && call.region === region).length);
  expect(Math.max(...copyCalls)).toBeGreaterThan(1);
  for (const region of ['us-east-1', ...REGIONS]) {
    expect((bake.account.invoke('ec2', 'DescribeImages', { Owners: ['self'] }, region) as any).Images).toEqual([]);
  }
  expect(bake.manifest.leakedResources).toEqual([]);
});
