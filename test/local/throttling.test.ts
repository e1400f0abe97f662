import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { errorOf, ec2, setup, ssm, FakeClock, START, UBUNTU_NOBLE_PARAM } from './helpers';
import { sdkWorld, SdkWorld } from './sdk-helpers';
import { SimulatedAccount } from '../../local/model';
import { AWS_RATE_LIMITS, RateLimiter } from '../../local/model/throttling';

const FILTERED = { Owners: ['amazon'] };

/** Calls DescribeImages `count` times at one instant; returns how many were throttled. */
function throttledOf(account: SimulatedAccount, count: number, input: object = FILTERED, region?: string): number {
  let throttled = 0;
  for (let i = 0; i < count; i++) {
    try {
      ec2(account, 'DescribeImages', input, region);
    } catch (error) {
      if ((error as Error).name !== 'RequestLimitExceeded') throw error;
      throttled++;
    }
  }
  return throttled;
}

describe('EC2 token buckets', () => {
  let account: SimulatedAccount;
  let clock: FakeClock;
  beforeEach(() => ({ account, clock } = setup()));
  afterEach(() => clock.uninstall());

  test('a non-mutating action bursts to its bucket size (100), then is throttled and recorded as a failed call', () => {
    expect(throttledOf(account, 130)).toBe(30);
    expect(account.calls.filter((call) => call.error === 'RequestLimitExceeded')).toHaveLength(30);
  });

  test('the bucket refills 20 tokens a second in virtual time', () => {
    throttledOf(account, 100);
    clock.tick(1_000);
    expect(throttledOf(account, 25)).toBe(5);
    clock.tick(10_000);
    expect(throttledOf(account, 100)).toBe(0);
  });

  test('an unfiltered, unpaginated Describe call has the smaller bucket (50)', () => {
    expect(throttledOf(account, 60, {})).toBe(10);
    expect(throttledOf(account, 1)).toBe(0);
  });

  test('each region and each account has its own buckets', () => {
    throttledOf(account, 100);
    expect(throttledOf(account, 1)).toBe(1);
    expect(throttledOf(account, 100, FILTERED, 'eu-west-1')).toBe(0);
    expect(throttledOf(account.addPeer('210987654321'), 100)).toBe(0);
  });

  test('RunInstances also spends one resource token per instance (1,000, refilling 2 a second)', () => {
    const limiter = new RateLimiter(AWS_RATE_LIMITS);
    const launch = (count: number) => limiter.admit('ec2', 'RunInstances', { MinCount: 1, MaxCount: count }, 'us-east-1', START);
    expect(launch(990)).toBeUndefined();
    expect(launch(20)?.name).toBe('RequestLimitExceeded');
    expect(launch(10)).toBeUndefined();
  });

  test('the error is EC2\'s: RequestLimitExceeded, HTTP 503, retryable as throttling', () => {
    throttledOf(account, 100);
    expect(errorOf(() => ec2(account, 'DescribeImages', FILTERED))).toMatchObject({
      name: 'RequestLimitExceeded', httpStatusCode: 503, throttling: true, $fault: 'client',
    });
  });

  test('rateLimits: false turns throttling off', () => {
    clock.uninstall();
    ({ account, clock } = setup({ rateLimits: false }));
    expect(throttledOf(account, 500)).toBe(0);
  });
});

describe('SSM rate limits', () => {
  let account: SimulatedAccount;
  let clock: FakeClock;
  beforeEach(() => ({ account, clock } = setup()));
  afterEach(() => clock.uninstall());

  test('GetParameter allows 40 a second; the 41st is a ThrottlingException', () => {
    for (let i = 0; i < 40; i++) ssm(account, 'GetParameter', { Name: UBUNTU_NOBLE_PARAM });
    expect(errorOf(() => ssm(account, 'GetParameter', { Name: UBUNTU_NOBLE_PARAM }))).toMatchObject({
      name: 'ThrottlingException', httpStatusCode: 400, throttling: true,
    });
    clock.tick(100);
    expect(ssm(account, 'GetParameter', { Name: UBUNTU_NOBLE_PARAM }).Parameter.Value).toMatch(/^ami-/);
  });
});

describe('through a real SDK client', () => {
  let world: SdkWorld;
  /** One DescribeImages token that never comes back, so the second call is throttled whatever the latency. */
  const oneToken = { ...AWS_RATE_LIMITS, ec2: { ...AWS_RATE_LIMITS.ec2, nonMutating: { capacity: 1, refillPerSecond: 0 } } };
  beforeEach(() => { world = sdkWorld({ rateLimits: oneToken }); });
  afterEach(() => world.restore());

  test('a throttled call reaches the client as EC2\'s RequestLimitExceeded, marked as throttling for retry strategies', async () => {
    world.account.invoke('ec2', 'DescribeImages', FILTERED);
    const error = await world.failure(world.ec2().send(new DescribeImagesCommand(FILTERED)));
    expect(error).toMatchObject({ name: 'RequestLimitExceeded', $retryable: { throttling: true }, $metadata: { httpStatusCode: 503 } });
  });
});
