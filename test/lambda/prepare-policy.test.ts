/**
 * What a bake's input may ask for beyond a registered recipe: nothing by default; overrides of the fields the app
 * allows; ad-hoc documents only within the bounds the app declares. Everything refused is refused by Prepare,
 * naming the field and the bound, before any EC2 call.
 */
import { DescribeImagesCommand, EC2Client, Image } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, BUILD_ID, freezeTime, recipe, recipePolicy, registered, serveCatalog, setEnv, SOURCE_AMI } from './fixtures';
import { handler } from '../../lambda/prepare';
import type { RecipeDocument } from '../../lambda/shared/recipe-schema';
import { TAG_KEYS } from '../../lambda/shared/tags';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const s3Mock = mockClient(S3Client);
const ACCOUNT = '111122223333';
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ROLE = 'arn:aws:iam::444455556666:role/ami-parameter-writer';
/** The bakery's own subnet and security group. */
const NETWORK = { SUBNET_IDS: 'subnet-0aaaaaaaaaaaaaaaa', SECURITY_GROUP_IDS: 'sg-0aaaaaaaaaaaaaaaa' };

const ownImage: Image = {
  ImageId: SOURCE_AMI, Name: 'golden-base', State: 'available', Architecture: 'x86_64', RootDeviceName: '/dev/xvda', OwnerId: ACCOUNT,
};

function givenSourceImage(image: Image = ownImage, sameNamed: Image[] = []): void {
  ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({ Images: [image] });
  ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: sameNamed });
}

/** No recipe of this name is registered. */
function givenNotRegistered(): void {
  serveCatalog(s3Mock);
}

async function refusal(input: unknown): Promise<Error> {
  return handler({ input, executionName: BUILD_ID }).then(() => { throw new Error('Prepare accepted the input'); }, (error: Error) => error);
}

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  s3Mock.reset();
  serveCatalog(s3Mock);
  setEnv(NETWORK);
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('by default: registered recipes only', () => {
  test('an inline recipe is refused, saying how to start a registered one and how to allow ad-hoc ones, with no AWS call', async () => {
    const error = await refusal({ recipe: recipe() });

    expect(error).toMatchObject({ name: 'RecipeNotAllowed' });
    expect(error.message).toContain('{"recipeName": "<name>"}');
    expect(error.message).toContain('adHocRecipes: AdHocRecipes.allow(');
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(ssmMock.calls()).toHaveLength(0);
  });

  test('overrides are refused, each path named, before the registered recipe is even read', async () => {
    const input = { recipeName: 'web', overrides: { distribution: { ssmParameter: '/images/prod/latest' }, ami: { description: 'x' } } };

    const error = await refusal(input);

    expect(error).toMatchObject({
      name: 'RecipeNotAllowed',
      message: 'overrides.distribution.ssmParameter, overrides.ami.description: this bakery lets bakes override no field ' +
        '(AmiBakery allowOverrides in the CDK app); leave the override out, or allow the field there',
    });
    expect(ssmMock.calls()).toHaveLength(0);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  test('an allowed field may be overridden; a field beside it may not', async () => {
    setEnv({ RECIPE_POLICY: recipePolicy(['ami.description', 'ami.tags']) });
    givenSourceImage();
    const input = registered(s3Mock, recipe(), { overrides: { ami: { description: 'nightly', tags: { Team: 'web' } } } });

    const state = await handler({ input, executionName: BUILD_ID });
    const error = await refusal(registered(s3Mock, recipe(), { overrides: { ami: { description: 'nightly', forceDeregister: true } } }));

    expect(state.build).toMatchObject({ amiDescription: 'nightly', imageTags: { Team: 'web' } });
    expect(state.build?.imageTags[TAG_KEYS.adHoc]).toBeUndefined();
    expect(error.message).toMatch(/^overrides\.ami\.forceDeregister: this bakery lets bakes override only ami\.description, ami\.tags/);
  });
});

describe('ad-hoc recipes within bounds', () => {
  const bounds = {
    copyRegions: ['eu-central-1'],
    sharing: { accounts: ['444455556666'], organizationArns: [], organizationalUnitArns: [], allowPublic: false },
    parameterPrefix: '/images/ad-hoc/',
    parameterRoles: [ROLE],
    maxKeepOnFailureHours: 4,
  };

  beforeEach(() => setEnv({ ...NETWORK, RECIPE_POLICY: recipePolicy([], bounds) }));

  test('a document within every bound bakes, and its resources carry the ad-hoc tag', async () => {
    givenSourceImage();
    givenNotRegistered();
    ssmMock.on(GetParameterCommand, { Name: '/images/ad-hoc/web' }).rejects(awsError('ParameterNotFound'));
    const document = recipe({
      ami: { kmsKeyId: KEY },
      distribution: {
        regions: ['eu-central-1'], kmsKeyIds: { 'eu-central-1': KEY.replace('eu-west-1', 'eu-central-1') }, sharing: { accounts: ['444455556666'] }, ssmParameter: '/images/ad-hoc/web', ssmParameterRoles: [ROLE],
      },
      instance: { subnetIds: ['subnet-0aaaaaaaaaaaaaaaa'], securityGroupIds: ['sg-0aaaaaaaaaaaaaaaa'] },
      keepOnFailure: true,
      keepOnFailureHours: 4,
    });

    const state = await handler({ input: { recipe: document }, executionName: BUILD_ID });

    expect(state.build).toMatchObject({ adHoc: true, imageTags: { [TAG_KEYS.adHoc]: 'true' }, runTags: { [TAG_KEYS.adHoc]: 'true' } });
  });

  const outside: [string, Partial<RecipeDocument>, string][] = [
    ['a copy region', { distribution: { regions: ['ap-south-1'] } },
      'distribution.regions[0]: ap-south-1 is outside this bakery\'s bounds for ad-hoc recipes (copyRegions: eu-central-1)'],
    ['a sharing account', { ami: { kmsKeyId: KEY }, distribution: { sharing: { accounts: ['999988887777'] } } },
      'distribution.sharing.accounts[0]: 999988887777 is outside this bakery\'s bounds for ad-hoc recipes (shareWithAccounts: 444455556666)'],
    ['an organization', { ami: { kmsKeyId: KEY }, distribution: { sharing: { organizationArns: ['arn:aws:organizations::999988887777:organization/o-abcdefghij'] } } },
      'distribution.sharing.organizationArns[0]: arn:aws:organizations::999988887777:organization/o-abcdefghij is outside this bakery\'s bounds ' +
      'for ad-hoc recipes (shareWithOrganizationArns: none)'],
    ['public sharing', { ami: { encrypted: false }, distribution: { sharing: { public: true, allowPublic: true } } },
      'distribution.sharing.public: this bakery does not let ad-hoc recipes make images public (allowPublic)'],
    ['a parameter outside the prefix', { distribution: { ssmParameter: '/images/prod/latest' } },
      'distribution.ssmParameter: /images/prod/latest is outside this bakery\'s bounds for ad-hoc recipes, which may write parameters under ' +
      '/images/ad-hoc/ (parameterPrefix)'],
    ['a role', {
      ami: { kmsKeyId: KEY },
      distribution: { sharing: { accounts: ['444455556666'] }, ssmParameter: '/images/ad-hoc/web', ssmParameterRoles: ['arn:aws:iam::444455556666:role/admin'] },
    },
    `distribution.ssmParameterRoles[0]: arn:aws:iam::444455556666:role/admin is outside this bakery's bounds for ad-hoc recipes (parameterRoles: ${ROLE})`],
    ['a subnet', { instance: { subnetIds: ['subnet-0bbbbbbbbbbbbbbbb'] } },
      'instance.subnetIds[0]: subnet-0bbbbbbbbbbbbbbbb is outside this bakery\'s bounds for ad-hoc recipes (subnets, by default the bakery\'s own: ' +
      'subnet-0aaaaaaaaaaaaaaaa)'],
    ['a security group', { instance: { securityGroupIds: ['sg-0bbbbbbbbbbbbbbbb'] } },
      'instance.securityGroupIds[0]: sg-0bbbbbbbbbbbbbbbb is outside this bakery\'s bounds for ad-hoc recipes (securityGroups, by default the ' +
      'bakery\'s own: sg-0aaaaaaaaaaaaaaaa)'],
    ['a long keep', { keepOnFailure: true, keepOnFailureHours: 168 },
      'keepOnFailureHours: 168 hours is longer than this bakery lets ad-hoc recipes keep a failed build\'s instance (maxKeepOnFailure: 4 hours); set keepOnFailureHours to at most 4, or'],
    ['the default keep, past the bound', { keepOnFailure: true },
      'keepOnFailure: 24 hours is longer than this bakery lets ad-hoc recipes keep a failed build\'s instance (maxKeepOnFailure: 4 hours); set keepOnFailureHours to at most 4, or'],
    ['a source parameter of the account', { source: { ssmParameter: '/app/database/password' } },
      'source.ssmParameter: /app/database/password is outside this bakery\'s bounds for ad-hoc recipes, which may name parameters under ' +
      '/aws/service/ or /images/ad-hoc/ (parameterPrefix)'],
    ['a filter owner', { source: { filter: { owners: ['999988887777'], name: 'exfil-*' } } },
      'source.filter.owners[0]: "999988887777" is outside this bakery\'s bounds for ad-hoc recipes (sourceImageOwners: self, amazon)'],
  ];

  test.each(outside)('%s outside the bounds is refused, naming the field and the bound, with no EC2 call', async (_what, fields, problem) => {
    const error = await refusal({ recipe: recipe(fields) });

    expect(error).toMatchObject({ name: 'RecipeNotAllowed' });
    const fix = 'register the recipe with addRecipe(), or widen AdHocRecipes.allow() in the CDK app';
    expect(error.message).toBe(problem.endsWith(', or') ? `${problem} ${fix}` : `${problem}; ${fix}`);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  test('every problem is listed at once', async () => {
    const error = await refusal({ recipe: recipe({ distribution: { regions: ['ap-south-1'], ssmParameter: '/images/prod/latest' } }) });

    expect(error.message.split('\n')).toHaveLength(2);
  });

  test('overrides of an ad-hoc document are checked with it, against the bounds', async () => {
    const error = await refusal({ recipe: recipe(), overrides: { distribution: { regions: ['ap-south-1'] } } });

    expect(error.message).toMatch(/^distribution\.regions\[0\]: ap-south-1 is outside/);
  });

  test('the name of a registered recipe is refused, and nothing is launched', async () => {
    registered(s3Mock, recipe());

    const error = await refusal({ recipe: recipe() });

    expect(error).toMatchObject({
      name: 'RecipeNotAllowed',
      message: 'name: "web" is a registered recipe of this bakery; start it with {"recipeName": "web"}, or give the ad-hoc recipe another name',
    });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  test('an image of an owner outside sourceImageOwners is refused once described, before anything else', async () => {
    givenSourceImage({ ...ownImage, OwnerId: '999988887777' });
    givenNotRegistered();

    const error = await refusal({ recipe: recipe() });

    expect(error).toMatchObject({
      name: 'RecipeNotAllowed',
      message: `source: image ${SOURCE_AMI} belongs to 999988887777, outside this bakery's bounds for ad-hoc recipes (sourceImageOwners: self, amazon); ` +
        'register the recipe with addRecipe(), or widen AdHocRecipes.allow() in the CDK app',
    });
    expect(ec2Mock.calls()).toHaveLength(1);
  });

  test('an Amazon image is within the default owners by its alias', async () => {
    givenSourceImage({ ...ownImage, OwnerId: '137112412989', ImageOwnerAlias: 'amazon' });
    givenNotRegistered();

    await expect(handler({ input: { recipe: recipe() }, executionName: BUILD_ID })).resolves.toMatchObject({ build: { sourceAmiId: SOURCE_AMI } });
  });
});

describe('forceDeregister replaces only an image of the same recipe and kind, made by this bakery', () => {
  const named = (tags: Record<string, string>): Image => ({
    ImageId: 'ami-0aaaaaaaaaaaaaaaa', Name: 'web-20250102030405', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  });
  const registeredImage = { [TAG_KEYS.bakery]: 'bakery-test', [TAG_KEYS.recipe]: 'web' };

  test('an ad-hoc recipe cannot replace a registered recipe\'s image of that name', async () => {
    setEnv({ RECIPE_POLICY: recipePolicy([], {}) });
    givenSourceImage(ownImage, [named(registeredImage)]);
    givenNotRegistered();

    const error = await refusal({ recipe: recipe({ ami: { forceDeregister: true } }) });

    expect(error).toMatchObject({ name: 'AmiNameInUse' });
    expect(error.message).toContain('this bakery did not make it for ad-hoc recipe "web"');
  });

  test('a registered recipe cannot replace an ad-hoc image, nor another recipe\'s', async () => {
    givenSourceImage(ownImage, [named({ ...registeredImage, [TAG_KEYS.adHoc]: 'true' })]);
    const adHocImage = await refusal(registered(s3Mock, recipe({ ami: { forceDeregister: true } })));
    givenSourceImage(ownImage, [named({ ...registeredImage, [TAG_KEYS.recipe]: 'api' })]);
    const otherRecipe = await refusal(registered(s3Mock, recipe({ ami: { forceDeregister: true } })));

    expect(adHocImage).toMatchObject({ name: 'AmiNameInUse' });
    expect(otherRecipe).toMatchObject({ name: 'AmiNameInUse' });
  });
});
