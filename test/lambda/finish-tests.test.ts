import { CreateTagsCommand, EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, buildContext, IMAGE_ID, recipe, setEnv } from './fixtures';
import { handler } from '../../lambda/finish-tests';
import { TAG_KEYS } from '../../lambda/shared/tags';

const ec2Mock = mockClient(EC2Client);
const TEST_INSTANCE = 'i-0000000000000test1';
const SNAPSHOT = 'snap-0000000000000000a';
const TESTS = [{ shell: { commands: ['systemctl is-active nginx'] } }];

function testedState(index = 1) {
  return bakeState({
    build: buildContext({ recipe: recipe({ tests: TESTS }) }),
    imageId: IMAGE_ID,
    snapshotIds: [SNAPSHOT],
    tests: { index, count: 1, instanceId: TEST_INSTANCE, results: [{ step: 1, kind: 'shell', status: 'Success', exitCode: 0, seconds: 3 }] },
  });
}

beforeEach(() => {
  ec2Mock.reset();
  setEnv();
  ec2Mock.on(TerminateInstancesCommand).resolves({});
  ec2Mock.on(CreateTagsCommand).resolves({});
});

describe('finish-tests', () => {
  test('terminates the test instance, tags the image and its snapshots tested=true, and the copies to come', async () => {
    const state = await handler(testedState());

    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: [TEST_INSTANCE] });
    expect(ec2Mock).toHaveReceivedCommandWith(CreateTagsCommand, { Resources: [IMAGE_ID, SNAPSHOT], Tags: [{ Key: TAG_KEYS.tested, Value: 'true' }] });
    expect(state.build?.imageTags[TAG_KEYS.tested]).toBe('true');
    expect(state.phases.map((phase) => phase.name).pop()).toBe('distribute');
  });

  test('a test instance that refuses termination ends the step with CleanupIncomplete, before anything is tagged', async () => {
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('UnauthorizedOperation'));

    await expect(handler(testedState())).rejects.toMatchObject({ name: 'CleanupIncomplete' });
    expect(ec2Mock).not.toHaveReceivedCommand(CreateTagsCommand);
  });

  test('refuses a state whose tests have not all run', async () => {
    await expect(handler(testedState(0))).rejects.toMatchObject({ name: 'InvalidState' });
    expect(ec2Mock).not.toHaveReceivedCommand(TerminateInstancesCommand);
  });
});
