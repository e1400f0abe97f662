import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUILD_TAG, CUSTOMER_KEY_ROOT, ec2, launch, launchInput, send, setup, ssm, START, waitForInvocation, FakeClock, onlineInstance,
} from './helpers';
import { inventory, loadAccount, openAccount, saveAccount } from '../../local/account-state';
import { SimulatedAccount } from '../../local/model';
import { simulateBake } from '../../local/simulate-bake';

let account: SimulatedAccount;
let clock: FakeClock;

beforeEach(() => ({ account, clock } = setup()));
afterEach(() => clock.uninstall());

function stateFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'bakery-state-')), 'account.bakery-state.json');
}

/** An account with one of everything: an image (deprecated, protected, shared), a running instance, a parameter, a template. */
function busyAccount(): { imageId: string; snapshotId: string; running: string; commandId: string } {
  const builder = onlineInstance(account, clock, CUSTOMER_KEY_ROOT);
  const commandId = send(account, builder, ['echo hello']);
  waitForInvocation(account, clock, commandId, builder);
  const { ImageId: imageId } = ec2(account, 'CreateImage', {
    InstanceId: builder,
    Name: 'web-1',
    NoReboot: true,
    TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: BUILD_TAG, Value: 'b-1' }] }, { ResourceType: 'snapshot', Tags: [{ Key: BUILD_TAG, Value: 'b-1' }] }],
  });
  clock.tick(30 * 60_000);
  ec2(account, 'TerminateInstances', { InstanceIds: [builder] });
  ec2(account, 'ModifyImageAttribute', { ImageId: imageId, LaunchPermission: { Add: [{ UserId: '210987654321' }] } });
  ec2(account, 'EnableImageDeprecation', { ImageId: imageId, DeprecateAt: new Date(START + 90 * 86_400_000) });
  ec2(account, 'EnableImageDeregistrationProtection', { ImageId: imageId, WithCooldown: true });
  ec2(account, 'CreateLaunchTemplate', { LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: imageId } });
  ssm(account, 'PutParameter', { Name: '/bakery/web/latest', Value: imageId, Type: 'String', DataType: 'aws:ec2:image' });
  ssm(account, 'PutParameter', { Name: '/bakery/web/latest', Value: imageId, Type: 'String', Overwrite: true }, 'eu-west-1');
  const running = launch(account, { ClientToken: 'tok-1' });
  clock.tick(30_000);
  const snapshotId = ec2(account, 'DescribeImages', { ImageIds: [imageId] }).Images[0].BlockDeviceMappings[0].Ebs.SnapshotId;
  return { imageId, snapshotId, running, commandId };
}

test('save and load: the same inventory, the same answers, and the clock does not go back', () => {
  const { imageId, snapshotId, running } = busyAccount();
  const file = stateFile();
  saveAccount(account, file);
  const before = inventory(account);
  const describedBefore = ec2(account, 'DescribeImages', { ImageIds: [imageId] }).Images[0];
  const savedAt = Date.now();

  clock.setSystemTime(START); // the next run's real clock may be behind the account's virtual one
  const loaded = loadAccount(file);
  expect(loaded.now()).toBe(savedAt);
  expect(inventory(loaded)).toEqual(before);
  expect(before.images).toEqual([{
    region: 'us-east-1',
    imageId,
    name: 'web-1',
    state: 'available',
    tags: { [BUILD_TAG]: 'b-1' },
    snapshotIds: [snapshotId],
    launchPermissions: ['210987654321'],
    deprecationTime: new Date(START + 90 * 86_400_000).toISOString(),
  }]);
  expect(before.snapshots).toEqual([{ region: 'us-east-1', snapshotId, tags: { [BUILD_TAG]: 'b-1' } }]);
  expect(before.instances.map((i) => [i.instanceId, i.state])).toEqual([[expect.any(String), 'terminated'], [running, 'running']]);
  expect(before.parameters).toEqual([
    { region: 'us-east-1', name: '/bakery/web/latest', value: imageId },
    { region: 'eu-west-1', name: '/bakery/web/latest', value: imageId },
  ]);

  clock.setSystemTime(savedAt);
  expect(ec2(loaded, 'DescribeImages', { ImageIds: [imageId] }).Images[0]).toEqual(describedBefore);
  expect(ec2(loaded, 'DescribeImages', { Owners: ['self'] }).Images.map((i: any) => i.ImageId)).toEqual([imageId]);
});

test('a loaded account carries on: timelines, invocations, client tokens, templates, catalog and fresh ids', () => {
  const { imageId, running, commandId } = busyAccount();
  const file = stateFile();
  saveAccount(account, file);
  const loaded = loadAccount(file, { faults: ['api:RunInstances:throttle:1'] });

  // The protection still refuses, the launch template still points at the image, the catalog is back.
  expect(() => ec2(loaded, 'DeregisterImage', { ImageId: imageId })).toThrow(/deregistration protection is enabled/);
  expect(ec2(loaded, 'DescribeLaunchTemplateVersions', { Versions: ['$Default'], Filters: [{ Name: 'image-id', Values: [imageId] }] })
    .LaunchTemplateVersions).toHaveLength(1);
  expect(ssm(loaded, 'GetParameter', { Name: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' }).Parameter.Value)
    .toBe(ssm(account, 'GetParameter', { Name: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' }).Parameter.Value);
  const invocation = ssm(loaded, 'GetCommandInvocation', {
    CommandId: commandId,
    InstanceId: ec2(loaded, 'DescribeInstances', {
      Filters: [{ Name: 'instance-state-name', Values: ['terminated'] }],
    }).Reservations[0].Instances[0].InstanceId,
  });
  expect(invocation.Status).toBe('Success');
  expect(invocation.StandardOutputContent).toContain('hello\n');

  // The running instance's timeline goes on: stop it and it stops.
  ec2(loaded, 'StopInstances', { InstanceIds: [running] });
  clock.tick(5 * 60_000);
  expect(ec2(loaded, 'DescribeInstances', { InstanceIds: [running] }).Reservations[0].Instances[0].State.Name).toBe('stopped');

  // Faults come from the load options; the client token is remembered.
  expect(() => ec2(loaded, 'RunInstances', {})).toThrow(/Request limit exceeded/);
  const relaunch = ec2(loaded, 'RunInstances', { ...lastLaunchInput(loaded) });
  expect(relaunch.Instances[0].InstanceId).toBe(running);

  // New ids continue the saved sequence: none repeats an id of the saved account.
  const known = new Set(JSON.stringify(loaded.toState()).match(/\b(?:i|ami|snap|vol|r|lt)-[0-9a-f]{17}\b/g));
  const fresh = launch(loaded);
  expect(known.has(fresh)).toBe(false);
});

/** The RunInstances input `busyAccount` launched its running instance with (`launch` in helpers, ClientToken tok-1). */
function lastLaunchInput(loaded: SimulatedAccount): object {
  const image = ssm(loaded, 'GetParameter', { Name: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' }).Parameter.Value;
  return launchInput(image, { ClientToken: 'tok-1' });
}

test('the state file is plain JSON without the catalog; a missing file opens a new account, a bad one is refused', () => {
  busyAccount();
  const file = stateFile();
  saveAccount(account, file);
  const state = JSON.parse(readFileSync(file, 'utf8'));
  expect(state).toMatchObject({ version: 1, accountId: '123456789012', defaultRegion: 'us-east-1', regions: [{ name: 'us-east-1' }, { name: 'eu-west-1' }] });
  expect(state.regions[0].images).toHaveLength(1);
  expect(JSON.stringify(state)).not.toContain('/aws/service/');

  const fresh = openAccount(join(tmpdir(), 'no-such-dir', 'x.bakery-state.json'), { seed: 5 });
  expect(fresh.loaded).toBe(false);
  expect(inventory(fresh.account)).toEqual({ images: [], snapshots: [], instances: [], parameters: [] });
  expect(openAccount(file).loaded).toBe(true);

  writeFileSync(file, '{"version": 7}');
  expect(() => loadAccount(file)).toThrow(/cannot load simulated account state .*version 7/);
  writeFileSync(file, 'not json');
  expect(() => loadAccount(file)).toThrow(/cannot read simulated account state/);
});

describe('bakes against a saved account', () => {
  beforeEach(() => clock.uninstall());
  afterEach(() => ({ clock } = setup()));

  test('a second bake after save and load sees the first one, and none of its ids collide', async () => {
    const START_TIME = new Date('2030-05-04T03:00:00Z');
    const recipe = {
      schemaVersion: 1,
      name: 'web',
      source: { ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' },
      steps: [{ shell: { name: 'install', commands: ['apt-get install -y nginx'] } }],
      ami: { name: 'web-{{timestamp}}' },
    };
    const file = stateFile();
    const first = await simulateBake({ recipe, startTime: START_TIME, executionName: 'first' });
    expect(first.status).toBe('SUCCEEDED');
    saveAccount(first.account, file);
    const idsBefore = new Set(JSON.stringify(first.account.toState()).match(/\b(?:i|ami|snap|vol|r)-[0-9a-f]{17}\b/g));

    const second = await simulateBake({ recipe, account: loadAccount(file), executionName: 'second' });
    expect(second.status).toBe('SUCCEEDED');
    expect(second.manifest.leakedResources).toEqual([]);
    const stock = inventory(second.account);
    expect(stock.images.map((i) => i.tags['cdk-ami-bakery:build-id'])).toEqual(['first', 'second']);
    expect(stock.snapshots.map((s) => s.snapshotId)).toEqual(stock.images.flatMap((i) => i.snapshotIds));
    expect(stock.instances.every((i) => i.state === 'shutting-down' || i.state === 'terminated')).toBe(true);
    const [artifact] = second.manifest.artifacts;
    const newIds = [artifact.amiId, ...artifact.snapshotIds, ...stock.instances.map((i) => i.instanceId).slice(1)];
    expect(newIds.filter((id) => idsBefore.has(id))).toEqual([]);
  });
});
