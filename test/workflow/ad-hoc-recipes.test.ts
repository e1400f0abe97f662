/**
 * A bakery bakes what its app declared. Inline documents run only on a bakery that allows ad-hoc recipes, within
 * the bounds it declares; overrides only of the fields it allows. Everything refused fails in Prepare, naming the
 * field and the bound, with no EC2 call; ad-hoc images never mix with registered ones.
 */
import { describeImage, ec2Calls, ownImages, tagsOf } from './account-view';
import { recipe } from './recipes';
import { SimulatedBake, simulateBake, simulatedBakeryWith } from '../../local/simulate-bake';
import { prepareFunction } from '../../local/synthesized-bakery';
import { AdHocRecipes } from '../../src';

/** Refused in Prepare, as RecipeNotAllowed. */
function expectRefused(bake: SimulatedBake): void {
  expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'prepare' }, leakedResources: [] });
  expect(bake.error?.name).toBe('RecipeNotAllowed');
}

const START = new Date('2030-02-01T08:00:00Z');
const HOUR = 3_600_000;
const CANONICAL = '099720109477';
const AD_HOC_BAKERY = simulatedBakeryWith(() => ({
  adHocRecipes: AdHocRecipes.allow({ sourceImageOwners: [CANONICAL], copyRegions: ['eu-west-1'], parameterPrefix: '/images/ad-hoc/' }),
  allowOverrides: ['ami.description'],
}));

describe('by default, registered recipes only', () => {
  test('an inline recipe fails in Prepare with RecipeNotAllowed, saying how to allow it, and EC2 saw no call', async () => {
    const bake = await simulateBake({ input: { recipe: recipe() }, startTime: START });

    expectRefused(bake);
    expect(bake.manifest.error?.message).toContain('AdHocRecipes.allow(');
    expect(ec2Calls(bake.account)).toBe(0);
  });

  test('an override fails the same way, naming the field', async () => {
    const bake = await simulateBake({ recipe: recipe(), input: { recipeName: 'web', overrides: { distribution: { ssmParameter: '/images/prod/latest' } } } });

    expectRefused(bake);
    expect(bake.manifest.error?.message).toMatch(/^overrides\.distribution\.ssmParameter: this bakery lets bakes override no field/);
    expect(ec2Calls(bake.account)).toBe(0);
  });
});

describe('ad-hoc recipes within bounds', () => {
  test('a document within the bounds bakes; its image and snapshots carry the ad-hoc tag', async () => {
    const bake = await simulateBake({ bakery: AD_HOC_BAKERY, input: { recipe: recipe({ distribution: { ssmParameter: '/images/ad-hoc/web' } }) }, startTime: START });

    expect(bake.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    const image = describeImage(bake.account, bake.manifest.artifacts[0].amiId);
    expect(tagsOf(image)).toMatchObject({ 'cdk-ami-bakery:ad-hoc': 'true', 'cdk-ami-bakery:recipe': 'web' });
  });

  test.each([
    ['a copy region', { distribution: { regions: ['ap-south-1'] } }, /^distribution\.regions\[0\]: ap-south-1 is outside this bakery's bounds .*\(copyRegions: eu-west-1\)/],
    ['a parameter', { distribution: { ssmParameter: '/images/prod/latest' } }, /^distribution\.ssmParameter: \/images\/prod\/latest is outside .*\/images\/ad-hoc\//],
    ['a subnet', { instance: { subnetIds: ['subnet-0123456789abcdef0'] } }, /^instance\.subnetIds\[0\]: subnet-0123456789abcdef0 is outside .*bakery's own: none/],
    ['a week-long keep', { keepOnFailure: true, keepOnFailureHours: 168 }, /^keepOnFailureHours: 168 hours is longer .*\(maxKeepOnFailure: 24 hours\)/],
  ])('%s outside the bounds fails in Prepare, naming the bound, and EC2 saw no call', async (_what, fields, message) => {
    const bake = await simulateBake({ bakery: AD_HOC_BAKERY, input: { recipe: recipe(fields) }, startTime: START });

    expectRefused(bake);
    expect(bake.manifest.error?.message).toMatch(message);
    expect(ec2Calls(bake.account)).toBe(0);
  });

  test('an Amazon Linux source is outside owners that name only Canonical: refused once described, nothing launched', async () => {
    const amazonLinux = { ssmParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' };
    const bake = await simulateBake({ bakery: AD_HOC_BAKERY, input: { recipe: recipe({ source: amazonLinux }) }, startTime: START });

    expectRefused(bake);
    expect(bake.manifest.error?.message).toMatch(/^source: image ami-\w+ belongs to \d+ \(amazon\), outside .*\(sourceImageOwners: 099720109477\)/);
    expect(bake.account.callCount('RunInstances')).toBe(0);
  });

  test('a registered recipe\'s name is refused for an ad-hoc document', async () => {
    const registered = await simulateBake({ bakery: AD_HOC_BAKERY, recipe: recipe(), startTime: START });
    const adHoc = await simulateBake({
      bakery: AD_HOC_BAKERY, account: registered.account, input: { recipe: recipe() }, startTime: new Date(START.getTime() + HOUR),
    });

    expect(registered.status).toBe('SUCCEEDED');
    expectRefused(adHoc);
    expect(adHoc.manifest.error?.message).toContain('name: "web" is a registered recipe of this bakery');
  });

  test('retention of an ad-hoc recipe never removes the images a registered recipe of that name made before it was removed', async () => {
    const registered = await simulateBake({ bakery: AD_HOC_BAKERY, recipe: recipe(), startTime: START });
    const account = registered.account;
    // The app is deployed again without the recipe: the catalog no longer holds it.
    const { RECIPE_CATALOG_BUCKET: bucket, RECIPE_CATALOG_KEY: key } = prepareFunction(AD_HOC_BAKERY.functions).environment;
    const catalog = JSON.parse(account.objects(bucket).find((object) => object.key === key)!.body);
    delete catalog.recipes.web;
    account.deployObject(bucket, key, Buffer.from(JSON.stringify(catalog)));

    const later = (hours: number) => new Date(START.getTime() + hours * HOUR);
    const keepOne = { recipe: recipe({ retention: { keepLatest: 1 } }) };
    const first = await simulateBake({ bakery: AD_HOC_BAKERY, account, input: keepOne, startTime: later(1) });
    const second = await simulateBake({ bakery: AD_HOC_BAKERY, account, input: keepOne, startTime: later(2) });

    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const remaining = ownImages(account).map((image) => image.ImageId);
    expect(remaining).toContain(registered.manifest.artifacts[0].amiId);
    expect(remaining).not.toContain(first.manifest.artifacts[0].amiId);
    expect(remaining).toContain(second.manifest.artifacts[0].amiId);
  });
});

test('an allowed override changes that field of a registered recipe', async () => {
  const bake = await simulateBake({
    bakery: AD_HOC_BAKERY, recipe: recipe(), input: { recipeName: 'web', overrides: { ami: { description: 'patched tonight' } } }, startTime: START,
  });

  expect(bake.status).toBe('SUCCEEDED');
  expect(describeImage(bake.account, bake.manifest.artifacts[0].amiId).Description).toBe('patched tonight');
  expect(tagsOf(describeImage(bake.account, bake.manifest.artifacts[0].amiId))['cdk-ami-bakery:ad-hoc']).toBeUndefined();
});
