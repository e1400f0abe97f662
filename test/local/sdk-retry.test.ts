import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import FakeTimers from '@sinonjs/fake-timers';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import { FakeClock, START } from './helpers';
import { ec2 } from '../../lambda/shared/clients/ec2';
import { logs } from '../../lambda/shared/clients/logs';
import { s3 } from '../../lambda/shared/clients/s3';
import { sfn } from '../../lambda/shared/clients/sfn';
import { ssm, ssmAs } from '../../lambda/shared/clients/ssm';
import { sts } from '../../lambda/shared/clients/sts';
import { SimulatedAccount } from '../../local/model';
import { attachSimulator } from '../../local/sdk-bridge';
import { RetryState, withRetryState } from '../../local/sdk-retry';

let clock: FakeClock;

beforeEach(() => {
  clock = FakeTimers.install({ now: START, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => clock.uninstall());

/** A client configured as the handlers' are, answered by `account`. */
function handlerLikeClient(account: SimulatedAccount): EC2Client {
  const client = new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, retryMode: 'adaptive', maxAttempts: 3 });
  attachSimulator(client, account);
  return client;
}

/** Runs a call to the end on the virtual clock (retries back off for seconds); returns its output or its error. */
async function settle<T>(work: () => Promise<T>): Promise<T | Error> {
  const outcome = work().catch((error: Error) => error);
  await clock.runAllAsync();
  return outcome;
}

const describe = (client: EC2Client) => client.send(new DescribeImagesCommand({ Owners: ['amazon'] }));

test('in a simulated invocation a throttled call is retried by the SDK, with its backoff', async () => {
  const account = new SimulatedAccount({ seed: 5, faults: ['api:DescribeImages:throttle:2'] });
  const client = handlerLikeClient(account);
  const output = await settle(() => withRetryState(new RetryState(), () => describe(client)));
  expect(output).not.toBeInstanceOf(Error);
  expect((output as { $metadata: { attempts?: number; totalRetryDelay?: number } }).$metadata).toMatchObject({ attempts: 3 });
  expect((output as { $metadata: { totalRetryDelay: number } }).$metadata.totalRetryDelay).toBeGreaterThan(0);
  expect(account.callCount('DescribeImages')).toBe(3);
});

test('a call throttled past the client\'s attempts fails with the SDK\'s count of attempts', async () => {
  const account = new SimulatedAccount({ seed: 5, faults: ['api:DescribeImages:throttle:3'] });
  const client = handlerLikeClient(account);
  const error = await settle(() => withRetryState(new RetryState(), () => describe(client)));
  expect(error).toMatchObject({ name: 'RequestLimitExceeded', $metadata: { attempts: 3 } });
  expect(account.callCount('DescribeImages')).toBe(3);
});

test('a client error is not retried', async () => {
  const account = new SimulatedAccount({ seed: 5, faults: ['api:DescribeImages:error'] });
  const client = handlerLikeClient(account);
  const error = await settle(() => withRetryState(new RetryState(), () => describe(client)));
  expect(error).toMatchObject({ name: 'UnauthorizedOperation', $metadata: { attempts: 1 } });
  expect(account.callCount('DescribeImages')).toBe(1);
});

test('outside a simulated invocation each call is answered once', async () => {
  const account = new SimulatedAccount({ seed: 5, faults: ['api:DescribeImages:throttle:1'] });
  const error = await settle(() => describe(handlerLikeClient(account)));
  expect(error).toMatchObject({ name: 'RequestLimitExceeded' });
  expect(account.callCount('DescribeImages')).toBe(1);
});

test('each retry state keeps its own strategy per client, made from the client\'s own settings', async () => {
  const client = handlerLikeClient(new SimulatedAccount());
  const first = new RetryState();
  const strategy = await first.retryOf(client.config).retryStrategy();
  expect(strategy).toBeInstanceOf(AdaptiveRetryStrategy);
  expect(await first.retryOf(client.config).retryStrategy()).toBe(strategy);
  expect(await new RetryState().retryOf(client.config).retryStrategy()).not.toBe(strategy);
  expect(await first.retryOf(client.config).maxAttempts()).toBe(3);
});

test('the handlers\' clients use the SDK\'s adaptive retry with three attempts', async () => {
  const assumed = ssmAs('arn:aws:iam::999999999999:role/writer', 'eu-west-1',
    { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  for (const client of [ec2(), ec2('eu-west-1'), ssm(), ssm('eu-west-1'), s3(), sts(), logs(), sfn(), assumed]) {
    expect(await client.config.retryStrategy()).toBeInstanceOf(AdaptiveRetryStrategy);
    expect(await client.config.maxAttempts()).toBe(3);
  }
});
