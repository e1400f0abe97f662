import { DescribeImagesCommand, EC2Client, Image } from '@aws-sdk/client-ec2';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, BUILD_ID, ENV, freezeTime, recipe, recipePolicy, registered, serveCatalog, setEnv, SOURCE_AMI, T0 } from './fixtures';
import { handler } from '../../lambda/prepare';
import { TAG_KEYS } from '../../lambda/shared/tags';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const s3Mock = mockClient(S3Client);

const sourceImage: Image = {
  ImageId: SOURCE_AMI,
  Name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250101',
  State: 'available',
  Architecture: 'x86_64',
  RootDeviceName: '/dev/sda1',
  CreationDate: '2025-01-01T00:00:00.000Z',
};

/** EC2 knows the source image by id, and no image of this account has the AMI name. */
function givenSourceImageAndFreeName(): void {
  ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({ Images: [sourceImage] });
  ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: [] });
}

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  s3Mock.reset();
  serveCatalog(s3Mock);
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('prepare', () => {
  test('an inline recipe becomes the build context with a rendered name, tags and the prepare phase', async () => {
    // GIVEN
    givenSourceImageAndFreeName();
    const document = recipe({ ami: { name: 'web-{{timestamp}}-{{date}}', tags: { team: 'platform' } }, instance: { tags: { cost: 'ci' } } });

    // WHEN
    const state = await handler({ input: registered(s3Mock, document), executionName: BUILD_ID });

    // THEN
    expect(state.phases).toEqual([{ name: 'prepare', startedAt: T0.toISOString() }]);
    expect(state.build).toMatchObject({
      buildId: BUILD_ID,
      bakeryId: ENV.BAKERY_ID,
      region: ENV.AWS_REGION,
      sourceAmiId: SOURCE_AMI,
      sourceImageName: sourceImage.Name,
      rootDeviceName: '/dev/sda1',
      architecture: 'x86_64',
      platform: 'linux',
      amiName: 'web-20250102030405-2025-01-02',
    });
    expect(state.build?.imageTags).toEqual({
      team: 'platform',
      [TAG_KEYS.bakery]: ENV.BAKERY_ID,
      [TAG_KEYS.buildId]: BUILD_ID,
      [TAG_KEYS.recipe]: 'web',
      [TAG_KEYS.sourceAmi]: SOURCE_AMI,
      [TAG_KEYS.recipeHash]: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(state.build?.runTags).toMatchObject({ cost: 'ci', [TAG_KEYS.buildId]: BUILD_ID, Name: expect.stringContaining(BUILD_ID) });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, {
      Owners: ['self'],
      Filters: [{ Name: 'name', Values: ['web-20250102030405-2025-01-02'] }],
    });
  });

  test('tag values and the description name facts of the build through placeholders', async () => {
    givenSourceImageAndFreeName();
    const document = recipe({
      ami: {
        description: 'web from {{sourceAmiName}}',
        tags: { SourceAMI: '{{sourceAmiId}}', Base: '{{sourceAmiName}}', Region: '{{region}}', Built: '{{date}} {{buildId}}' },
      },
    });

    const state = await handler({ input: registered(s3Mock, document), executionName: BUILD_ID });

    expect(state.build?.amiDescription).toBe(`web from ${sourceImage.Name}`);
    expect(state.build?.imageTags).toMatchObject({
      SourceAMI: SOURCE_AMI, Base: sourceImage.Name, Region: ENV.AWS_REGION, Built: `2025-01-02 ${BUILD_ID}`,
    });
    expect(state.build?.runTags).toMatchObject({ SourceAMI: SOURCE_AMI });
  });

  test('the default name template is {{recipe}}-{{timestamp}}', async () => {
    givenSourceImageAndFreeName();

    const state = await handler({ input: registered(s3Mock, recipe()), executionName: BUILD_ID });

    expect(state.build?.amiName).toBe('web-20250102030405');
  });

  test('an invalid document throws InvalidRecipe naming every bad field, before any EC2 call', async () => {
    // GIVEN
    const document = { schemaVersion: 1, name: 'web', source: {}, steps: [{ shell: { commands: [] } }, { reboot: {}, shell: { commands: ['x'] } }] };

    // WHEN
    const result = handler({ input: registered(s3Mock, document), executionName: BUILD_ID });

    // THEN
    await expect(result).rejects.toMatchObject({
      name: 'InvalidRecipe',
      message: [
        'source: missing: set exactly one of amiId, ssmParameter or filter',
        'steps[0].shell.commands: expected a non-empty array of strings',
        'steps[1]: a step has exactly one kind; this one has "shell" and "reboot"',
      ].join('\n'),
    });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  test('a registered recipe is read from the recipe catalog, with the overrides the app allows deep-merged', async () => {
    // GIVEN
    givenSourceImageAndFreeName();
    setEnv({ RECIPE_POLICY: recipePolicy(['instance.types']) });
    const document = recipe({ instance: { types: ['t3.small'], rootVolume: { sizeGiB: 16 } } });
    registered(s3Mock, document);

    // WHEN
    const state = await handler({ input: { recipeName: 'web', overrides: { instance: { types: ['m7i.large'] } } }, executionName: BUILD_ID });

    // THEN
    expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: ENV.RECIPE_CATALOG_BUCKET, Key: ENV.RECIPE_CATALOG_KEY });
    expect(state.build?.recipe.instance).toEqual({ types: ['m7i.large'], rootVolume: { sizeGiB: 16 } });
  });

  test('values known only at deploy time are put in place from the environment, a number as a number', async () => {
    // GIVEN: the staging bucket's name in a string, and a root volume size as the whole value
    givenSourceImageAndFreeName();
    const document = recipe({ description: 'files in ${cdk-ami-bakery:value:0}', instance: { rootVolume: { sizeGiB: '${cdk-ami-bakery:number:1}' as unknown as number } } });
    serveCatalog(s3Mock, {}, JSON.stringify({ catalogVersion: 1, recipes: { web: document } }));
    // CloudFormation renders every value as text, the number too.
    setEnv({ RECIPE_CATALOG_VALUES: JSON.stringify(['bakery-staging-"1"', '16']) });

    // WHEN
    const state = await handler({ input: { recipeName: 'web' }, executionName: BUILD_ID });

    // THEN
    expect(state.build?.recipe.description).toBe('files in bakery-staging-"1"');
    expect(state.build?.recipe.instance?.rootVolume).toEqual({ sizeGiB: 16 });
  });

  test('a catalog this runner cannot read fails with MissingConfiguration that says to deploy again', async () => {
    serveCatalog(s3Mock, {}, JSON.stringify({ catalogVersion: 2, recipes: {} }));

    await expect(handler({ input: { recipeName: 'web' }, executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'MissingConfiguration',
      message: expect.stringContaining('catalogVersion 2); deploy the bakery again'),
    });
  });

  test('a root volume smaller than the source image\'s root snapshot is refused, naming the field and the size it needs', async () => {
    // GIVEN
    ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({
      Images: [{ ...sourceImage, BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: 'snap-0123456789abcdef0', VolumeSize: 8 } }] }],
    });
    ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: [] });
    const small = recipe({ instance: { rootVolume: { sizeGiB: 4 } } });
    const enough = recipe({ instance: { rootVolume: { sizeGiB: 8 } } });

    // WHEN / THEN
    await expect(handler({ input: registered(s3Mock, small), executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'InvalidRecipe',
      message: expect.stringMatching(/instance\.rootVolume\.sizeGiB: 4 GiB is smaller than the source image's root snapshot snap-0123456789abcdef0 \(8 GiB\).*at least 8/),
    });
    const accepted = await handler({ input: registered(s3Mock, enough), executionName: BUILD_ID });
    expect(accepted.build?.sourceAmiId).toBe(SOURCE_AMI);
  });

  test('a copy to the bakery\'s own region is refused in Prepare, naming the entry, before the name is checked anywhere', async () => {
    // GIVEN
    givenSourceImageAndFreeName();
    const document = recipe({ distribution: { regions: ['us-west-2', ENV.AWS_REGION] } });

    // WHEN / THEN
    await expect(handler({ input: registered(s3Mock, document), executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'InvalidRecipe',
      message: expect.stringContaining(`distribution.regions[1]: ${ENV.AWS_REGION} is the bakery's own region, where the image is made; leave it out`),
    });
    expect(ec2Mock.commandCalls(DescribeImagesCommand, { Owners: ['self'] })).toHaveLength(0);
  });

  test('an unregistered recipe name throws RecipeNotFound naming the recipe, the registered ones and how to register one', async () => {
    serveCatalog(s3Mock, Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`r${String(index).padStart(2, '0')}`, recipe()])));

    const result = handler({ input: { recipeName: 'nope' }, executionName: BUILD_ID });

    await expect(result).rejects.toMatchObject({ name: 'RecipeNotFound' });
    await expect(result).rejects.toThrow('recipe "nope" is not registered in this bakery (registered: r00, r01, r02, r03, r04, r05, r06, r07, r08, r09 and 2 more). ' +
      'Add it to the AmiBakery construct in your CDK app with addRecipe() and deploy');
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  test('a bakery with no registered recipe says so', async () => {
    await expect(handler({ input: { recipeName: 'nope' }, executionName: BUILD_ID })).rejects.toThrow('not registered in this bakery (it has no registered recipes)');
  });

  test('an input without recipe or recipeName throws InvalidInput', async () => {
    await expect(handler({ input: { recipes: {} }, executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('got keys recipes'),
    });
  });

  test('a filter source picks the newest available image of the owners', async () => {
    // GIVEN
    const filter = { owners: ['099720109477'], name: 'ubuntu/images/*24.04*', architecture: 'x86_64' as const };
    ec2Mock.on(DescribeImagesCommand, { Owners: ['099720109477'] }).resolves({
      Images: [
        { ...sourceImage, ImageId: 'ami-00000000000000001', CreationDate: '2024-06-01T00:00:00.000Z' },
        { ...sourceImage, ImageId: 'ami-00000000000000003', CreationDate: '2025-01-01T00:00:00.000Z' },
        { ...sourceImage, ImageId: 'ami-00000000000000002', CreationDate: '2024-12-01T00:00:00.000Z' },
      ],
    });
    ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: [] });

    // WHEN
    const state = await handler({ input: registered(s3Mock, recipe({ source: { filter } })), executionName: BUILD_ID });

    // THEN
    expect(state.build?.sourceAmiId).toBe('ami-00000000000000003');
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, {
      Owners: ['099720109477'],
      Filters: [
        { Name: 'name', Values: ['ubuntu/images/*24.04*'] },
        { Name: 'architecture', Values: ['x86_64'] },
        { Name: 'state', Values: ['available'] },
      ],
    });
  });

  test('a filter that matches nothing throws SourceImageNotFound naming what was searched', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [] });
    const filter = { owners: ['amazon'], name: 'al2023-ami-*', architecture: 'arm64' as const };

    const result = handler({ input: registered(s3Mock, recipe({ source: { filter } })), executionName: BUILD_ID });

    await expect(result).rejects.toMatchObject({
      name: 'SourceImageNotFound',
      message: 'source.filter: no available image named "al2023-ami-*", architecture arm64 owned by amazon in eu-west-1',
    });
  });

  test('an SSM parameter source reads the AMI id from the parameter, then describes that image', async () => {
    givenSourceImageAndFreeName();
    const parameter = '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id';
    ssmMock.on(GetParameterCommand, { Name: parameter }).resolves({ Parameter: { Value: SOURCE_AMI } });

    const state = await handler({ input: registered(s3Mock, recipe({ source: { ssmParameter: parameter } })), executionName: BUILD_ID });

    expect(state.build?.sourceAmiId).toBe(SOURCE_AMI);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] });
  });

  test('a parameter that holds no AMI id fails without echoing its value, which may be a secret', async () => {
    const parameter = '/app/database/password';
    ssmMock.on(GetParameterCommand, { Name: parameter }).resolves({ Parameter: { Value: 'hunter2-s3cr3t' } });

    const input = registered(s3Mock, recipe({ source: { ssmParameter: parameter } }));

    const failure = await handler({ input, executionName: BUILD_ID }).catch((error) => error);

    expect(failure).toMatchObject({
      name: 'SourceImageNotFound',
      message: `source.ssmParameter ${parameter}: does not hold an AMI id (ami-...); name a parameter whose value is one`,
    });
    expect(JSON.stringify(failure)).not.toContain('hunter2');
  });

  test('an AMI id EC2 does not know throws SourceImageNotFound', async () => {
    ec2Mock.on(DescribeImagesCommand).rejects(awsError('InvalidAMIID.NotFound'));

    await expect(handler({ input: registered(s3Mock, recipe()), executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'SourceImageNotFound',
      message: expect.stringContaining(`image ${SOURCE_AMI} was not found in eu-west-1`),
    });
  });

  test('a Windows source image makes a Windows build, whose shell steps are refused before anything is launched', async () => {
    ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({ Images: [{ ...sourceImage, Platform: 'windows' as Image['Platform'] }] });
    ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: [] });

    const windows = await handler({ input: registered(s3Mock, recipe({ steps: [{ powershell: { commands: ['Get-Date'] } }] })), executionName: BUILD_ID });
    const refused = handler({ input: registered(s3Mock, recipe()), executionName: BUILD_ID });

    expect(windows.build?.platform).toBe('windows');
    await expect(refused).rejects.toMatchObject({
      name: 'InvalidRecipe',
      message: expect.stringContaining('steps[0].shell: the source image is Windows, and shell steps run on Linux; use a "powershell" step'),
    });
  });

  test.each([
    ['a macOS image', { Architecture: 'arm64_mac' }, 'is a macOS image (arm64_mac), which runs only on dedicated hosts'],
    ['a 32-bit image', { Architecture: 'i386' }, 'is a 32-bit image; bake from an x86_64 or arm64 image'],
    ['an instance-store image', { RootDeviceType: 'instance-store' }, 'is instance-store backed; bake from an EBS-backed image'],
  ])('%s throws UnsupportedSourceImage saying what to bake from', async (_what, image, message) => {
    ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({ Images: [{ ...sourceImage, ...image } as Image] });

    await expect(handler({ input: registered(s3Mock, recipe()), executionName: BUILD_ID }))
      .rejects.toMatchObject({ name: 'UnsupportedSourceImage', message: expect.stringContaining(message) });
  });

  test('a name already used by an image of the account throws AmiNameInUse', async () => {
    ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({ Images: [sourceImage] });
    ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: [{ ImageId: 'ami-0aaaaaaaaaaaaaaaa', Name: 'web-20250102030405' }] });

    await expect(handler({ input: registered(s3Mock, recipe()), executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'AmiNameInUse',
      message: expect.stringMatching(/"web-20250102030405" already exists .*ami-0aaaaaaaaaaaaaaaa.*forceDeregister/),
    });
  });

  test('a name in use by an image this bakery made is accepted when ami.forceDeregister is set', async () => {
    ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({ Images: [sourceImage] });
    ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({
      Images: [{
        ImageId: 'ami-0aaaaaaaaaaaaaaaa',
        Name: 'web-20250102030405',
        Tags: [{ Key: TAG_KEYS.bakery, Value: 'bakery-test' }, { Key: TAG_KEYS.recipe, Value: 'web' }],
      }],
    });

    const state = await handler({ input: registered(s3Mock, recipe({ ami: { forceDeregister: true } })), executionName: BUILD_ID });

    expect(state.build?.amiName).toBe('web-20250102030405');
  });

  test('ami.forceDeregister does not replace an image this bakery did not make', async () => {
    ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({ Images: [sourceImage] });
    ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: [{ ImageId: 'ami-0aaaaaaaaaaaaaaaa', Name: 'web-20250102030405' }] });

    await expect(handler({ input: registered(s3Mock, recipe({ ami: { forceDeregister: true } })), executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'AmiNameInUse',
      message: expect.stringContaining('this bakery did not make it'),
    });
  });

  test('a server-side AWS error becomes TransientAwsError, which the state machine retries', async () => {
    ec2Mock.on(DescribeImagesCommand).rejects(awsError('InternalError', 'We encountered an internal error', 'server'));

    await expect(handler({ input: registered(s3Mock, recipe()), executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'TransientAwsError',
      message: 'InternalError: We encountered an internal error',
    });
  });

  test('a missing environment variable throws MissingConfiguration naming it', async () => {
    givenSourceImageAndFreeName();
    delete process.env.BAKERY_ID;

    await expect(handler({ input: registered(s3Mock, recipe()), executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'MissingConfiguration',
      message: expect.stringContaining('BAKERY_ID'),
    });
  });
});
