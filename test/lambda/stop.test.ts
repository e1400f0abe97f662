import { EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { bakeState, buildContext, freezeTime, INSTANCE_ID, recipe, setEnv, T0 } from './fixtures';
import { handler as stop } from '../../lambda/stop';

const ec2Mock = mockClient(EC2Client);

beforeEach(() => {
  ec2Mock.reset();
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('stop', () => {
  test('stops the build instance, enters the stop phase and awaits the state-change event (fallback checks every 60 s, the recipe budget)', async () => {
    ec2Mock.on(StopInstancesCommand).resolves({});
    const state = bakeState({ build: buildContext({ recipe: recipe({ timeouts: { instanceStopSeconds: 1200 } }) }), instanceId: INSTANCE_ID });

    const result = await stop(state);

    expect(ec2Mock).toHaveReceivedCommandWith(StopInstancesCommand, { InstanceIds: [INSTANCE_ID] });
    expect(result.phases[result.phases.length - 1]).toEqual({ name: 'stop', startedAt: T0.toISOString() });
    expect(result.poll).toEqual({
      seconds: 60,
      maxSeconds: 60,
      budgetSeconds: 1200,
      startedAt: T0.toISOString(),
      done: false,
      attempts: 0,
      schedule: Array(22).fill(60),
      fallback: { round: 0, seconds: 60 },
    });
  });

  test('uses the default stop budget of 900 s', async () => {
    ec2Mock.on(StopInstancesCommand).resolves({});

    const result = await stop(bakeState({ instanceId: INSTANCE_ID }));

    expect(result.poll?.budgetSeconds).toBe(900);
  });
});
