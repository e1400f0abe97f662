import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { advanceSeconds, awsError, bakeState, freezeTime, INSTANCE_ID, pollState, setEnv, T0 } from './fixtures';
import { handler } from '../../lambda/check-agent';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);

function givenInstanceState(name: string): void {
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: INSTANCE_ID, State: { Name: name as never } }] }] });
}

function givenPingStatus(status: 'Online' | 'ConnectionLost' | undefined): void {
  ssmMock.on(DescribeInstanceInformationCommand).resolves({
    InstanceInformationList: status ? [{ InstanceId: INSTANCE_ID, PingStatus: status }] : [],
  });
}

function waitingState(poll = pollState()) {
  return bakeState({
    instanceId: INSTANCE_ID,
    phases: [{ name: 'prepare', startedAt: T0.toISOString() }, { name: 'wait-for-agent', startedAt: T0.toISOString() }],
    poll,
  });
}

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('check-agent', () => {
  test('an Online agent ends the loop, enters provision and sets up the step progress', async () => {
    // GIVEN
    givenInstanceState('running');
    givenPingStatus('Online');
    advanceSeconds(40);

    // WHEN
    const result = await handler(waitingState());

    // THEN
    expect(result.poll?.done).toBe(true);
    expect(result.provision).toEqual({ index: 0, count: 3, results: [] });
    expect(result.phases[result.phases.length - 1]).toEqual({ name: 'provision', startedAt: new Date(T0.getTime() + 40_000).toISOString() });
    expect(ssmMock).toHaveReceivedCommandWith(DescribeInstanceInformationCommand, { Filters: [{ Key: 'InstanceIds', Values: [INSTANCE_ID] }] });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, { InstanceIds: [INSTANCE_ID] });
  });

  test('a pending instance means another poll, 1.5 times longer, without asking SSM', async () => {
    givenInstanceState('pending');

    const result = await handler(waitingState(pollState({ seconds: 10 })));

    expect(result.poll).toMatchObject({ done: false, seconds: 15, attempts: 1 });
    expect(result.provision).toBeUndefined();
    expect(ssmMock.calls()).toHaveLength(0);
  });

  test('an agent that has not registered yet means another poll, the wait capped at maxSeconds', async () => {
    givenInstanceState('running');
    givenPingStatus(undefined);

    const result = await handler(waitingState(pollState({ seconds: 25, maxSeconds: 30 })));

    expect(result.poll).toMatchObject({ done: false, seconds: 30 });
  });

  test('an instance EC2 does not list yet counts as pending', async () => {
    ec2Mock.on(DescribeInstancesCommand).rejects(awsError('InvalidInstanceID.NotFound'));

    const result = await handler(waitingState());

    expect(result.poll?.done).toBe(false);
  });

  test('a spent budget throws AgentNotOnline saying what to check', async () => {
    givenInstanceState('running');
    givenPingStatus('ConnectionLost');
    const poll = pollState({ budgetSeconds: 600 }, 601);

    const result = handler(waitingState(poll));

    await expect(result).rejects.toMatchObject({ name: 'AgentNotOnline' });
    await expect(result).rejects.toThrow(/did not come online within 600 s \(instance running, SSM ping status ConnectionLost\)/);
    await expect(result).rejects.toThrow(/NAT gateway, or VPC endpoints for ssm, ssmmessages and ec2messages/);
    await expect(result).rejects.toThrow(/instance profile bakery-build-profile still grants ssm:UpdateInstanceInformation and the ec2messages and ssmmessages actions/);
  });

  test.each(['terminated', 'shutting-down', 'stopped'])('a %s instance throws InstanceLost', async (stateName) => {
    givenInstanceState(stateName);

    await expect(handler(waitingState())).rejects.toMatchObject({
      name: 'InstanceLost',
      message: expect.stringContaining(`${INSTANCE_ID} is ${stateName}`),
    });
  });

  test('the next wait never runs past the end of the budget', async () => {
    givenInstanceState('running');
    givenPingStatus(undefined);

    const result = await handler(waitingState(pollState({ seconds: 20, budgetSeconds: 600 }, 590)));

    expect(result.poll?.seconds).toBe(10);
  });
});
