import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommandInvocationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { advanceSeconds, awsError, bakeState, freezeTime, INSTANCE_ID, pollState, setEnv, T0 } from './fixtures';
import { handler } from '../../lambda/check-step';

const ssmMock = mockClient(SSMClient);
const logsMock = mockClient(CloudWatchLogsClient);
const s3Mock = mockClient(S3Client);

/** The state while step `index` (from 0) runs as command cmd-1, sent at T0. */
function runningState(index = 0, poll = pollState({ seconds: 5, budgetSeconds: 2100 })) {
  return bakeState({
    instanceId: INSTANCE_ID,
    provision: { index, count: 3, commandId: 'cmd-1', results: index > 0 ? [{ step: 1, kind: 'shell', status: 'Success', exitCode: 0, seconds: 3 }] : [] },
    stepStartedAt: T0.toISOString(),
    poll,
  });
}

/** Output of `count` numbered lines: "line 1" ... "line <count>". */
function numberedLines(count: number, prefix = 'line'): string {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';
}

beforeEach(() => {
  ssmMock.reset();
  logsMock.reset();
  s3Mock.reset();
  logsMock.on(GetLogEventsCommand).rejects(awsError('ResourceNotFoundException', 'The specified log stream does not exist.'));
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('check-step', () => {
  test('while the command runs, the state carries its latest output lines from the log group, stdout and stderr in time order', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress', StandardOutputContent: '' });
    const stream = (name: string) => `cmd-1/${INSTANCE_ID}/aws-runShellScript/${name}`;
    logsMock.on(GetLogEventsCommand, { logStreamName: stream('stdout') })
      .resolves({ events: [{ timestamp: 1, message: 'Reading package lists...' }, { timestamp: 3, message: 'Setting up nginx' }] });
    logsMock.on(GetLogEventsCommand, { logStreamName: stream('stderr') }).resolves({ events: [{ timestamp: 2, message: 'debconf: falling back' }] });

    const result = await handler(runningState());

    expect(logsMock).toHaveReceivedCommandWith(GetLogEventsCommand, { logGroupName: '/cdk-ami-bakery/bakery-test/output', startFromHead: false });
    expect(result.provision?.outputTail).toEqual(['Reading package lists...', 'debconf: falling back', 'Setting up nginx']);
  });

  test('the live tail of a script step is read from its staged-files document\'s step; a document the bakery does not know has none', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress', StandardOutputContent: '' });
    logsMock.on(GetLogEventsCommand, { logStreamName: `cmd-1/${INSTANCE_ID}/runStep/stdout` }).resolves({ events: [{ timestamp: 1, message: 'installing' }] });
    const withStep = (step: object) => {
      const state = runningState();
      return { ...state, build: { ...state.build!, recipe: { ...state.build!.recipe, steps: [step as any] } } };
    };

    const script = await handler(withStep({ script: { source: `s3://b/staging/${'a'.repeat(64)}/x.sh` } }));
    logsMock.resetHistory();
    const document = await handler(withStep({ document: { name: 'Team-Harden' } }));

    expect(script.provision?.outputTail).toEqual(['installing']);
    expect(document.provision?.outputTail).toBeUndefined();
    expect(logsMock.calls()).toHaveLength(0);
  });

  test('a check awaited with a task token reads no live output: its running state is thrown away', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress', StandardOutputContent: '' });
    s3Mock.on(PutObjectCommand).resolves({});

    await handler({ state: runningState(), taskToken: 'AQtoken' });

    expect(s3Mock).toHaveReceivedCommand(PutObjectCommand);
    expect(ssmMock).toHaveReceivedCommand(GetCommandInvocationCommand);
    expect(logsMock.calls()).toHaveLength(0);
  });

  test('no stream yet, or logs that cannot be read, mean no tail and never a failed step', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress' });
    expect((await handler(runningState())).provision?.outputTail).toEqual([]);
    logsMock.on(GetLogEventsCommand).rejects(awsError('AccessDeniedException'));
    expect((await handler(runningState())).provision?.outputTail).toEqual([]);
  });

  test('InvocationDoesNotExist right after SendCommand counts as pending', async () => {
    ssmMock.on(GetCommandInvocationCommand).rejects(awsError('InvocationDoesNotExist'));

    const result = await handler(runningState());

    expect(ssmMock).toHaveReceivedCommandWith(GetCommandInvocationCommand, { CommandId: 'cmd-1', InstanceId: INSTANCE_ID });
    expect(result.poll).toMatchObject({ done: false, seconds: 8, attempts: 1 });
    expect(result.provision?.index).toBe(0);
  });

  test.each(['Pending', 'InProgress', 'Delayed'])('%s means another poll', async (status) => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: status as never });

    const result = await handler(runningState());

    expect(result.poll?.done).toBe(false);
  });

  test('Success records the result, moves to the next step and ends the loop', async () => {
    // GIVEN
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'Success', ResponseCode: 0, StandardOutputContent: 'ok' });
    advanceSeconds(42);

    // WHEN
    const result = await handler(runningState(1));

    // THEN
    expect(result.poll?.done).toBe(true);
    expect(result.provision).toEqual({
      index: 2,
      count: 3,
      commandId: 'cmd-1',
      results: [
        { step: 1, kind: 'shell', status: 'Success', exitCode: 0, seconds: 3 },
        { step: 2, kind: 'reboot', status: 'Success', exitCode: 0, seconds: 42 },
      ],
    });
  });

  test('Failed throws ProvisioningStepFailed with the step, status, exit code, time and last 20 lines of output', async () => {
    // GIVEN
    ssmMock.on(GetCommandInvocationCommand).resolves({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 100,
      StandardOutputContent: numberedLines(25),
      StandardErrorContent: 'E: Unable to locate package nginx\n',
    });
    advanceSeconds(7);

    // WHEN
    const result = handler(runningState(0));

    // THEN
    const expectedTail = [...Array.from({ length: 19 }, (_, i) => `line ${i + 7}`), 'E: Unable to locate package nginx'].join('\n');
    await expect(result).rejects.toMatchObject({
      name: 'ProvisioningStepFailed',
      message: 'step 1 of 3 (shell: install nginx) ended Failed (Failed) with exit code 100 after 7 s.\n' +
        `Last 20 lines of output:\n${expectedTail}\n` +
        'The full output is in CloudWatch Logs group /cdk-ami-bakery/bakery-test/output (command cmd-1).',
    });
  });

  test('TimedOut with truncated inline output says so', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
      ResponseCode: -1,
      StandardOutputContent: 'x'.repeat(24000),
    });

    const result = handler(runningState(2));

    await expect(result).rejects.toMatchObject({ name: 'ProvisioningStepFailed' });
    await expect(result).rejects.toThrow(
      /^step 3 of 3 \(shell\) ended TimedOut \(ExecutionTimedOut\) with exit code -1 after 0 s: the command ran past its timeout and SSM stopped it\./);
    await expect(result).rejects.toThrow('SSM kept only the start of the output inline');
  });

  test('a failed step whose inline output SSM cut shows the last 20 lines from the command-output log group', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 2, StandardOutputContent: 'x'.repeat(24000) });
    const stream = (name: string) => `cmd-1/${INSTANCE_ID}/aws-runShellScript/${name}`;
    const written = Array.from({ length: 25 }, (_, index) => ({ timestamp: index, message: `line ${index + 1}` }));
    logsMock.on(GetLogEventsCommand, { logStreamName: stream('stdout') }).resolves({ events: written.slice(-20) });
    logsMock.on(GetLogEventsCommand, { logStreamName: stream('stderr') }).resolves({ events: [{ timestamp: 30, message: 'E: broken pipe' }] });

    const failure: Error = await handler(runningState()).catch((error) => error);

    const tail = failure.message.split('Last 20 lines of output:\n')[1].split('\n').slice(0, 20);
    expect(tail).toEqual([...Array.from({ length: 19 }, (_, index) => `line ${index + 7}`), 'E: broken pipe']);
    expect(failure.message).toContain('these lines are the last the command wrote to CloudWatch Logs');
    expect(logsMock).toHaveReceivedCommandWith(GetLogEventsCommand, { logStreamName: stream('stdout'), limit: 20, startFromHead: false });
  });

  test.each([['Cancelled', 'Cancelled'], ['Cancelled', 'Terminated']])('%s (%s) throws ProvisioningStepFailed', async (status, details) => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: status as never, StatusDetails: details });

    await expect(handler(runningState())).rejects.toMatchObject({ name: 'ProvisioningStepFailed', message: expect.stringContaining(`ended ${status} (${details})`) });
  });

  test.each(['Undeliverable', 'DeliveryTimedOut', 'InvalidPlatform', 'AccessDenied'])('%s: the script never ran, so the step is sent again', async (details) => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'Failed', StatusDetails: details, ResponseCode: -1 });

    const result = await handler(runningState());

    expect(result.poll?.done).toBe(true);
    expect(result.provision).toMatchObject({ index: 0, sends: 2 });
    expect(result.provision?.commandId).toBeUndefined();
  });

  test.each([
    ['DeliveryTimedOut', 'TimedOut', 'the SSM agent did not pick the command up before its delivery timeout (the instance went offline or could not reach SSM)'],
    ['Delivery Timed Out', 'TimedOut', 'the SSM agent did not pick the command up before its delivery timeout (the instance went offline or could not reach SSM)'],
    ['InvalidPlatform', 'Failed', 'the document does not run on this instance\'s platform'],
    ['AccessDenied', 'Failed', 'the instance was not allowed to run the document'],
  ])('StatusDetails %s (as SSM spells it, or its reference) is explained in the failure', async (details, status, explanation) => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: status as never, StatusDetails: details, ResponseCode: -1 });
    const lastSend = runningState();

    await expect(handler({ ...lastSend, provision: { ...lastSend.provision!, sends: 3 } }))
      .rejects.toThrow(`(${details}) with exit code -1 after 0 s: ${explanation}; SSM ended all 3 sends of it without running it.`);
  });

  test.each(['Delayed', 'Cancelling'])('%s is still running: the check waits', async (status) => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: status as never, StatusDetails: status });

    await expect(handler(runningState())).resolves.toMatchObject({ poll: { done: false } });
  });

  test('a command still running after the budget throws StepTimedOut', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress' });

    const result = handler(runningState(0, pollState({ budgetSeconds: 2100 }, 2100)));

    await expect(result).rejects.toMatchObject({
      name: 'StepTimedOut',
      message: expect.stringContaining('step 1 of 3 (shell: install nginx) did not finish within 2100 s (status InProgress, command cmd-1)'),
    });
  });
});
