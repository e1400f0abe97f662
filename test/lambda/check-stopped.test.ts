import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, freezeTime, INSTANCE_ID, pollState, setEnv } from './fixtures';
import { handler as checkStopped } from '../../lambda/check-stopped';

const ec2Mock = mockClient(EC2Client);

function givenInstanceState(name: string): void {
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: INSTANCE_ID, State: { Name: name as never } }] }] });
}

beforeEach(() => {
  ec2Mock.reset();
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('check-stopped', () => {
  const stopping = (poll = pollState({ seconds: 15 })) => bakeState({ instanceId: INSTANCE_ID, poll });

  test('a stopped instance ends the loop', async () => {
    givenInstanceState('stopped');

    const result = await checkStopped(stopping());

    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, { InstanceIds: [INSTANCE_ID] });
    expect(result.poll?.done).toBe(true);
  });

  test('a stopping instance means another poll', async () => {
    givenInstanceState('stopping');

    const result = await checkStopped(stopping());

    expect(result.poll).toMatchObject({ done: false, seconds: 23, attempts: 1 });
  });

  test.each(['terminated', 'shutting-down'])('a %s instance throws InstanceLost', async (name) => {
    givenInstanceState(name);

    await expect(checkStopped(stopping())).rejects.toMatchObject({ name: 'InstanceLost', message: expect.stringContaining(`is ${name}`) });
  });

  test('an instance EC2 no longer knows throws InstanceLost', async () => {
    ec2Mock.on(DescribeInstancesCommand).rejects(awsError('InvalidInstanceID.NotFound'));

    await expect(checkStopped(stopping())).rejects.toMatchObject({ name: 'InstanceLost', message: expect.stringContaining('is gone') });
  });

  test('an instance still stopping after the budget throws InstanceStopTimeout', async () => {
    givenInstanceState('stopping');

    await expect(checkStopped(stopping(pollState({ budgetSeconds: 900 }, 900)))).rejects.toMatchObject({
      name: 'InstanceStopTimeout',
      message: expect.stringContaining(`${INSTANCE_ID} did not stop within 900 s (it is stopping)`),
    });
  });
});
