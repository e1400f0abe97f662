import { ec2, errorOf, launch, newestUbuntu, onlineInstance, send, setup, ssm, waitForInvocation, FakeClock } from './helpers';
import { SimulatedAccount } from '../../local/model';

let account: SimulatedAccount;
let clock: FakeClock;

// These tests are about what each call does, several at one instant: SSM's rate limits are tested in throttling.test.ts.
beforeEach(() => ({ account, clock } = setup({ rateLimits: false })));
afterEach(() => clock.uninstall());

const REBOOT_SCRIPT = [
  'if [ -f /var/lib/cdk-ami-bakery/reboot-2 ]; then exit 0; fi',
  'mkdir -p /var/lib/cdk-ami-bakery',
  'touch /var/lib/cdk-ami-bakery/reboot-2',
  'exit 194',
];

describe('Parameter Store', () => {
  test('put, get, overwrite and missing parameters', () => {
    expect(errorOf(() => ssm(account, 'GetParameter', { Name: '/bakery/recipes/web' })).name).toBe('ParameterNotFound');
    expect(ssm(account, 'PutParameter', { Name: '/bakery/recipes/web', Value: '{"a":1}', Type: 'String' }).Version).toBe(1);
    expect(ssm(account, 'GetParameter', { Name: '/bakery/recipes/web' }).Parameter).toMatchObject({ Value: '{"a":1}', Version: 1, Type: 'String' });
    expect(errorOf(() => ssm(account, 'PutParameter', { Name: '/bakery/recipes/web', Value: 'x', Type: 'String' })).name).toBe('ParameterAlreadyExists');
    expect(ssm(account, 'PutParameter', { Name: '/bakery/recipes/web', Value: 'x', Overwrite: true }).Version).toBe(2);
    expect(errorOf(() => ssm(account, 'PutParameter', { Name: '/aws/service/mine', Value: 'x', Type: 'String' })).name).toBe('ValidationException');
  });

  test('aws:ec2:image values: format checked at once, existence asynchronously', () => {
    const name = '/bakery/web/latest';
    expect(errorOf(() => ssm(account, 'PutParameter', { Name: name, Value: 'not-an-ami', Type: 'String', DataType: 'aws:ec2:image' })).name)
      .toBe('ValidationException');
    ssm(account, 'PutParameter', { Name: name, Value: 'ami-0123456789abcdef0', Type: 'String', DataType: 'aws:ec2:image' });
    expect(errorOf(() => ssm(account, 'GetParameter', { Name: name })).name).toBe('ParameterNotFound');
    expect(account.parameterValidationFailures).toHaveLength(1);
    ssm(account, 'PutParameter', { Name: name, Value: newestUbuntu(account), Type: 'String', DataType: 'aws:ec2:image' });
    expect(ssm(account, 'GetParameter', { Name: name }).Parameter).toMatchObject({ Value: newestUbuntu(account), DataType: 'aws:ec2:image' });
  });
});

describe('parameter history', () => {
  test('GetParameterHistory lists every version, oldest first, in pages; name:version reads an older one', () => {
    const name = '/bakery/web/latest';
    for (let i = 1; i <= 3; i++) ssm(account, 'PutParameter', { Name: name, Value: `v${i}`, Type: 'String', Overwrite: true });
    const history = ssm(account, 'GetParameterHistory', { Name: name });
    expect(history.Parameters.map((p: any) => [p.Version, p.Value])).toEqual([[1, 'v1'], [2, 'v2'], [3, 'v3']]);
    expect(history.NextToken).toBeUndefined();
    const first = ssm(account, 'GetParameterHistory', { Name: name, MaxResults: 2 });
    expect(first.Parameters.map((p: any) => p.Value)).toEqual(['v1', 'v2']);
    expect(ssm(account, 'GetParameterHistory', { Name: name, MaxResults: 2, NextToken: first.NextToken }).Parameters.map((p: any) => p.Value)).toEqual(['v3']);
    expect(ssm(account, 'GetParameter', { Name: `${name}:2` }).Parameter).toMatchObject({ Value: 'v2', Version: 2 });
    expect(errorOf(() => ssm(account, 'GetParameter', { Name: `${name}:9` })).name).toBe('ParameterNotFound');
    expect(errorOf(() => ssm(account, 'GetParameterHistory', { Name: '/missing' })).name).toBe('ParameterNotFound');
  });

  test('DeleteParameter removes the parameter and its history', () => {
    ssm(account, 'PutParameter', { Name: '/bakery/x', Value: 'a', Type: 'String' });
    expect(ssm(account, 'DeleteParameter', { Name: '/bakery/x' })).toEqual({});
    expect(errorOf(() => ssm(account, 'GetParameter', { Name: '/bakery/x' })).name).toBe('ParameterNotFound');
    expect(errorOf(() => ssm(account, 'DeleteParameter', { Name: '/bakery/x' })).name).toBe('ParameterNotFound');
    ssm(account, 'PutParameter', { Name: '/bakery/x', Value: 'b', Type: 'String' });
    expect(ssm(account, 'GetParameterHistory', { Name: '/bakery/x' }).Parameters.map((p: any) => [p.Version, p.Value])).toEqual([[1, 'b']]);
  });
});

describe('Run Command', () => {
  test('SendCommand fails with InvalidInstanceId until the agent is online', () => {
    const id = launch(account);
    clock.tick(25_000);
    expect(errorOf(() => send(account, id, ['echo hi'])).name).toBe('InvalidInstanceId');
    clock.tick(65_000);
    expect(send(account, id, ['echo hi'])).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('an invocation does not exist for a moment, then is Pending, InProgress and Success with its output', () => {
    const id = onlineInstance(account, clock);
    const commandId = send(account, id, ['apt-get update -y', 'apt-get install -y nginx', 'echo done']);
    expect(errorOf(() => ssm(account, 'GetCommandInvocation', { CommandId: commandId, InstanceId: id })).name).toBe('InvocationDoesNotExist');
    clock.tick(1_300);
    expect(ssm(account, 'GetCommandInvocation', { CommandId: commandId, InstanceId: id }).Status).toBe('Pending');
    clock.tick(5_000);
    expect(ssm(account, 'GetCommandInvocation', { CommandId: commandId, InstanceId: id }).Status).toBe('InProgress');
    const result = waitForInvocation(account, clock, commandId, id);
    expect(result).toMatchObject({ Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardErrorContent: '' });
    expect(result.StandardOutputContent).toContain('+ apt-get install -y nginx');
    expect(result.StandardOutputContent).toContain('Setting up nginx');
    expect(result.StandardOutputContent).toMatch(/\ndone\n$/);
    const seconds = Number(/PT([\d.]+)S/.exec(result.ExecutionElapsedTime)![1]);
    expect(seconds).toBeGreaterThan(28);
    expect(account.logEvents('/bakery/output').map((e) => e.message)).toContain('done');
  });

  test('exit codes: exit N, false, set -e', () => {
    const id = onlineInstance(account, clock);
    const run = (commands: string[]) => waitForInvocation(account, clock, send(account, id, commands), id);
    expect(run(['echo before', 'exit 3', 'echo after'])).toMatchObject({ Status: 'Failed', ResponseCode: 3 });
    expect(run(['false'])).toMatchObject({ Status: 'Failed', ResponseCode: 1 });
    expect(run(['false', 'echo still here'])).toMatchObject({ Status: 'Success', ResponseCode: 0 });
    const strict = run(['set -euo pipefail', 'false', 'echo unreachable']);
    expect(strict).toMatchObject({ Status: 'Failed', ResponseCode: 1 });
    expect(strict.StandardOutputContent).not.toContain('unreachable');
  });

  test('exit 194 reboots the instance once and runs the script again', () => {
    const id = onlineInstance(account, clock);
    const commandId = send(account, id, REBOOT_SCRIPT);
    let sawConnectionLost = false;
    let result: any;
    for (let i = 0; i < 100 && !result; i++) {
      clock.tick(2_000);
      const info = ssm(account, 'DescribeInstanceInformation', { Filters: [{ Key: 'InstanceIds', Values: [id] }] });
      sawConnectionLost ||= info.InstanceInformationList[0].PingStatus === 'ConnectionLost';
      const invocation = ssm(account, 'GetCommandInvocation', { CommandId: commandId, InstanceId: id });
      if (invocation.Status !== 'Pending' && invocation.Status !== 'InProgress') result = invocation;
    }
    expect(sawConnectionLost).toBe(true);
    expect(result).toMatchObject({ Status: 'Success', ResponseCode: 0 });
    expect(result.StandardOutputContent.match(/\+ \[ -f/g)).toHaveLength(2);
    expect(ec2(account, 'DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0].State.Name).toBe('running');
    const again = waitForInvocation(account, clock, send(account, id, REBOOT_SCRIPT), id);
    expect(again.StandardOutputContent.match(/\+ \[ -f/g)).toHaveLength(1);
  });

  test('executionTimeout ends the script as TimedOut / ExecutionTimedOut', () => {
    const id = onlineInstance(account, clock);
    const commandId = send(account, id, ['sleep 120', 'echo late'], { Parameters: { commands: ['sleep 120', 'echo late'], executionTimeout: ['60'] } });
    const result = waitForInvocation(account, clock, commandId, id);
    expect(result).toMatchObject({ Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut' });
    expect(result.StandardOutputContent).not.toContain('late');
  });

  test('output is capped at 24,000 characters of stdout', () => {
    const id = onlineInstance(account, clock);
    const lines = Array.from({ length: 300 }, (_, i) => `echo ${'x'.repeat(100)} ${i}`);
    const result = waitForInvocation(account, clock, send(account, id, lines), id);
    expect(result.StandardOutputContent).toHaveLength(24_000);
  });

  test('SendCommand checks its document, parameters and comment', () => {
    const id = onlineInstance(account, clock);
    expect(errorOf(() => send(account, id, ['true'], { DocumentName: 'AWS-Nope' })).name).toBe('InvalidDocument');
    expect(errorOf(() => send(account, id, ['true'], { Comment: 'c'.repeat(101) })).name).toBe('ValidationException');
    expect(errorOf(() => send(account, id, ['true'], { Parameters: { commands: ['true'], bogus: ['1'] } })).name).toBe('InvalidParameters');
  });

  test('ListCommandInvocations lists an instance\'s invocations with their comments, filtered by document name', () => {
    const id = onlineInstance(account, clock);
    const commandId = send(account, id, ['true'], { Comment: 'cdk-ami-bakery b-1 step 1' });
    clock.tick(5_000);
    const list = (filters: object[]) => ssm(account, 'ListCommandInvocations', { InstanceId: id, Filters: filters }).CommandInvocations;
    expect(list([{ key: 'DocumentName', value: 'AWS-RunShellScript' }])).toEqual([
      expect.objectContaining({ CommandId: commandId, InstanceId: id, Comment: 'cdk-ami-bakery b-1 step 1', DocumentName: 'AWS-RunShellScript' }),
    ]);
    expect(list([{ key: 'DocumentName', value: 'AWS-RunPowerShellScript' }])).toEqual([]);
    expect(ssm(account, 'ListCommandInvocations', { InstanceId: 'i-0000000000000000f' }).CommandInvocations).toEqual([]);
  });

  test('a command interrupted by StopInstances fails', () => {
    const id = onlineInstance(account, clock);
    const commandId = send(account, id, ['sleep 300']);
    clock.tick(10_000);
    ec2(account, 'StopInstances', { InstanceIds: [id] });
    const result = waitForInvocation(account, clock, commandId, id);
    expect(result.Status).toBe('Failed');
  });
});
