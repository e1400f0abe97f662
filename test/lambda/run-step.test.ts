import { CommandInvocation, ListCommandInvocationsCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, buildContext, BUILD_ID, ENV, freezeTime, INSTANCE_ID, recipe, setEnv, T0 } from './fixtures';
import { handler, stepComment } from '../../lambda/run-step';

const ssmMock = mockClient(SSMClient);

/** The state with step `index` (from 0) up next. */
function stateAtStep(index: number, build = buildContext()) {
  return bakeState({ build, instanceId: INSTANCE_ID, provision: { index, count: build.recipe.steps.length, results: [] } });
}

/** An invocation on the build instance as ListCommandInvocations reports it. */
function invocation(commandId: string, comment: string, extra: Partial<CommandInvocation> = {}): CommandInvocation {
  return {
    CommandId: commandId,
    InstanceId: INSTANCE_ID,
    Comment: comment,
    DocumentName: 'AWS-RunShellScript',
    Status: 'InProgress',
    StatusDetails: 'InProgress',
    RequestedDateTime: new Date(T0.getTime() - 10_000),
    ...extra,
  };
}

function givenInvocations(...invocations: CommandInvocation[]): void {
  ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: invocations });
}

function sentInput() {
  return ssmMock.commandCalls(SendCommandCommand)[0].args[0].input;
}

beforeEach(() => {
  ssmMock.reset();
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
  ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
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
    // SSM's status-change event ends the wait; the fallback checks grow from a minute to five.
    expect(result.poll).toMatchObject({
      seconds: 60, maxSeconds: 300, budgetSeconds: 1800 + 300, startedAt: T0.toISOString(), done: false, attempts: 0,
    });
    expect(result.poll?.schedule?.slice(0, 6)).toEqual([60, 90, 135, 203, 300, 300]);
    expect(result.poll?.fallback).toEqual({ round: 0, seconds: 60 });
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

  describe('a retried attempt never runs a step twice', () => {
    test('looks for an AWS-RunShellScript invocation on the build instance before sending', async () => {
      // WHEN
      await handler(stateAtStep(0));

      // THEN
      expect(ssmMock).toHaveReceivedCommandWith(ListCommandInvocationsCommand, {
        InstanceId: INSTANCE_ID,
        Filters: [{ key: 'DocumentName', value: 'AWS-RunShellScript' }],
      });
      const order = ssmMock.calls().map((call) => call.args[0].constructor.name);
      expect(order).toEqual(['ListCommandInvocationsCommand', 'SendCommandCommand']);
    });

    test('reuses the command an earlier attempt sent for this build and step, and sends nothing', async () => {
      // GIVEN
      givenInvocations(invocation('cmd-earlier', `cdk-ami-bakery ${BUILD_ID} step 2`));

      // WHEN
      const result = await handler(stateAtStep(1));

      // THEN
      expect(ssmMock).not.toHaveReceivedCommand(SendCommandCommand);
      expect(result.provision).toEqual({ index: 1, count: 3, results: [], commandId: 'cmd-earlier' });
      expect(result.poll).toMatchObject({ seconds: 60, budgetSeconds: 900 + 300, done: false });
    });

    test('reuses a command that already ended, whatever its outcome (check-step reports it)', async () => {
      givenInvocations(invocation('cmd-failed', `cdk-ami-bakery ${BUILD_ID} step 1`, { Status: 'Failed', StatusDetails: 'Failed' }));

      const result = await handler(stateAtStep(0));

      expect(result.provision?.commandId).toBe('cmd-failed');
      expect(ssmMock).not.toHaveReceivedCommand(SendCommandCommand);
    });

    test('commands of other steps, other builds and other documents do not count (step 1 is not step 10 or 12)', async () => {
      // GIVEN
      givenInvocations(
        invocation('cmd-step-10', `cdk-ami-bakery ${BUILD_ID} step 10`),
        invocation('cmd-step-12', `cdk-ami-bakery ${BUILD_ID} step 12`),
        invocation('cmd-step-2', `cdk-ami-bakery ${BUILD_ID} step 2`),
        invocation('cmd-other-build', 'cdk-ami-bakery exec-0002 step 1'),
        invocation('cmd-powershell', `cdk-ami-bakery ${BUILD_ID} step 1`, { DocumentName: 'AWS-RunPowerShellScript' }),
        invocation('cmd-no-comment', ''),
      );

      // WHEN
      const result = await handler(stateAtStep(0));

      // THEN
      expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 1);
      expect(result.provision?.commandId).toBe('cmd-1');
    });

    test('a command whose script never started (undeliverable, delivery timed out in either spelling, ...) is sent again', async () => {
      givenInvocations(
        invocation('cmd-undeliverable', `cdk-ami-bakery ${BUILD_ID} step 1`, { Status: 'Failed', StatusDetails: 'Undeliverable' }),
        invocation('cmd-delivery-timeout', `cdk-ami-bakery ${BUILD_ID} step 1`, { Status: 'TimedOut', StatusDetails: 'DeliveryTimedOut' }),
        invocation('cmd-delivery-timeout-doc', `cdk-ami-bakery ${BUILD_ID} step 1`, { Status: 'TimedOut', StatusDetails: 'Delivery Timed Out' }),
        invocation('cmd-platform', `cdk-ami-bakery ${BUILD_ID} step 1`, { Status: 'Failed', StatusDetails: 'InvalidPlatform' }),
        invocation('cmd-denied', `cdk-ami-bakery ${BUILD_ID} step 1`, { Status: 'Failed', StatusDetails: 'AccessDenied' }),
      );

      const result = await handler(stateAtStep(0));

      expect(ssmMock).toHaveReceivedCommandTimes(SendCommandCommand, 1);
      expect(result.provision?.commandId).toBe('cmd-1');
    });

    test('of several matching commands the newest is reused', async () => {
      givenInvocations(
        invocation('cmd-older', `cdk-ami-bakery ${BUILD_ID} step 1`, { RequestedDateTime: new Date(T0.getTime() - 60_000) }),
        invocation('cmd-newer', `cdk-ami-bakery ${BUILD_ID} step 1`, { RequestedDateTime: new Date(T0.getTime() - 5_000) }),
      );

      const result = await handler(stateAtStep(0));

      expect(result.provision?.commandId).toBe('cmd-newer');
    });

    test('reads every page of invocations', async () => {
      // GIVEN
      ssmMock.on(ListCommandInvocationsCommand)
        .resolvesOnce({ CommandInvocations: [invocation('cmd-other', `cdk-ami-bakery ${BUILD_ID} step 2`)], NextToken: 'page-2' })
        .resolvesOnce({ CommandInvocations: [invocation('cmd-earlier', `cdk-ami-bakery ${BUILD_ID} step 1`)] });

      // WHEN
      const result = await handler(stateAtStep(0));

      // THEN
      expect(ssmMock).toHaveReceivedCommandTimes(ListCommandInvocationsCommand, 2);
      expect(ssmMock.commandCalls(ListCommandInvocationsCommand)[1].args[0].input.NextToken).toBe('page-2');
      expect(result.provision?.commandId).toBe('cmd-earlier');
      expect(ssmMock).not.toHaveReceivedCommand(SendCommandCommand);
    });

    test('with a build id long enough to be cut, the comment keeps the step number, and a retry matches it', async () => {
      // GIVEN
      const build = buildContext({ buildId: 'b'.repeat(80) });
      const comments = [1, 2, 10].map((step) => stepComment(build.buildId, step));
      givenInvocations(invocation('cmd-step-1', comments[0]));

      // WHEN
      const retried = await handler(stateAtStep(0, build));
      const next = await handler(stateAtStep(1, build));

      // THEN
      for (const comment of comments) expect(comment.length).toBeLessThanOrEqual(100);
      expect(comments).toEqual([expect.stringMatching(/ step 1$/), expect.stringMatching(/ step 2$/), expect.stringMatching(/ step 10$/)]);
      expect(retried.provision?.commandId).toBe('cmd-step-1');
      expect(next.provision?.commandId).toBe('cmd-1');
      expect(sentInput().Comment).toBe(comments[1]);
    });

    test('ListCommandInvocations errors keep their AWS name and nothing is sent', async () => {
      ssmMock.on(ListCommandInvocationsCommand).rejects(awsError('AccessDeniedException', 'not allowed'));

      await expect(handler(stateAtStep(0))).rejects.toMatchObject({ name: 'AccessDeniedException' });
      expect(ssmMock).not.toHaveReceivedCommand(SendCommandCommand);
    });
  });
});
