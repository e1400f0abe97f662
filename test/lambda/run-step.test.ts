import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, buildContext, BUILD_ID, ENV, freezeTime, INSTANCE_ID, recipe, setEnv, T0 } from './fixtures';
import { handler } from '../../lambda/run-step';

const ssmMock = mockClient(SSMClient);

/** The state with step `index` (from 0) up next. */
function stateAtStep(index: number, build = buildContext()) {
  return bakeState({ build, instanceId: INSTANCE_ID, provision: { index, count: build.recipe.steps.length, results: [] } });
}

function sentInput() {
  return ssmMock.commandCalls(SendCommandCommand)[0].args[0].input;
}

beforeEach(() => {
  ssmMock.reset();
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('run-step', () => {
  test('sends a shell step with AWS-RunShellScript, its run limit, a comment and output to CloudWatch Logs', async () => {
    // WHEN
    const result = await handler(stateAtStep(0));

    // THEN
    expect(ssmMock).toHaveReceivedCommandWith(SendCommandCommand, {
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [INSTANCE_ID],
      Parameters: { commands: ['set -e', 'apt-get update -y', 'apt-get install -y nginx'], executionTimeout: ['1800'] },
      Comment: `cdk-ami-bakery ${BUILD_ID} step 1`,
      CloudWatchOutputConfig: { CloudWatchLogGroupName: ENV.OUTPUT_LOG_GROUP, CloudWatchOutputEnabled: true },
    });
    expect(sentInput().TimeoutSeconds).toBeGreaterThanOrEqual(30);
    expect(result.provision).toEqual({ index: 0, count: 3, results: [], commandId: 'cmd-1' });
    expect(result.stepStartedAt).toBe(T0.toISOString());
    expect(result.poll).toEqual({ seconds: 5, maxSeconds: 30, budgetSeconds: 1800 + 300, startedAt: T0.toISOString(), done: false, attempts: 0 });
  });

  test('exports the environment before the commands, quoted for the shell, and passes the working directory', async () => {
    await handler(stateAtStep(2));

    expect(sentInput().Parameters).toEqual({
      commands: ['set -e', "export GREETING='it'\\''s me'", 'curl -fsS localhost >/dev/null'],
      workingDirectory: ['/tmp'],
      executionTimeout: ['3600'],
    });
  });

  test('a reboot step is a script that reboots once through exit code 194 and a marker file', async () => {
    await handler(stateAtStep(1));

    const marker = `/var/lib/cdk-ami-bakery/reboot-${BUILD_ID}-2`;
    expect(sentInput().Parameters?.commands).toEqual([
      `if [ -f ${marker} ]; then exit 0; fi`,
      'mkdir -p /var/lib/cdk-ami-bakery',
      `touch ${marker}`,
      'exit 194',
    ]);
    expect(sentInput().Comment).toBe(`cdk-ami-bakery ${BUILD_ID} step 2`);
  });

  test('the comment is cut to the 100 characters SSM accepts', async () => {
    await handler(stateAtStep(0, buildContext({ buildId: 'b'.repeat(80) })));

    expect(sentInput().Comment).toHaveLength(100);
    expect(sentInput().Comment).toMatch(/^cdk-ami-bakery b+/);
  });

  test('without an output log group the command sends no CloudWatch output config', async () => {
    delete process.env.OUTPUT_LOG_GROUP;

    await handler(stateAtStep(0));

    expect(sentInput().CloudWatchOutputConfig).toBeUndefined();
  });

  test('a step index past the recipe throws InvalidState and sends nothing', async () => {
    const build = buildContext({ recipe: recipe({ steps: [{ reboot: {} }] }) });

    await expect(handler(stateAtStep(1, build))).rejects.toMatchObject({ name: 'InvalidState' });
    expect(ssmMock.calls()).toHaveLength(0);
  });

  test('SendCommand errors keep their AWS name (the agent is not reachable yet)', async () => {
    ssmMock.on(SendCommandCommand).rejects(awsError('InvalidInstanceId', 'not registered'));

    await expect(handler(stateAtStep(0))).rejects.toMatchObject({ name: 'InvalidInstanceId' });
  });
});
