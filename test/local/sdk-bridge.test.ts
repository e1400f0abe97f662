import {
  CopySnapshotCommand, CreateImageCommand, DescribeImagesCommand, DescribeInstancesCommand, EC2Client, EC2ServiceException, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import FakeTimers from '@sinonjs/fake-timers';
import { FakeClock, START, UBUNTU_NOBLE_PARAM } from './helpers';
import { SimulatedAccount } from '../../local/model';
import { attachSimulator, simulatorPlugin } from '../../local/sdk-bridge';

let clock: FakeClock;
const savedEnv = { ...process.env };

beforeEach(() => {
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[key];
  process.env.AWS_CONFIG_FILE = '/nonexistent/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  clock = FakeTimers.install({ now: START, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  clock.uninstall();
  process.env = { ...savedEnv };
});

/** Sends a command while advancing the virtual clock past the simulated latency. */
async function settle<T>(promise: Promise<T>): Promise<T> {
  const outcome = promise.then((value) => ({ value }), (error) => ({ error }));
  await clock.tickAsync(1_000);
  const result = await outcome;
  if ('error' in result) throw result.error;
  return result.value;
}

test('a real EC2Client without credentials is answered by the simulator', async () => {
  const account = new SimulatedAccount({ seed: 3 });
  const client = new EC2Client({ region: 'us-east-1' });
  attachSimulator(client, account);
  const images = await settle(client.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-*'] }] })));
  expect(images.Images!.length).toBeGreaterThan(0);
  expect(images.$metadata.httpStatusCode).toBe(200);
  expect(account.callCount({ service: 'ec2' })).toBe(1);
});

test('errors are the SDK exception classes with name, Code, $fault and HTTP status', async () => {
  const account = new SimulatedAccount();
  const ec2 = new EC2Client({ region: 'us-east-1' });
  const ssm = new SSMClient({ region: 'us-east-1' });
  attachSimulator(ec2, account);
  attachSimulator(ssm, account);
  const ec2Error = await settle(ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1 }))).catch((e) => e);
  expect(ec2Error).toBeInstanceOf(EC2ServiceException);
  expect(ec2Error).toMatchObject({ name: 'InvalidAMIID.NotFound', Code: 'InvalidAMIID.NotFound', $fault: 'client', $metadata: { httpStatusCode: 400 } });
  const ssmError = await settle(ssm.send(new GetParameterCommand({ Name: '/missing' }))).catch((e) => e);
  expect(ssmError).toBeInstanceOf(ParameterNotFound);
  expect(ssmError.name).toBe('ParameterNotFound');
});

test('answers wait a virtual latency of 50–300 ms', async () => {
  const account = new SimulatedAccount();
  const ssm = new SSMClient({ region: 'us-east-1' });
  attachSimulator(ssm, account);
  let done = false;
  const pending = ssm.send(new GetParameterCommand({ Name: UBUNTU_NOBLE_PARAM })).then(() => { done = true; });
  await clock.tickAsync(40);
  expect(done).toBe(false);
  await clock.tickAsync(300);
  await pending;
  expect(done).toBe(true);
});

test('the client region selects the account region; detach restores the real client', async () => {
  const account = new SimulatedAccount();
  const east = new SSMClient({ region: 'us-east-1' });
  const west = new SSMClient({ region: 'eu-west-1' });
  attachSimulator(east, account);
  const detach = attachSimulator(west, account);
  const a = await settle(east.send(new GetParameterCommand({ Name: UBUNTU_NOBLE_PARAM })));
  const b = await settle(west.send(new GetParameterCommand({ Name: UBUNTU_NOBLE_PARAM })));
  expect(a.Parameter!.Value).not.toBe(b.Parameter!.Value);
  expect(account.calls.map((c) => c.region)).toEqual(['us-east-1', 'eu-west-1']);
  detach();
  expect(west.middlewareStack.identify().some((m) => m.includes('bakerySimulator'))).toBe(false);
});

test('the plugin form works with middlewareStack.use and an explicit region', async () => {
  const account = new SimulatedAccount();
  const client = new EC2Client({ region: 'us-east-1' });
  client.middlewareStack.use(simulatorPlugin(account, { region: 'ap-southeast-2' }));
  const reservation = await settle(client.send(new RunInstancesCommand({
    ImageId: account.region('ap-southeast-2').parameters.get(UBUNTU_NOBLE_PARAM)!.value, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1,
  })));
  const id = reservation.Instances![0].InstanceId!;
  const described = await settle(client.send(new DescribeInstancesCommand({ InstanceIds: [id] })));
  expect(described.Reservations![0].Instances![0].Placement!.AvailabilityZone).toMatch(/^ap-southeast-2[abc]$/);
  const early = await settle(client.send(new CreateImageCommand({ InstanceId: id, Name: 'web-early' }))).catch((e) => e);
  expect(early.name).toBe('IncorrectInstanceState');
  const unsupported = await settle(client.send(new CopySnapshotCommand({ SourceSnapshotId: 'snap-0123456789abcdef0', SourceRegion: 'us-east-1' })))
    .catch((e) => e);
  expect(unsupported).toMatchObject({ name: 'InvalidAction', message: expect.stringMatching(/does not implement EC2 CopySnapshot/) });
});
