import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import FakeTimers from '@sinonjs/fake-timers';
import { FakeClock, START } from './helpers';
import { SimulatedAccount, SimulatedAccountOptions } from '../../local/model';
import { attachSimulator } from '../../local/sdk-bridge';

/** A simulated account on a faked clock, with real SDK clients answered by it (or by one of its peers). */
export interface SdkWorld {
  readonly account: SimulatedAccount;
  readonly clock: FakeClock;
  ec2(region?: string, accountId?: string): EC2Client;
  ssm(region?: string, accountId?: string): SSMClient;
  s3(accountId?: string): S3Client;
  sts(accountId?: string): STSClient;
  /** The result of a call, after advancing the clock past the simulated latency. */
  settle<T>(promise: Promise<T>): Promise<T>;
  /** The error a call fails with (fails the test when it succeeds). */
  failure(promise: Promise<unknown>): Promise<Error & Record<string, any>>;
  /** Uninstalls the fake clock and restores the environment. */
  restore(): void;
}

const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];

/** A fresh account (seed 42) on a faked clock that starts at START, with no real credentials in reach. */
export function sdkWorld(options: SimulatedAccountOptions = {}): SdkWorld {
  const savedEnv = { ...process.env };
  CREDENTIAL_VARIABLES.forEach((key) => delete process.env[key]);
  process.env.AWS_CONFIG_FILE = '/nonexistent/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const clock = FakeTimers.install({ now: START, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  const account = new SimulatedAccount({ seed: 42, ...options });
  const attached = <C extends EC2Client | SSMClient | S3Client | STSClient>(client: C, accountId?: string): C => {
    attachSimulator(client, account, { accountId });
    return client;
  };
  const settle = async <T>(promise: Promise<T>): Promise<T> => {
    const outcome = promise.then((value) => ({ value }), (error) => ({ error }));
    await clock.tickAsync(1_000);
    const result = await outcome;
    if ('error' in result) throw result.error;
    return result.value;
  };
  return {
    account,
    clock,
    ec2: (region = account.defaultRegion, accountId) => attached(new EC2Client({ region }), accountId),
    ssm: (region = account.defaultRegion, accountId) => attached(new SSMClient({ region }), accountId),
    s3: (accountId) => attached(new S3Client({ region: account.defaultRegion }), accountId),
    sts: (accountId) => attached(new STSClient({ region: account.defaultRegion }), accountId),
    settle,
    failure: async (promise) => {
      try {
        await settle(promise);
      } catch (error) {
        return error as Error & Record<string, any>;
      }
      throw new Error('expected the call to fail');
    },
    restore: () => {
      clock.uninstall();
      process.env = savedEnv;
    },
  };
}
