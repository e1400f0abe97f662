import {
  CopyImageCommand, DescribeImagesCommand, ModifyImageAttributeCommand, ModifySnapshotAttributeCommand, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSServiceException } from '@aws-sdk/client-sts';
import { ec2, launch, START } from './helpers';
import { SdkWorld, sdkWorld } from './sdk-helpers';
import { inventory, SimulatedAccount } from '../../local/model';
import { attachSimulator, simulatorPlugin } from '../../local/sdk-bridge';

let world: SdkWorld;
let home: SimulatedAccount;
let peer: SimulatedAccount;

const HOME = '123456789012';
const PEER = '210987654321';
const ORGANIZATION = 'arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5';
const OU = 'arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56';
const ROLE = `arn:aws:iam::${PEER}:role/bakery-parameter-writer`;
const PARAMETER = '/golden/web/latest';

beforeEach(() => {
  world = sdkWorld();
  home = world.account;
  peer = home.addPeer(PEER, { roles: ['bakery-parameter-writer'], organizationArn: ORGANIZATION, organizationalUnitArns: [OU] });
});
afterEach(() => world.restore());

/** An available image of the home account in us-east-1, with an unencrypted root so it can be shared in every way. */
function homeImage(name = 'web-1'): string {
  const instanceId = launch(home, { BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8 } }] });
  world.clock.tick(30_000);
  const { ImageId } = ec2(home, 'CreateImage', { InstanceId: instanceId, Name: name, NoReboot: true });
  world.clock.tick(30 * 60_000);
  return ImageId;
}

function share(imageId: string, permission: object): void {
  ec2(home, 'ModifyImageAttribute', { ImageId: imageId, LaunchPermission: { Add: [permission] } });
}

/** Puts the parameter in the peer through a client answered by the peer; returns what GetParameter then says (or its error name). */
async function putInPeer(client: SSMClient, value: string): Promise<string> {
  await world.settle(client.send(new PutParameterCommand({ Name: PARAMETER, Value: value, Type: 'String', DataType: 'aws:ec2:image', Overwrite: true })));
  try {
    return (await world.settle(client.send(new GetParameterCommand({ Name: PARAMETER })))).Parameter!.Value!;
  } catch (error) {
    return (error as Error).name;
  }
}

describe('peer accounts', () => {
  test('a peer is a full account sharing the home account\'s clock, faults and timings', () => {
    expect(home.peer(PEER)).toBe(peer);
    expect(peer.peer(HOME)).toBe(home);
    expect(home.peers()).toEqual([peer]);
    expect(peer).toMatchObject({ accountId: PEER, defaultRegion: home.defaultRegion, faults: home.faults, timings: home.timings });
    world.clock.tick(60 * 60_000);
    expect(peer.now()).toBe(home.now());
    world.clock.setSystemTime(START); // a real clock behind the virtual one
    expect(peer.now()).toBe(home.now());
    expect(peer.now()).toBe(START + 60 * 60_000);
    expect(() => home.peer('999999999999')).toThrow(/no peer account 999999999999 .*peers: 210987654321.*addPeer/);
    expect(() => home.addPeer(PEER)).toThrow(/already/);
    expect(() => home.addPeer('1234')).toThrow(/12 digits/);
    expect(() => home.addPeer('111122223333', { organizationArn: 'o-a1b2c3d4e5' })).toThrow(/not an organization ARN/);
  });

  test('peers have their own resources, ids and randomness', () => {
    const ubuntu = home.region().parameters.get('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id')!.value;
    const homeInstance = ec2(home, 'RunInstances', { ImageId: ubuntu, MinCount: 1, MaxCount: 1 }).Instances[0].InstanceId;
    const peerInstance = ec2(peer, 'RunInstances', { ImageId: ubuntu, MinCount: 1, MaxCount: 1 }).Instances[0].InstanceId;
    expect(peerInstance).not.toBe(homeInstance);
    expect(ec2(peer, 'DescribeInstances', {}).Reservations.flatMap((r: any) => r.Instances.map((i: any) => i.InstanceId))).toEqual([peerInstance]);
    expect(peer.calls.map((c) => c.operation)).toEqual(['RunInstances', 'DescribeInstances']);
  });

  test('attachSimulator with accountId answers from the peer; an unknown peer is a clear error', async () => {
    const peerEc2 = world.ec2('us-east-1', PEER);
    const ubuntu = home.region().parameters.get('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id')!.value;
    await world.settle(peerEc2.send(new RunInstancesCommand({ ImageId: ubuntu, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 })));
    expect(peer.callCount('RunInstances')).toBe(1);
    expect(home.callCount('RunInstances')).toBe(0);
    const self = world.ssm('us-east-1', HOME);
    await world.settle(self.send(new GetParameterCommand({ Name: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' })));
    expect(home.callCount('GetParameter')).toBe(1);

    expect(() => attachSimulator(new SSMClient({ region: 'us-east-1' }), home, { accountId: '999999999999' })).toThrow(/no peer account 999999999999/);
    const viaPlugin = new SSMClient({ region: 'us-east-1' });
    viaPlugin.middlewareStack.use(simulatorPlugin(home, { accountId: '999999999999' }));
    expect((await world.failure(viaPlugin.send(new GetParameterCommand({ Name: PARAMETER })))).message).toMatch(/no peer account 999999999999/);
  });

  test('buckets belong to one account: another account\'s bucket is AccessDenied', async () => {
    peer.createBucket('peer-manifests');
    await world.settle(world.s3(PEER).send(new PutObjectCommand({ Bucket: 'peer-manifests', Key: 'a', Body: 'x' })));
    const denied = await world.failure(world.s3().send(new GetObjectCommand({ Bucket: 'peer-manifests', Key: 'a' })));
    expect(denied).toMatchObject({ name: 'AccessDenied', message: 'Access Denied', $metadata: { httpStatusCode: 403 } });
    expect(() => home.createBucket('peer-manifests')).toThrow(/already exists \(in account 210987654321\)/);
  });
});

describe('STS', () => {
  test('AssumeRole into a peer role that trusts the home account returns temporary credentials', async () => {
    const before = Date.now();
    const answer = await world.settle(world.sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'cdk-ami-bakery-b-1', DurationSeconds: 900 })));
    expect(answer.Credentials).toMatchObject({
      AccessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
      SecretAccessKey: expect.stringMatching(/^.{40}$/),
      SessionToken: expect.any(String),
    });
    const expiresIn = answer.Credentials!.Expiration!.getTime() - before;
    expect(expiresIn).toBeGreaterThanOrEqual(900_000);
    expect(expiresIn).toBeLessThanOrEqual(901_000);
    expect(answer.AssumedRoleUser).toEqual({
      AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:cdk-ami-bakery-b-1$/),
      Arn: `arn:aws:sts::${PEER}:assumed-role/bakery-parameter-writer/cdk-ami-bakery-b-1`,
    });
    const again = await world.settle(world.sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'other' })));
    expect(again.AssumedRoleUser!.AssumedRoleId!.split(':')[0]).toBe(answer.AssumedRoleUser!.AssumedRoleId!.split(':')[0]);
    expect(again.Credentials!.AccessKeyId).not.toBe(answer.Credentials!.AccessKeyId);
  });

  test.each([
    ['an unknown role', `arn:aws:iam::${PEER}:role/admin`, undefined],
    ['an account that is not a peer', 'arn:aws:iam::999999999999:role/bakery-parameter-writer', undefined],
    ['a role asked for by the peer itself (it trusts the home account only)', ROLE, PEER],
    ['the home account\'s own id', `arn:aws:iam::${HOME}:role/bakery-parameter-writer`, undefined],
  ])('AssumeRole of %s is AccessDenied, phrased as STS does', async (_what, roleArn, caller) => {
    const error = await world.failure(world.sts(caller).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'cdk-ami-bakery-b-1' })));
    expect(error).toBeInstanceOf(STSServiceException);
    const callerArn = `arn:aws:sts::${caller ?? HOME}:assumed-role/SimulatedCaller/simulated-session`;
    expect(error).toMatchObject({
      name: 'AccessDenied',
      message: `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      $metadata: { httpStatusCode: 403 },
    });
  });

  test('malformed requests get STS validation errors; GetCallerIdentity names the account', async () => {
    const badSession = await world.failure(world.sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'has spaces' })));
    expect(badSession).toMatchObject({ name: 'ValidationError', message: expect.stringContaining("Value 'has spaces' at 'roleSessionName'") });
    const tooLong = await world.failure(world.sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 7200 })));
    expect(tooLong).toMatchObject({ name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
    const tooShort = await world.failure(world.sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 60 })));
    expect(tooShort.message).toMatch(/greater than or equal to 900/);
    expect((await world.settle(world.sts(PEER).send(new GetCallerIdentityCommand({})))).Account).toBe(PEER);
  });
});

describe('images shared with a peer', () => {
  test('the peer sees an image shared with its account id, in that region only, and may launch it', async () => {
    const imageId = homeImage();
    const peerEc2 = world.ec2('us-east-1', PEER);
    expect((await world.failure(peerEc2.send(new DescribeImagesCommand({ ImageIds: [imageId] })))).name).toBe('InvalidAMIID.NotFound');
    await world.settle(world.ec2().send(new ModifyImageAttributeCommand({ ImageId: imageId, LaunchPermission: { Add: [{ UserId: PEER }] } })));
    const seen = await world.settle(peerEc2.send(new DescribeImagesCommand({ ImageIds: [imageId] })));
    expect(seen.Images![0]).toMatchObject({ ImageId: imageId, OwnerId: HOME, State: 'available' });
    expect((await world.settle(peerEc2.send(new DescribeImagesCommand({ Owners: ['self'] })))).Images).toEqual([]);
    const launched = await world.settle(peerEc2.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1 })));
    expect(launched.Instances![0].ImageId).toBe(imageId);
    expect((await world.failure(world.ec2('eu-west-1', PEER).send(new DescribeImagesCommand({ ImageIds: [imageId] })))).name)
      .toBe('InvalidAMIID.NotFound');
  });

  test('SSM PutParameter aws:ec2:image in the peer checks the images the peer can see', async () => {
    const imageId = homeImage();
    const client = world.ssm('us-east-1', PEER);
    expect(await putInPeer(client, imageId)).toBe('ParameterNotFound');
    expect(peer.parameterValidationFailures).toEqual([{ name: PARAMETER, value: imageId, at: expect.any(Number), region: 'us-east-1' }]);
    expect(home.parameterValidationFailures).toEqual([]);

    share(imageId, { UserId: PEER });
    expect(await putInPeer(client, imageId)).toBe(imageId);
    expect(peer.region('us-east-1').parameters.get(PARAMETER)).toMatchObject({ value: imageId, dataType: 'aws:ec2:image' });
    expect(home.region('us-east-1').parameters.has(PARAMETER)).toBe(false);
    // Not in another region of the peer, where the image is not.
    expect(await putInPeer(world.ssm('eu-west-1', PEER), imageId)).toBe('ParameterNotFound');
  });

  test.each([
    ['its organization', { OrganizationArn: ORGANIZATION }],
    ['one of its OUs', { OrganizationalUnitArn: OU }],
    ['everyone', { Group: 'all' }],
  ])('an image shared with %s is visible to the peer', async (_with, permission) => {
    const imageId = homeImage();
    share(imageId, permission);
    expect(await putInPeer(world.ssm('us-east-1', PEER), imageId)).toBe(imageId);
  });

  test('an image shared with another organization, OU or account is not', async () => {
    const imageId = homeImage();
    share(imageId, { OrganizationArn: 'arn:aws:organizations::222222222222:organization/o-z9y8x7w6v5' });
    share(imageId, { OrganizationalUnitArn: 'arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-99999999' });
    share(imageId, { UserId: '111122223333' });
    expect(await putInPeer(world.ssm('us-east-1', PEER), imageId)).toBe('ParameterNotFound');
    const outsider = home.addPeer('111122223333');
    expect(await putInPeer(world.ssm('us-east-1', outsider.accountId), imageId)).toBe(imageId);
  });

  test('the peer can copy a shared image only once its snapshots are shared too', async () => {
    const imageId = homeImage();
    share(imageId, { UserId: PEER });
    const peerWest = world.ec2('eu-west-1', PEER);
    const copy = () => peerWest.send(new CopyImageCommand({ SourceRegion: 'us-east-1', SourceImageId: imageId, Name: 'web-1' }));
    expect(await world.failure(copy())).toMatchObject({ name: 'InvalidRequest', message: 'You do not have permission to access the storage of this ami' });
    const snapshotId = ec2(home, 'DescribeImages', { ImageIds: [imageId] }).Images[0].BlockDeviceMappings[0].Ebs.SnapshotId;
    await world.settle(world.ec2().send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, OperationType: 'add', UserIds: [PEER] })));
    const { ImageId } = await world.settle(copy());
    expect(ec2(peer, 'DescribeImages', { ImageIds: [ImageId] }, 'eu-west-1').Images[0]).toMatchObject({ OwnerId: PEER, SourceImageId: imageId });
    expect(home.leakedResources().some((id) => id === ImageId)).toBe(false);
  });
});

describe('saving and listing', () => {
  test('peers, their roles and resources are saved with the home account', async () => {
    const imageId = homeImage();
    share(imageId, { UserId: PEER });
    expect(await putInPeer(world.ssm('us-east-1', PEER), imageId)).toBe(imageId);
    peer.createBucket('peer-manifests');

    const state = JSON.parse(JSON.stringify(home.toState()));
    expect(state.peers).toHaveLength(1);
    const loaded = SimulatedAccount.fromState(state);
    const loadedPeer = loaded.peer(PEER);
    expect(loadedPeer.region('us-east-1').parameters.get(PARAMETER)!.value).toBe(imageId);
    expect(loadedPeer.objects('peer-manifests')).toEqual([]);
    expect(loadedPeer.now()).toBe(loaded.now());
    expect((loaded.invoke('sts', 'AssumeRole', { RoleArn: ROLE, RoleSessionName: 'again' }) as any).AssumedRoleUser.Arn).toContain(PEER);
    // The loaded peer still sees the image shared with it.
    expect((loadedPeer.invoke('ec2', 'DescribeImages', { ImageIds: [imageId] }) as any).Images[0].OwnerId).toBe(HOME);
  });

  test('the inventory keeps its shape; with peers it adds their parameters', async () => {
    expect(Object.keys(inventory(new SimulatedAccount()))).toEqual(['images', 'snapshots', 'instances', 'parameters']);
    const imageId = homeImage();
    share(imageId, { UserId: PEER });
    await putInPeer(world.ssm('us-east-1', PEER), imageId);
    expect(inventory(home).peerParameters).toEqual([{ accountId: PEER, region: 'us-east-1', name: PARAMETER, value: imageId }]);
    expect(inventory(home).parameters).toEqual([]);
  });
});
