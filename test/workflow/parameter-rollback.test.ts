/**
 * A bake that fails after it pointed `distribution.ssmParameter` at its images never leaves the parameter
 * pointing at an image it removed: the parameter gets back the newest earlier image that still exists, or is
 * deleted; a parameter that cannot be put back keeps the image it names, and both are reported as leaks.
 */
import { recipe } from './recipes';
import { SimulatedAccount } from '../../local/model';
import { simulateBake, simulateSweep } from '../../local/simulate-bake';

const DAY = 86_400_000;
const START = new Date('2030-05-04T03:00:00Z');
const NAME = '/images/web/latest';
const REGIONS = ['us-east-1', 'eu-west-1'];

const published = (more: Record<string, unknown> = {}) =>
  recipe({ distribution: { regions: ['eu-west-1'], ssmParameter: NAME }, ami: { name: 'web-{{timestamp}}' }, ...more });

function parameterIn(account: SimulatedAccount, region: string): string | undefined {
  try {
    return (account.invoke('ssm', 'GetParameter', { Name: NAME }, region) as any).Parameter.Value;
  } catch {
    return undefined;
  }
}

function isRegistered(account: SimulatedAccount, imageId: string, region: string): boolean {
  const { Images } = account.invoke('ec2', 'DescribeImages', { Owners: ['self'] }, region) as any;
  return Images.some((image: any) => image.ImageId === imageId);
}

/** One good bake, then the account again with these faults for the next one, a day later. */
async function afterOneGoodBake(document: Record<string, unknown>, faults: string[]) {
  const good = await simulateBake({ recipe: document, startTime: START });
  expect(good.status).toBe('SUCCEEDED');
  const account = SimulatedAccount.fromState(good.account.toState(), { faults });
  const failed = await simulateBake({ account, recipe: document, startTime: new Date(START.getTime() + DAY) });
  return { good, failed, account };
}

describe('a bake that fails after it set the parameter', () => {
  test('puts back the earlier image in every region when it still exists', async () => {
    const { good, failed, account } = await afterOneGoodBake(published(), ['lambda:finish:crash']);

    expect(failed.status).toBe('FAILED');
    for (const artifact of good.manifest.artifacts) expect(parameterIn(account, artifact.region)).toBe(artifact.amiId);
    expect(failed.manifest.leakedResources).toEqual([]);
  });

  test('deletes the parameter when no earlier image is left (retention removed it before the bake failed)', async () => {
    const { failed, account } = await afterOneGoodBake(published({ retention: { keepLatest: 1 } }), ['lambda:finish:crash']);

    expect(failed.status).toBe('FAILED');
    for (const region of REGIONS) expect(parameterIn(account, region)).toBeUndefined();
    expect(failed.manifest.leakedResources).toEqual([]);
  });

  test('deletes the parameter it created', async () => {
    const failed = await simulateBake({ recipe: published(), faults: ['lambda:finish:crash'], startTime: START });

    expect(failed.status).toBe('FAILED');
    for (const region of REGIONS) expect(parameterIn(failed.account, region)).toBeUndefined();
    expect(failed.manifest.leakedResources).toEqual([]);
  });

  test('a parameter that cannot be put back keeps the image it names, and both are reported as leaks', async () => {
    const failed = await simulateBake({
      recipe: published(), faults: ['lambda:finish:crash', 'api:DeleteParameter:error'], startTime: START,
    });

    expect(failed.status).toBe('FAILED');
    for (const region of REGIONS) {
      const imageId = parameterIn(failed.account, region)!;
      expect(isRegistered(failed.account, imageId, region)).toBe(true);
      expect(failed.manifest.leakedResources).toEqual(expect.arrayContaining([imageId, `parameter:${region}:${NAME}`]));
      expect(failed.error?.cause).toContain(`parameter ${NAME} in ${region}`);
    }
    expect(failed.error?.name).toBe('CleanupFailed');
  });

  test('the next orphan sweep puts back such a parameter before it removes the image, leaving nothing', async () => {
    const failed = await simulateBake({
      recipe: published(), faults: ['lambda:distribute:crash', 'api:DeleteParameter:error'], startTime: START,
    });
    const kept = REGIONS.map((region) => ({ region, imageId: parameterIn(failed.account, region)! }));
    const account = SimulatedAccount.fromState(failed.account.toState(), { faults: [] });

    const sweep = await simulateSweep(account, new Date(START.getTime() + DAY));

    expect(sweep.deregistered.sort()).toEqual(kept.map(({ imageId }) => imageId).sort());
    for (const { region, imageId } of kept) {
      expect(isRegistered(account, imageId, region)).toBe(false);
      expect(parameterIn(account, region)).toBeUndefined();
    }
    expect(account.leakedResources(START.getTime(), []).filter((id) => !id.startsWith('i-') && !id.startsWith('vol-'))).toEqual([]);
  });

  test('a Distribute that wrote the parameters and then crashed: the cleanup failure still names each parameter left', async () => {
    const failed = await simulateBake({
      recipe: published(), faults: ['lambda:distribute:crash', 'api:DeleteParameter:error'], startTime: START,
    });

    expect(failed.error?.name).toBe('CleanupFailed');
    expect(failed.manifest.error?.phase).toBe('distribute');
    for (const region of REGIONS) {
      expect(parameterIn(failed.account, region)).toBeDefined();
      expect(failed.error?.cause).toContain(`parameter ${NAME} in ${region}`);
      expect(failed.manifest.leakedResources).toEqual(expect.arrayContaining([`parameter:${region}:${NAME}`]));
    }
  });
});

describe('a bake that replaced the older image of the same name (ami.forceDeregister) and then failed', () => {
  const fixedName = published({ ami: { name: 'web-fixed', forceDeregister: true } });

  test('deletes the parameter that named the replaced image where no earlier image is left, and leaves the others', async () => {
    const { good, failed, account } = await afterOneGoodBake(fixedName, ['image:fail']);
    const [home, copy] = good.manifest.artifacts;

    expect(failed.status).toBe('FAILED');
    expect(failed.manifest.error?.phase).toBe('create-image');
    expect(isRegistered(account, home.amiId, home.region)).toBe(false);
    expect(parameterIn(account, home.region)).toBeUndefined();
    expect(parameterIn(account, copy.region)).toBe(copy.amiId);
    expect(isRegistered(account, copy.amiId, copy.region)).toBe(true);
    expect(failed.manifest.leakedResources).toEqual([]);
  });

  test('puts back the newest earlier image that still exists', async () => {
    const { failed: earlier, account } = await afterOneGoodBake(published(), []);
    const newestLeft = earlier.manifest.artifacts[0];
    const replaced = await simulateBake({ account, recipe: fixedName, startTime: new Date(START.getTime() + 2 * DAY) });
    expect(replaced.status).toBe('SUCCEEDED');
    const failing = SimulatedAccount.fromState(account.toState(), { faults: ['image:fail'] });
    const failed = await simulateBake({ account: failing, recipe: fixedName, startTime: new Date(START.getTime() + 3 * DAY) });

    expect(failed.status).toBe('FAILED');
    expect(isRegistered(failing, replaced.manifest.artifacts[0].amiId, newestLeft.region)).toBe(false);
    expect(parameterIn(failing, newestLeft.region)).toBe(newestLeft.amiId);
    expect(failed.manifest.leakedResources).toEqual([]);
  });
});
