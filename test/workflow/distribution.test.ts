import { Bucket } from 'aws-cdk-lib/aws-s3';
import { tagsOf } from './account-view';
import { recipe } from './recipes';
import { TAG_KEYS } from '../../lambda/shared/tags';
import { SimulatedAccount } from '../../local/model';
import { simulateBake } from '../../local/simulate-bake';

const DAY = 86_400_000;
const START = new Date('2030-05-04T03:00:00Z');
const HOME = 'us-east-1';
const PEER = '222233334444';
const OU_ARN = 'arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-ab12-cdef3456';
const key = (region: string) => `arn:aws:kms:${region}:123456789012:key/0a1b2c3d-${region.replace(/-/g, '')}`;

type Bake = Awaited<ReturnType<typeof simulateBake>>;

const distributed = (distribution: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  recipe({ distribution, ...more });

/** Bakes the recipe `count` times, a day apart, on one account (made by `account` for the first bake, when given). */
async function bakeInARow(document: Record<string, unknown>, count: number, options: { faults?: string[]; account?: SimulatedAccount } = {}) {
  const bakes: Bake[] = [];
  while (bakes.length < count) {
    const startTime = new Date(START.getTime() + bakes.length * DAY);
    bakes.push(await simulateBake({ account: bakes[0]?.account ?? options.account, faults: options.faults, recipe: document, startTime }));
  }
  return bakes;
}

function imagesIn(account: SimulatedAccount, region: string): any[] {
  return (account.invoke('ec2', 'DescribeImages', { Owners: ['self'] }, region) as any).Images;
}

function snapshotsIn(account: SimulatedAccount, region: string): any[] {
  return (account.invoke('ec2', 'DescribeSnapshots', { OwnerIds: ['self'] }, region) as any).Snapshots;
}

function parameterIn(account: SimulatedAccount, name: string, region: string): string | undefined {
  try {
    return (account.invoke('ssm', 'GetParameter', { Name: name }, region) as any).Parameter.Value;
  } catch {
    return undefined;
  }
}

describe('copies to other regions', () => {
  test('one artifact per region, each copy available, encrypted with its region\'s key and tagged like the original', async () => {
    const [bake] = await bakeInARow(distributed(
      { regions: ['eu-west-1', 'ap-southeast-2'], kmsKeyIds: { 'ap-southeast-2': key('ap-southeast-2') } },
    ), 1);

    expect(bake.status).toBe('SUCCEEDED');
    expect(bake.manifest.artifacts.map((artifact) => artifact.region)).toEqual([HOME, 'eu-west-1', 'ap-southeast-2']);
    expect(bake.manifest.leakedResources).toEqual([]);
    for (const artifact of bake.manifest.artifacts.slice(1)) {
      const [image] = imagesIn(bake.account, artifact.region);
      expect(image).toMatchObject({ ImageId: artifact.amiId, State: 'available', Name: artifact.name, ImdsSupport: 'v2.0' });
      expect(tagsOf(image)).toMatchObject({ [TAG_KEYS.buildId]: bake.executionName, [TAG_KEYS.artifact]: 'true', team: 'platform' });
      expect(artifact.copySeconds).toBeGreaterThan(0);
      const snapshots = snapshotsIn(bake.account, artifact.region);
      expect(snapshots.map((snapshot) => snapshot.SnapshotId)).toEqual(artifact.snapshotIds);
      expect(snapshots.every((snapshot) => snapshot.Encrypted && tagsOf(snapshot)[TAG_KEYS.buildId] === bake.executionName)).toBe(true);
    }
    expect(snapshotsIn(bake.account, 'ap-southeast-2')[0].KmsKeyId).toBe(key('ap-southeast-2'));
    expect(bake.account.callCount({ operation: 'CopyImage' })).toBe(2);
  });

  test('a copy to 3 regions where one fails: the bake fails and every copy and its snapshots are removed', async () => {
    const [bake] = await bakeInARow(distributed({ regions: ['eu-west-1', 'eu-central-1', 'ap-southeast-2'] }), 1,
      { faults: ['copy:eu-central-1:fail'] });

    expect(bake.status).toBe('FAILED');
    expect(bake.manifest.error).toMatchObject({ phase: 'distribute', message: expect.stringContaining('to eu-central-1') });
    expect(bake.account.callCount({ operation: 'CopyImage' })).toBe(3);
    for (const region of [HOME, 'eu-west-1', 'eu-central-1', 'ap-southeast-2']) {
      expect(imagesIn(bake.account, region)).toEqual([]);
      expect(snapshotsIn(bake.account, region)).toEqual([]);
    }
    expect(bake.manifest.leakedResources).toEqual([]);
  });

  test('a bake stopped while it waits for its copies leaves nothing in any region', async () => {
    const bake = await simulateBake({
      recipe: distributed({ regions: ['eu-west-1', 'ap-southeast-2'] }),
      abortAtState: 'Wait for copy',
      startTime: START,
    });

    expect(bake.status).toBe('ABORTED');
    for (const region of [HOME, 'eu-west-1', 'ap-southeast-2']) expect(snapshotsIn(bake.account, region)).toEqual([]);
    expect(bake.manifest.leakedResources.filter((id) => !id.startsWith('i-') && !id.startsWith('vol-'))).toEqual([]);
  });

  test('a fixed name with forceDeregister replaces the older image in every region; without it, the clash is refused in Prepare', async () => {
    const fixed = (force: boolean) => distributed({ regions: ['eu-west-1'] }, { ami: { name: 'web-fixed', forceDeregister: force } });
    const bakes = await bakeInARow(fixed(true), 2);

    expect(bakes.map((bake) => bake.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    for (const artifact of bakes[1].manifest.artifacts) {
      expect(imagesIn(bakes[0].account, artifact.region).map((image) => image.ImageId)).toEqual([artifact.amiId]);
      expect(snapshotsIn(bakes[0].account, artifact.region).map((snapshot) => snapshot.SnapshotId)).toEqual(artifact.snapshotIds);
    }
    bakes[0].account.invoke('ec2', 'DeregisterImage', { ImageId: bakes[1].manifest.artifacts[0].amiId });
    const clash = await simulateBake({ account: bakes[0].account, recipe: fixed(false), startTime: new Date(START.getTime() + 3 * DAY) });
    expect(clash.manifest.error).toMatchObject({ phase: 'prepare', message: expect.stringContaining('already exists in eu-west-1') });
  });

  test('retention applies in every region: the older bake\'s copies and their snapshots go', async () => {
    const bakes = await bakeInARow(distributed({ regions: ['eu-west-1'] }, { retention: { keepLatest: 1 } }), 2);

    const [older, newer] = bakes.map((bake) => bake.manifest.artifacts);
    expect(bakes[1].manifest.retention?.deregistered.sort()).toEqual(older.map((artifact) => artifact.amiId).sort());
    for (const artifact of newer) {
      expect(imagesIn(bakes[0].account, artifact.region).map((image) => image.ImageId)).toEqual([artifact.amiId]);
      expect(snapshotsIn(bakes[0].account, artifact.region).map((snapshot) => snapshot.SnapshotId)).toEqual(artifact.snapshotIds);
    }
  });
});

describe('sharing', () => {
  const sharedRecipe = distributed(
    { regions: ['eu-west-1'], kmsKeyIds: { 'eu-west-1': key('eu-west-1') }, sharing: { accounts: [PEER], organizationalUnitArns: [OU_ARN] } },
    { ami: { name: 'web-{{timestamp}}', kmsKeyId: key(HOME) } },
  );

  test('with an OU ARN and an account: launch permissions in every region, snapshot permissions for the account', async () => {
    const [bake] = await bakeInARow(sharedRecipe, 1);

    expect(bake.status).toBe('SUCCEEDED');
    for (const artifact of bake.manifest.artifacts) {
      const permissions = (bake.account.invoke('ec2', 'DescribeImageAttribute',
        { ImageId: artifact.amiId, Attribute: 'launchPermission' }, artifact.region) as any).LaunchPermissions;
      expect(permissions).toEqual(expect.arrayContaining([{ UserId: PEER }, { OrganizationalUnitArn: OU_ARN }]));
      expect(permissions).toHaveLength(2);
      for (const snapshotId of artifact.snapshotIds) {
        const volumePermissions = (bake.account.invoke('ec2', 'DescribeSnapshotAttribute',
          { SnapshotId: snapshotId, Attribute: 'createVolumePermission' }, artifact.region) as any).CreateVolumePermissions;
        expect(volumePermissions).toEqual([{ UserId: PEER }]);
      }
    }
  });

  test('public sharing is refused before anything is launched unless allowPublic is set', async () => {
    const [bake] = await bakeInARow(distributed({ sharing: { public: true } }), 1);

    expect(bake.status).toBe('FAILED');
    expect(bake.manifest.error?.message).toContain('distribution.sharing.public');
    expect(bake.account.callCount({ service: 'ec2' })).toBe(0);
  });

  test('an unencrypted image shared publicly with allowPublic gets the launch permission of group all', async () => {
    const [bake] = await bakeInARow(distributed({ sharing: { public: true, allowPublic: true } }, { ami: { name: 'web-{{timestamp}}', encrypted: false } }), 1);

    expect(bake.status).toBe('SUCCEEDED');
    const permissions = (bake.account.invoke('ec2', 'DescribeImageAttribute',
      { ImageId: bake.manifest.artifacts[0].amiId, Attribute: 'launchPermission' }) as any).LaunchPermissions;
    expect(permissions).toEqual([{ Group: 'all' }]);
  });
});

describe('SSM parameters', () => {
  const NAME = '/images/web/latest';

  test('after each bake the parameter holds the newest AMI in each region', async () => {
    const bakes = await bakeInARow(distributed({ regions: ['eu-west-1'], ssmParameter: NAME }), 2);

    for (const artifact of bakes[1].manifest.artifacts) {
      expect(parameterIn(bakes[0].account, NAME, artifact.region)).toBe(artifact.amiId);
      const { Parameter } = bakes[0].account.invoke('ssm', 'GetParameter', { Name: NAME }, artifact.region) as any;
      expect(Parameter).toMatchObject({ DataType: 'aws:ec2:image', Version: 2 });
    }
    expect(bakes[1].manifest.parameters?.map((parameter) => [parameter.region, parameter.value])).toEqual(
      bakes[1].manifest.artifacts.map((artifact) => [artifact.region, artifact.amiId]));
  });

  test('a bake that fails after setting the parameter puts back the previous AMI in every region', async () => {
    const document = distributed({ regions: ['eu-west-1'], ssmParameter: NAME });
    const [good] = await bakeInARow(document, 1);
    const account = SimulatedAccount.fromState(good.account.toState(), { faults: ['lambda:finish:crash'] });
    const failed = await simulateBake({ account, recipe: document, startTime: new Date(START.getTime() + DAY) });

    expect(failed.status).toBe('FAILED');
    expect(failed.account.callCount({ operation: 'PutParameter' })).toBe(4);
    for (const artifact of good.manifest.artifacts) expect(parameterIn(account, NAME, artifact.region)).toBe(artifact.amiId);
  });

  test('a bake stopped after it set the parameter: the cleanup that follows the stop puts the previous AMI back', async () => {
    const document = distributed({ regions: ['eu-west-1'], ssmParameter: NAME });
    const [good] = await bakeInARow(document, 1);
    const stopped = await simulateBake({
      account: good.account, recipe: document, abortAtState: 'Clean up build', startTime: new Date(START.getTime() + DAY),
    });

    expect(stopped.status).toBe('ABORTED');
    expect(stopped.account.callCount({ operation: 'PutParameter' })).toBe(6);
    for (const artifact of good.manifest.artifacts) expect(parameterIn(good.account, NAME, artifact.region)).toBe(artifact.amiId);
  });

  test('through a role, the parameter is also written in another account the image is shared with', async () => {
    const document = distributed({
      regions: ['eu-west-1'],
      kmsKeyIds: { 'eu-west-1': key('eu-west-1') },
      sharing: { accounts: [PEER] },
      ssmParameter: NAME,
      ssmParameterRoles: [`arn:aws:iam::${PEER}:role/ami-parameter-writer`],
    }, { ami: { name: 'web-{{timestamp}}', kmsKeyId: key(HOME) } });
    const account = new SimulatedAccount({ region: HOME, accountId: '123456789012' });
    const peer = account.addPeer(PEER, { roles: ['ami-parameter-writer'] });

    const [bake] = await bakeInARow(document, 1, { account });

    expect(bake.status).toBe('SUCCEEDED');
    for (const artifact of bake.manifest.artifacts) expect(parameterIn(peer, NAME, artifact.region)).toBe(artifact.amiId);
    expect(bake.manifest.parameters?.filter((parameter) => parameter.accountId === PEER)).toHaveLength(2);
  });
});

describe('SSM parameters that SSM refuses', () => {
  test('a parameter in an account that cannot see the image fails the bake, and every parameter it set is put back', async () => {
    const document = distributed({
      kmsKeyIds: {},
      sharing: { organizationalUnitArns: [OU_ARN] },
      ssmParameter: '/images/web/latest',
      ssmParameterRoles: [`arn:aws:iam::${PEER}:role/ami-parameter-writer`],
    }, { ami: { name: 'web-{{timestamp}}', kmsKeyId: key(HOME) } });
    const account = new SimulatedAccount({ region: HOME, accountId: '123456789012' });
    account.addPeer(PEER, { roles: ['ami-parameter-writer'] });

    const [bake] = await bakeInARow(document, 1, { account });

    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe('ParameterNotUpdated');
    expect(bake.manifest.error?.message).toContain(`(account ${PEER})`);
    expect(parameterIn(account, '/images/web/latest', HOME)).toBeUndefined();
    expect(bake.manifest.leakedResources).toEqual([]);
  });
});

describe('a parameter SSM cannot point at an image', () => {
  test('a text parameter of that name in a copy region fails the bake in Prepare, naming it, and nothing is launched or changed', async () => {
    const account = new SimulatedAccount({ region: HOME, accountId: '123456789012' });
    account.putParameter('/images/web/latest', 'v1.2.3', { region: 'eu-west-1', dataType: 'text' });

    const [bake] = await bakeInARow(distributed({ regions: ['eu-west-1'], ssmParameter: '/images/web/latest' }), 1, { account });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'prepare' }, leakedResources: [] });
    expect(bake.manifest.error?.message).toContain('distribution.ssmParameter: /images/web/latest already exists in eu-west-1 with data type text');
    expect(account.callCount('RunInstances')).toBe(0);
    expect(parameterIn(account, '/images/web/latest', 'eu-west-1')).toBe('v1.2.3');
  });

  test('SSM itself refuses to change a parameter to or from aws:ec2:image', () => {
    const account = new SimulatedAccount({ region: HOME, accountId: '123456789012' });
    account.putParameter('/images/web/latest', 'v1.2.3', { dataType: 'text' });
    const change = () => account.invoke('ssm', 'PutParameter', {
      Name: '/images/web/latest', Value: 'ami-0123456789abcdef0', Type: 'String', DataType: 'aws:ec2:image', Overwrite: true,
    });
    expect(change).toThrow(expect.objectContaining({ name: 'ValidationException', message: expect.stringContaining('has data type text') }));
  });
});

describe('manifest bucket', () => {
  test('the manifest is written to the bucket under the prefix, recipe and build id', async () => {
    const account = new SimulatedAccount({ region: HOME, accountId: '123456789012' });
    account.createBucket('bakery-manifests');

    const bake = await simulateBake({
      account,
      recipe: distributed({ regions: ['eu-west-1'] }),
      startTime: START,
      bakeryProps: (stack) => ({ manifestBucket: Bucket.fromBucketName(stack, 'Manifests', 'bakery-manifests') }),
    });

    const objectKey = `manifests/web/${bake.executionName}.json`;
    expect(bake.manifest.manifestLocation).toBe(`s3://bakery-manifests/${objectKey}`);
    const [stored] = account.objects('bakery-manifests');
    expect(stored.key).toBe(objectKey);
    expect(JSON.parse(stored.body)).toMatchObject({ status: 'SUCCEEDED', artifacts: bake.manifest.artifacts });
  });
});
