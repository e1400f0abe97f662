import { DescribeImagesCommand, EC2Client, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, freezeTime, IMAGE_ID, pollState, setEnv } from './fixtures';
import { handler } from '../../lambda/check-image';
import { awaitingEvent } from '../../lambda/shared/poll';

const ec2Mock = mockClient(EC2Client);
const s3Mock = mockClient(S3Client);
const sfnMock = mockClient(SFNClient);

const REGISTRATION = { Bucket: 'bakery-staging', Key: `waits/image/${IMAGE_ID}.json` };
const TOKEN = 'AQtoken'.padEnd(600, 'x');
const waiting = () => bakeState({ imageId: IMAGE_ID, poll: awaitingEvent(pollState({ seconds: 120, maxSeconds: 120, budgetSeconds: 3600 })) });
const amiEvent = (imageId = IMAGE_ID) => ({
  'source': 'aws.ec2', 'detail-type': 'EC2 AMI State Change', 'detail': { ImageId: imageId, State: 'available' },
});

function givenImageState(State: 'pending' | 'available' | 'failed'): void {
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: IMAGE_ID, State, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0000000000000000a' } }] }] });
}

function givenRegistered(state: unknown): void {
  const body = JSON.stringify({ taskToken: TOKEN, state });
  s3Mock.on(GetObjectCommand, REGISTRATION).callsFake(() => ({ Body: { transformToString: async () => body } }));
}

beforeEach(() => {
  ec2Mock.reset();
  s3Mock.reset();
  sfnMock.reset();
  ec2Mock.on(ModifyImageAttributeCommand).resolves({});
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

/** Moves fake timers on by `ms` in small steps, letting the handler's mocked calls (settled on real ticks) run in between. */
async function passMs(ms: number): Promise<void> {
  for (let passed = 0; passed < ms; passed += 100) {
    await new Promise((resolve) => setImmediate(resolve));
    await jest.advanceTimersByTimeAsync(100);
  }
}

describe('a check awaited with a task token', () => {
  test('registers the token before it checks, and while the image is pending leaves the task waiting', async () => {
    givenImageState('pending');

    await handler({ state: waiting(), taskToken: TOKEN });

    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, REGISTRATION);
    const registration = JSON.parse(String(s3Mock.commandCalls(PutObjectCommand)[0].args[0].input.Body));
    expect(registration).toEqual({ taskToken: TOKEN, state: waiting() });
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(s3Mock).not.toHaveReceivedCommand(DeleteObjectCommand);
  });

  test('sends the new state at once when the wait is already over, without the fallback schedule, and forgets the token', async () => {
    givenImageState('available');

    await handler({ state: waiting(), taskToken: TOKEN });

    const output = JSON.parse(sfnMock.commandCalls(SendTaskSuccessCommand)[0].args[0].input.output!);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
    expect(output).toMatchObject({ imageId: IMAGE_ID, snapshotIds: ['snap-0000000000000000a'], poll: { done: true } });
    expect(output.poll.schedule).toBeUndefined();
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, REGISTRATION);
  });

  test('sends a failure by the error\'s name, so Retry and Catch match it as for any task', async () => {
    givenImageState('failed');

    await handler({ state: waiting(), taskToken: TOKEN });

    expect(sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: TOKEN, error: 'ImageCreationFailed' });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, REGISTRATION);
  });

  test('EC2\'s event wakes the registered wait: the check runs from the registered state and sends the outcome', async () => {
    givenRegistered(waiting());
    givenImageState('available');

    await handler(amiEvent());

    expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, REGISTRATION);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, REGISTRATION);
  });

  test('an event no bake waits for changes nothing', async () => {
    s3Mock.on(GetObjectCommand).rejects(awsError('NoSuchKey'));

    await handler(amiEvent('ami-0fffffffffffffff0'));

    expect(ec2Mock).not.toHaveReceivedCommand(DescribeImagesCommand);
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  test('a task that already ended (its timeout, or another check sent it) is no error, and the registration stays: it may be the next task\'s', async () => {
    givenRegistered(waiting());
    givenImageState('available');
    sfnMock.on(SendTaskSuccessCommand).rejects(awsError('TaskTimedOut'));

    await expect(handler(amiEvent())).resolves.toBeUndefined();

    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(s3Mock).not.toHaveReceivedCommand(DeleteObjectCommand);
  });

  test('an event ahead of what DescribeImages shows is checked again after 1 and 2 s, and ends the wait once it shows', async () => {
    givenRegistered(waiting());
    const states: ('pending' | 'available')[] = ['pending', 'pending', 'available'];
    ec2Mock.on(DescribeImagesCommand).callsFake(() => ({
      Images: [{ ImageId: IMAGE_ID, State: states.shift() ?? 'available', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0000000000000000a' } }] }],
    }));
    jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });

    const handled = handler(amiEvent());
    await passMs(1_500);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeImagesCommand, 2);
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    await passMs(2_000);
    await handled;

    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeImagesCommand, 3);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
  });

  test('an event the check never sees come true leaves the wait to its fallback after three more looks', async () => {
    givenRegistered(waiting());
    givenImageState('pending');
    jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });

    const handled = handler(amiEvent());
    await passMs(8_000);
    await handled;

    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeImagesCommand, 4);
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(s3Mock).not.toHaveReceivedCommand(DeleteObjectCommand);
  });

  test('without a token, as before, one plain check returns the state', async () => {
    givenImageState('pending');

    const result = await handler(waiting());

    expect(result.poll?.done).toBe(false);
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
  });
});

describe('the fallback schedule of an awaited wait', () => {
  test('spaces the fallback checks as the loop would, the last landing on the end of the budget, with two to spare', () => {
    const poll = awaitingEvent(pollState({ seconds: 60, maxSeconds: 300, budgetSeconds: 1000 }));

    expect(poll.schedule).toEqual([60, 90, 135, 203, 300, 212, 300, 300]);
    expect(poll.schedule!.slice(0, -2).reduce((sum, seconds) => sum + seconds, 0)).toBe(1000);
    expect(poll.fallback).toEqual({ round: 0, seconds: 60 });
  });

  test('a schedule that does not grow ends with one wait for the rest of the budget', () => {
    const poll = awaitingEvent({ ...pollState({ seconds: 1, maxSeconds: 1, budgetSeconds: 3600 }), growth: 1 });

    expect(poll.schedule).toHaveLength(603);
    expect(poll.schedule!.slice(-3)).toEqual([3000, 3000, 3000]);
  });
});
