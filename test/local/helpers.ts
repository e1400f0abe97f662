import FakeTimers from '@sinonjs/fake-timers';
import { SimulatedAccount, SimulatedAccountOptions } from '../../local/model';

/** The clock the fake timers install. */
export type FakeClock = ReturnType<typeof FakeTimers.install>;

export const START = Date.parse('2025-07-01T08:00:00.000Z');
export const UBUNTU_NOBLE_PARAM = '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id';
export const BUILD_TAG = 'cdk-ami-bakery:build-id';
/** A customer managed key: images whose snapshots use it can be shared with other accounts (the AWS managed key's cannot). */
export const CUSTOMER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
/** RunInstances parameters for a root volume encrypted with CUSTOMER_KEY. */
export const CUSTOMER_KEY_ROOT = {
  BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 16, VolumeType: 'gp3', Encrypted: true, KmsKeyId: CUSTOMER_KEY, DeleteOnTermination: true } }],
};

/** A fresh account on a faked clock that starts at START. */
export function setup(options: SimulatedAccountOptions = {}): { account: SimulatedAccount; clock: FakeClock } {
  const clock = FakeTimers.install({ now: START, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  return { account: new SimulatedAccount({ seed: 42, ...options }), clock };
}

/** Calls the model directly (no latency), as the bridge would. */
export function ec2<T = any>(account: SimulatedAccount, operation: string, input: object = {}, region?: string): T {
  return account.invoke('ec2', operation, input, region) as T;
}

export function ssm<T = any>(account: SimulatedAccount, operation: string, input: object = {}, region?: string): T {
  return account.invoke('ssm', operation, input, region) as T;
}

/** The error a call throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): Error & Record<string, any> {
  try {
    fn();
  } catch (error) {
    return error as Error & Record<string, any>;
  }
  throw new Error('expected the call to throw');
}

export function newestUbuntu(account: SimulatedAccount): string {
  return ssm(account, 'GetParameter', { Name: UBUNTU_NOBLE_PARAM }).Parameter.Value;
}

/** The RunInstances input `launch` uses: one instance with a profile and the bakery's tags. */
export function launchInput(imageId: string, extra: object = {}): object {
  return {
    ImageId: imageId,
    InstanceType: 't3.small',
    MinCount: 1,
    MaxCount: 1,
    IamInstanceProfile: { Name: 'bakery-instance' },
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 16, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }],
    TagSpecifications: [
      { ResourceType: 'instance', Tags: [{ Key: BUILD_TAG, Value: 'b-1' }, { Key: 'Name', Value: 'bake' }] },
      { ResourceType: 'volume', Tags: [{ Key: BUILD_TAG, Value: 'b-1' }] },
    ],
    ...extra,
  };
}

/** Launches one Ubuntu instance with a profile and the bakery's tags; returns its id. */
export function launch(account: SimulatedAccount, extra: object = {}): string {
  const reservation = ec2(account, 'RunInstances', launchInput(newestUbuntu(account), extra));
  return reservation.Instances[0].InstanceId;
}

export function stateOf(account: SimulatedAccount, instanceId: string): string {
  return ec2(account, 'DescribeInstances', { InstanceIds: [instanceId] }).Reservations[0].Instances[0].State.Name;
}

export function agentOf(account: SimulatedAccount, instanceId: string): string | undefined {
  const list = ssm(account, 'DescribeInstanceInformation', { Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }).InstanceInformationList;
  return list[0]?.PingStatus;
}

/** Launches an instance and advances the clock until its agent is online. */
export function onlineInstance(account: SimulatedAccount, clock: FakeClock, extra: object = {}): string {
  const id = launch(account, extra);
  clock.tick(90_000);
  if (agentOf(account, id) !== 'Online') throw new Error('agent did not come online');
  return id;
}

/** Sends a script and returns the command id. */
export function send(account: SimulatedAccount, instanceId: string, commands: string[], extra: object = {}): string {
  return ssm(account, 'SendCommand', {
    DocumentName: 'AWS-RunShellScript',
    InstanceIds: [instanceId],
    Parameters: { commands, executionTimeout: ['3600'] },
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '/bakery/output', CloudWatchOutputEnabled: true },
    ...extra,
  }).Command.CommandId;
}

/** Polls GetCommandInvocation every 5 s of virtual time until the invocation is terminal. */
export function waitForInvocation(account: SimulatedAccount, clock: FakeClock, commandId: string, instanceId: string): any {
  for (let i = 0; i < 2000; i++) {
    clock.tick(5_000);
    const result = ssm(account, 'GetCommandInvocation', { CommandId: commandId, InstanceId: instanceId });
    if (!['Pending', 'InProgress', 'Delayed'].includes(result.Status)) return result;
  }
  throw new Error('invocation never finished');
}
