import {
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, BUILD_ID, freezeTime, givenTagged, IMAGE_ID, INSTANCE_ID, setEnv, SOURCE_AMI, T0 } from './fixtures';
import { errorMessage, handler } from '../../lambda/cleanup-failure';
import { TAG_KEYS } from '../../lambda/shared/tags';
import type { BakeState } from '../../lambda/shared/types';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const TAG_FILTER = [{ Name: `tag:${TAG_KEYS.buildId}`, Values: [BUILD_ID] }];

/** A Lambda error as Step Functions puts it at `$.error`. */
function lambdaError(errorType: string, message: string) {
  return { Error: errorType, Cause: JSON.stringify({ errorType, errorMessage: message, trace: ['at x'] }) };
}

/** The state of a bake caught failing in step 2 of provisioning. */
function failedInProvisioning(): BakeState {
  return bakeState({
    instanceId: INSTANCE_ID,
    phases: [{ name: 'prepare', startedAt: T0.toISOString() }, { name: 'provision', startedAt: T0.toISOString() }],
    provision: { index: 1, count: 3, commandId: 'cmd-2', results: [{ step: 1, kind: 'shell', status: 'Success', exitCode: 0, seconds: 3 }] },
    error: lambdaError('ProvisioningStepFailed', 'step 2 of 3 (shell) ended Failed (Failed) with exit code 1 after 4 s.'),
    failedPhase: 'provision',
  });
}

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  ec2Mock.on(TerminateInstancesCommand).resolves({});
  ec2Mock.on(DeregisterImageCommand).resolves({});
  ec2Mock.on(DeleteSnapshotCommand).resolves({});
  setEnv();
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('cleanup-failure', () => {
  test('makes no AWS call when Prepare failed, and reports the error with the recipe named in the input', async () => {
    // GIVEN
    // The shape "Failed in prepare" makes: the execution input (with the caught error) moved under `input`.
    const error = lambdaError('InvalidRecipe', 'steps: missing (required)');
    const state = { input: { recipeName: 'web', error }, error, failedPhase: 'prepare' as const, phases: [] };

    // WHEN
    const { failure } = await handler({ state, executionName: BUILD_ID });

    // THEN
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(ssmMock.calls()).toHaveLength(0);
    expect(failure).toEqual({
      error: 'InvalidRecipe',
      cause: `Bake ${BUILD_ID} of recipe "web" failed in prepare: steps: missing (required)`,
      manifest: {
        bakeryId: 'bakery-test',
        status: 'FAILED',
        buildId: BUILD_ID,
        recipe: 'web',
        sourceAmiId: null,
        artifacts: [],
        phases: [],
        steps: [],
        tests: [],
        leakedResources: [],
        error: { phase: 'prepare', step: null, message: 'steps: missing (required)' },
      },
    });
  });

  test('terminates the known instance and any other tagged one still alive', async () => {
    givenTagged(ec2Mock, {
      instances: [
        { InstanceId: INSTANCE_ID, State: { Name: 'running' } },
        { InstanceId: 'i-0000000000000000b', State: { Name: 'pending' } },
        { InstanceId: 'i-0000000000000000c', State: { Name: 'terminated' } },
      ],
    });

    await handler({ state: failedInProvisioning(), executionName: BUILD_ID });

    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, { Filters: TAG_FILTER });
    expect(ec2Mock.commandCalls(TerminateInstancesCommand).map((call) => call.args[0].input.InstanceIds)).toEqual([[INSTANCE_ID], ['i-0000000000000000b']]);
  });

  test('deregisters the half-made image, then deletes its snapshots and other snapshots tagged with the build', async () => {
    // GIVEN
    givenTagged(ec2Mock, {
      images: [{ ImageId: IMAGE_ID, BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: 'snap-0000000000000000a' } }] }],
      snapshots: [{ SnapshotId: 'snap-0000000000000000b' }],
    });
    const state = { ...failedInProvisioning(), imageId: IMAGE_ID, failedPhase: 'create-image' as const };

    // WHEN
    const { failure } = await handler({ state, executionName: BUILD_ID });

    // THEN
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, { Owners: ['self'], Filters: TAG_FILTER });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSnapshotsCommand, { OwnerIds: ['self'], Filters: TAG_FILTER });
    expect(ec2Mock).toHaveReceivedCommandWith(DeregisterImageCommand, { ImageId: IMAGE_ID });
    expect(ec2Mock.commandCalls(DeleteSnapshotCommand).map((call) => call.args[0].input.SnapshotId)).toEqual(['snap-0000000000000000a', 'snap-0000000000000000b']);
    const order = ec2Mock.calls().map((call) => call.args[0].constructor.name);
    expect(order.indexOf('DeregisterImageCommand')).toBeLessThan(order.indexOf('DeleteSnapshotCommand'));
    expect(failure.manifest).toMatchObject({ status: 'FAILED', artifacts: [], sourceAmiId: SOURCE_AMI, error: { phase: 'create-image', step: null } });
  });

  test('also removes the known image when its tags are not visible yet', async () => {
    givenTagged(ec2Mock, {});
    ec2Mock.on(DescribeImagesCommand, { ImageIds: [IMAGE_ID] }).resolves({ Images: [{ ImageId: IMAGE_ID }] });

    await handler({ state: { ...failedInProvisioning(), imageId: IMAGE_ID }, executionName: BUILD_ID });

    expect(ec2Mock).toHaveReceivedCommandWith(DeregisterImageCommand, { ImageId: IMAGE_ID });
  });

  test('reports the failed step, the error name and the Lambda errorMessage as the cause', async () => {
    givenTagged(ec2Mock, {});

    const { failure } = await handler({ state: failedInProvisioning(), executionName: BUILD_ID });

    expect(failure.error).toBe('ProvisioningStepFailed');
    expect(failure.cause).toBe(`Bake ${BUILD_ID} of recipe "web" failed in provision (step 2): step 2 of 3 (shell) ended Failed (Failed) with exit code 1 after 4 s.`);
    expect(failure.manifest.error).toEqual({ phase: 'provision', step: 2, message: 'step 2 of 3 (shell) ended Failed (Failed) with exit code 1 after 4 s.' });
    expect(failure.manifest.steps).toEqual([{ step: 1, kind: 'shell', status: 'Success', exitCode: 0, seconds: 3 }]);
  });

  test('an instance already gone is ignored; a resource it cannot remove yet ends the step with CleanupIncomplete', async () => {
    givenTagged(ec2Mock, { snapshots: [{ SnapshotId: 'snap-0000000000000000b' }] });
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('InvalidInstanceID.NotFound'));
    ec2Mock.on(DeleteSnapshotCommand).rejects(awsError('UnauthorizedOperation', 'not now'));

    await expect(handler({ state: failedInProvisioning(), executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'CleanupIncomplete',
      message: expect.stringContaining('snap-0000000000000000b'),
    });
  });

  test('a server-side error is thrown as TransientAwsError so the state machine retries the cleanup', async () => {
    givenTagged(ec2Mock, {});
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('InternalError', 'try again', 'server'));

    await expect(handler({ state: failedInProvisioning(), executionName: BUILD_ID })).rejects.toMatchObject({ name: 'TransientAwsError' });
  });

  test.each([
    [{ Error: 'States.Timeout' }, 'States.Timeout'],
    [{ Error: 'X', Cause: 'plain words' }, 'plain words'],
    [{ Error: 'X', Cause: '{"errorType":"X","errorMessage":"from lambda"}' }, 'from lambda'],
    [{ Error: 'X', Cause: '{"other":1}' }, '{"other":1}'],
  ])('the message of %j is %s', (error, message) => {
    expect(errorMessage(error)).toBe(message);
  });
});
