/**
 * Eventual consistency (`consistency:<seconds>`): a new instance, image or command exists at once but is invisible
 * for the window after its create call. Calls naming it answer NotFound, lists leave it out; afterwards all is normal.
 */
import { BUILD_TAG, ec2, errorOf, FakeClock, launch, onlineInstance, send, setup, ssm } from './helpers';
import type { SimulatedAccount } from '../../local/model';

let account: SimulatedAccount;
let clock: FakeClock;

afterEach(() => clock.uninstall());

describe('with consistency:30', () => {
  beforeEach(() => ({ account, clock } = setup({ faults: ['consistency:30'] })));

  test('a new instance is NotFound by id, absent from filters, and refuses CreateTags, Stop and Terminate until the window ends', () => {
    const id = launch(account);

    expect(errorOf(() => ec2(account, 'DescribeInstances', { InstanceIds: [id] })).name).toBe('InvalidInstanceID.NotFound');
    expect(ec2(account, 'DescribeInstances', { Filters: [{ Name: `tag:${BUILD_TAG}`, Values: ['b-1'] }] }).Reservations).toEqual([]);
    expect(errorOf(() => ec2(account, 'CreateTags', { Resources: [id], Tags: [{ Key: 'a', Value: 'b' }] })).name).toBe('InvalidInstanceID.NotFound');
    expect(errorOf(() => ec2(account, 'StopInstances', { InstanceIds: [id] })).name).toBe('InvalidInstanceID.NotFound');
    expect(errorOf(() => ec2(account, 'TerminateInstances', { InstanceIds: [id] })).name).toBe('InvalidInstanceID.NotFound');

    clock.tick(30_000);

    expect(ec2(account, 'DescribeInstances', { Filters: [{ Name: `tag:${BUILD_TAG}`, Values: ['b-1'] }] }).Reservations[0].Instances[0].InstanceId).toBe(id);
    expect(ec2(account, 'TerminateInstances', { InstanceIds: [id] }).TerminatingInstances[0].CurrentState.Name).toBe('shutting-down');
  });

  test('the instance runs while it is invisible: its agent comes online as usual', () => {
    const id = onlineInstance(account, clock);

    expect(ec2(account, 'DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0].State.Name).toBe('running');
  });

  test('a new image is NotFound by id and for CreateTags, and absent from DescribeImages by owner, until the window ends', () => {
    const instanceId = onlineInstance(account, clock);
    const { ImageId } = ec2(account, 'CreateImage', { InstanceId: instanceId, Name: 'web-1', NoReboot: true });

    expect(errorOf(() => ec2(account, 'DescribeImages', { ImageIds: [ImageId] })).name).toBe('InvalidAMIID.NotFound');
    expect(errorOf(() => ec2(account, 'CreateTags', { Resources: [ImageId], Tags: [{ Key: 'a', Value: 'b' }] })).name).toBe('InvalidAMIID.NotFound');
    expect(ec2(account, 'DescribeImages', { Owners: ['self'] }).Images).toEqual([]);

    clock.tick(30_000);

    expect(ec2(account, 'DescribeImages', { ImageIds: [ImageId] }).Images[0].ImageId).toBe(ImageId);
  });

  test('a copy is invisible in its own region for the window', () => {
    const instanceId = onlineInstance(account, clock);
    const { ImageId } = ec2(account, 'CreateImage', { InstanceId: instanceId, Name: 'web-1', NoReboot: true });
    clock.tick(3_600_000);
    const copy = ec2(account, 'CopyImage', { SourceImageId: ImageId, SourceRegion: 'us-east-1', Name: 'web-1' }, 'eu-west-1');

    expect(errorOf(() => ec2(account, 'DescribeImages', { ImageIds: [copy.ImageId] }, 'eu-west-1')).name).toBe('InvalidAMIID.NotFound');
    clock.tick(30_000);
    expect(ec2(account, 'DescribeImages', { ImageIds: [copy.ImageId] }, 'eu-west-1').Images).toHaveLength(1);
  });

  test('a command is unknown to GetCommandInvocation for the window on top of SSM\'s usual moment', () => {
    const instanceId = onlineInstance(account, clock);
    const commandId = send(account, instanceId, ['echo hi']);

    clock.tick(29_000);
    expect(errorOf(() => ssm(account, 'GetCommandInvocation', { CommandId: commandId, InstanceId: instanceId })).name).toBe('InvocationDoesNotExist');
    expect(ssm(account, 'ListCommandInvocations', { CommandId: commandId }).CommandInvocations).toEqual([]);

    clock.tick(3_000);
    expect(ssm(account, 'GetCommandInvocation', { CommandId: commandId, InstanceId: instanceId }).Status).toBeDefined();
  });
});

describe('without the rule', () => {
  beforeEach(() => ({ account, clock } = setup()));

  test('a new instance is visible at once', () => {
    const id = launch(account);

    expect(ec2(account, 'DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0].InstanceId).toBe(id);
  });
});
