import { recipe, UBUNTU_NOBLE_PARAMETER } from './recipes';
import { SimulatedAccount } from '../../local/model';
import { simulateBake } from '../../local/simulate-bake';

const DAY = 86_400_000;
const START = new Date('2030-05-04T03:00:00Z');

const patched = (overrides: Record<string, unknown> = {}) => recipe({ rebuild: 'whenSourceChanges', ...overrides });

/** Bakes each document in turn, a day apart (after the account's latest bake), on one account. */
async function bakeInTurn(account: SimulatedAccount, ...documents: Record<string, unknown>[]) {
  const bakes = [];
  for (const document of documents) {
    const startTime = new Date(Math.max(START.getTime(), account.now() + DAY));
    bakes.push(await simulateBake({ account, recipe: document, startTime }));
  }
  return bakes;
}

/** Another Ubuntu 24.04 image of the catalog than the one the public parameter names now: "a new release". */
function anotherUbuntuRelease(account: SimulatedAccount, current: string): string {
  const { Images } = account.invoke('ec2', 'DescribeImages', {
    Owners: ['099720109477'], Filters: [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*'] }],
  }) as { Images: { ImageId: string }[] };
  return Images.map((image) => image.ImageId).find((id) => id !== current)!;
}

describe('rebuild: whenSourceChanges', () => {
  test('a second bake from the same source and recipe is SKIPPED, launches nothing, and names the current image', async () => {
    const account = new SimulatedAccount();
    const [first, second] = await bakeInTurn(account, patched(), patched());

    expect(first.manifest.status).toBe('SUCCEEDED');
    expect(second.status).toBe('SUCCEEDED');
    expect(second.manifest).toMatchObject({
      status: 'SKIPPED',
      sourceAmiId: first.manifest.sourceAmiId,
      artifacts: [{ amiId: first.manifest.artifacts[0].amiId }],
      skippedBecause: expect.stringContaining('same source image'),
    });
    expect(account.callCount('RunInstances')).toBe(1);
    expect(account.callCount('CreateImage')).toBe(1);
  });

  test('a new source image bakes again', async () => {
    const account = new SimulatedAccount();
    const [first] = await bakeInTurn(account, patched());
    account.putParameter(UBUNTU_NOBLE_PARAMETER, anotherUbuntuRelease(account, first.manifest.sourceAmiId!), { dataType: 'aws:ec2:image' });

    const [second] = await bakeInTurn(account, patched());

    expect(second.manifest.status).toBe('SUCCEEDED');
    expect(second.manifest.sourceAmiId).not.toBe(first.manifest.sourceAmiId);
    expect(account.callCount('RunInstances')).toBe(2);
  });

  test('a changed recipe bakes again, even from the same source; reordering its keys does not count as a change', async () => {
    const account = new SimulatedAccount();
    const reordered = Object.fromEntries(Object.entries(patched()).reverse());
    const changed = patched({ ami: { name: 'web-{{timestamp}}', tags: { team: 'platform', patched: 'yes' } } });

    const bakes = await bakeInTurn(account, patched(), reordered, changed);

    expect(bakes.map((bake) => bake.manifest.status)).toEqual(['SUCCEEDED', 'SKIPPED', 'SUCCEEDED']);
    expect(account.callCount('RunInstances')).toBe(2);
  });

  test('with rebuild "always" (the default) every bake makes an image', async () => {
    const account = new SimulatedAccount();
    const bakes = await bakeInTurn(account, recipe(), recipe());

    expect(bakes.map((bake) => bake.manifest.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
