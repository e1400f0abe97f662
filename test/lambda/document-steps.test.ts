/**
 * `document` steps: Prepare checks the document and its parameters before anything is launched, the step
 * runs with its own document and parameters, and `validExitCodes` decide which exit codes count as success.
 */
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeDocumentCommand, GetCommandInvocationCommand, ListCommandInvocationsCommand, SendCommandCommand, SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, BUILD_ID, buildContext, freezeTime, INSTANCE_ID, pollState, recipe, registered, serveCatalog, setEnv, SOURCE_AMI, T0 } from './fixtures';
import { handler as checkStep } from '../../lambda/check-step';
import { handler as prepare } from '../../lambda/prepare';
import { handler as runStep } from '../../lambda/run-step';
import type { ProvisioningStep } from '../../lambda/shared/recipe-schema';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const s3Mock = mockClient(S3Client);

function givenLinuxSource(): void {
  ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({
    Images: [{ ImageId: SOURCE_AMI, Name: 'ubuntu-24.04', State: 'available', Architecture: 'x86_64', RootDeviceName: '/dev/sda1' }],
  });
  ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: [] });
}

/** Prepare's verdict on a recipe whose only step is `step`. */
async function prepareProblems(step: ProvisioningStep): Promise<string[]> {
  try {
    await prepare({ input: registered(s3Mock, recipe({ steps: [step] })), executionName: BUILD_ID });
    return [];
  } catch (error) {
    expect((error as Error).name).toBe('InvalidRecipe');
    return (error as Error).message.split('\n');
  }
}

/** The state with `step` as the recipe's only step, up next or running as cmd-1. */
function stateWith(step: ProvisioningStep, running = false) {
  const build = buildContext({ recipe: recipe({ steps: [step] }) });
  return bakeState({
    build,
    instanceId: INSTANCE_ID,
    provision: { index: 0, count: 1, results: [], ...(running ? { commandId: 'cmd-1' } : {}) },
    ...(running ? { stepStartedAt: T0.toISOString(), poll: pollState({ budgetSeconds: 4000 }) } : {}),
  });
}

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  s3Mock.reset();
  serveCatalog(s3Mock);
  setEnv();
  freezeTime();
  givenLinuxSource();
});

afterEach(() => {
  jest.useRealTimers();
  delete process.env.COMMAND_DOCUMENTS;
});

describe('Prepare checks document steps before anything is launched', () => {
  test('an AWS document the bakery knows, with good parameters, needs no call to SSM', async () => {
    const problems = await prepareProblems({ document: { name: 'AWS-RunPatchBaseline', parameters: { Operation: ['Install'], RebootOption: 'NoReboot' } } });

    expect(problems).toEqual([]);
    expect(ssmMock).not.toHaveReceivedCommand(DescribeDocumentCommand);
  });

  test('a pinned version of an AWS document the bakery knows is checked against the catalog, with no call the runner may not make', async () => {
    const problems = await prepareProblems({ document: { name: 'AWS-RunPatchBaseline', documentVersion: '3', parameters: { Operation: ['Install'] } } });

    expect(problems).toEqual([]);
    expect(ssmMock).not.toHaveReceivedCommand(DescribeDocumentCommand);
  });

  test('unknown, missing and disallowed parameters are named with the fix', async () => {
    expect(await prepareProblems({ document: { name: 'AWS-RunPatchBaseline', parameters: { Operation: ['Upgrade'], Reboot: ['no'] } } })).toEqual([
      'steps[0].document.parameters.Operation: "Upgrade" is not allowed; use one of "Scan", "Install"',
      'steps[0].document.parameters.Reboot: AWS-RunPatchBaseline has no parameter "Reboot"; it takes Operation, SnapshotId, InstallOverrideList, ' +
        'BaselineOverride, RebootOption, AssociationId',
    ]);
    expect(await prepareProblems({ document: { name: 'AWS-ConfigureAWSPackage', parameters: { name: 'AmazonCloudWatchAgent' } } })).toEqual([
      'steps[0].document.parameters: AWS-ConfigureAWSPackage needs "action" (no default); add it to parameters',
    ]);
    expect(await prepareProblems({ document: { name: 'AWS-ApplyAnsiblePlaybooks', parameters: { SourceType: 'S3', TimeoutSeconds: '99999' } } }))
      .toEqual(['steps[0].document.parameters.TimeoutSeconds: "99999" does not match the document\'s pattern ^[1-9][0-9]{0,3}$']);
  });

  test('a document for another platform, or a step longer than the document allows, is refused', async () => {
    expect(await prepareProblems({ document: { name: 'AWS-RunPowerShellScript', parameters: { commands: ['Get-Date'] } } })).toEqual([
      'steps[0].document.name: AWS-RunPowerShellScript runs on Windows only, and the source image is Linux; use a document for this platform or another source image',
    ]);
    expect(await prepareProblems({ document: { name: 'AWS-ApplyAnsiblePlaybooks', parameters: { SourceType: 'S3' }, timeoutSeconds: 20000 } })).toEqual([
      'steps[0].document.timeoutSeconds: AWS-ApplyAnsiblePlaybooks runs for at most 9999 s (its TimeoutSeconds parameter); lower timeoutSeconds to 9999 or less',
    ]);
  });

  test('a document no registered recipe names is refused without asking SSM', async () => {
    const problems = await prepareProblems({ document: { name: 'Team-Harden' } });

    expect(problems).toEqual([expect.stringMatching(/^steps\[0\]\.document\.name: this bakery runs the AWS documents it knows \(AWS-RunShellScript, .*\) and the documents its registered recipes name; "Team-Harden" is neither\. Add a recipe that uses it to the AmiBakery/)]);
    expect(ssmMock).not.toHaveReceivedCommand(DescribeDocumentCommand);
  });

  test('a registered document is described by SSM: its parameters are checked, and a missing one is named', async () => {
    process.env.COMMAND_DOCUMENTS = 'Team-Harden,Team-Gone';
    ssmMock.on(DescribeDocumentCommand, { Name: 'Team-Harden' }).resolves({
      Document: {
        Name: 'Team-Harden',
        DocumentType: 'Command',
        Status: 'Active',
        PlatformTypes: ['Linux'],
        Parameters: [{ Name: 'Level', Type: 'String' }, { Name: 'Extra', Type: 'String', DefaultValue: '' }],
      },
    });
    ssmMock.on(DescribeDocumentCommand, { Name: 'Team-Gone' }).rejects(awsError('InvalidDocument', 'Document with name Team-Gone does not exist.'));

    expect(await prepareProblems({ document: { name: 'Team-Harden', parameters: { Level: '2' } } })).toEqual([]);
    expect(await prepareProblems({ document: { name: 'Team-Harden' } })).toEqual([
      'steps[0].document.parameters: Team-Harden needs "Level" (no default); add it to parameters',
    ]);
    expect(await prepareProblems({ document: { name: 'Team-Gone' } })).toEqual([
      'steps[0].document.name: SSM document "Team-Gone" does not exist in this account and region (or is not shared with it); check the name, or create the document first',
    ]);
  });
});

describe('a document step runs with its own document', () => {
  test('SendCommand names the document and its parameters, and the step timeout becomes the document\'s own time limit', async () => {
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
    ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    const step = { document: { name: 'AWS-ApplyAnsiblePlaybooks', parameters: { SourceType: 'S3', SourceInfo: '{"path": "https://s3.amazonaws.com/b/k/"}' }, timeoutSeconds: 1200 } };

    const result = await runStep(stateWith(step));

    expect(ssmMock).toHaveReceivedCommandWith(ListCommandInvocationsCommand, { Filters: [{ key: 'DocumentName', value: 'AWS-ApplyAnsiblePlaybooks' }] });
    expect(ssmMock).toHaveReceivedCommandWith(SendCommandCommand, {
      DocumentName: 'AWS-ApplyAnsiblePlaybooks',
      Parameters: { SourceType: ['S3'], SourceInfo: ['{"path": "https://s3.amazonaws.com/b/k/"}'], TimeoutSeconds: ['1200'] },
    });
    expect(result.poll?.budgetSeconds).toBe(1200 + 300);
  });

  test('without a timeoutSeconds the wait lasts as long as the document\'s own default limit', async () => {
    ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
    ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });

    const result = await runStep(stateWith({ document: { name: 'AWS-RunShellScript', documentVersion: '1', parameters: { commands: ['true'], executionTimeout: '7200' } } }));

    expect(ssmMock).toHaveReceivedCommandWith(SendCommandCommand, { DocumentName: 'AWS-RunShellScript', DocumentVersion: '1', Parameters: { commands: ['true'], executionTimeout: ['7200'] } });
    expect(result.poll?.budgetSeconds).toBe(7200 + 300);
  });
});

describe('validExitCodes', () => {
  test('an exit code the step lists counts as success even though SSM says Failed', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 2 });

    const result = await checkStep(stateWith({ shell: { commands: ['grep -q x /etc/motd'], validExitCodes: [0, 2] } }, true));

    expect(result.provision?.results).toEqual([expect.objectContaining({ step: 1, kind: 'shell', status: 'Success', exitCode: 2 })]);
    expect(result.poll?.done).toBe(true);
  });

  test('exit code 0 fails a step whose validExitCodes leave it out, and the message says which codes it accepts', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: 'done\n' });

    await expect(checkStep(stateWith({ document: { name: 'AWS-RunPatchBaseline', parameters: { Operation: 'Scan' }, validExitCodes: [3] } }, true))).rejects.toMatchObject({
      name: 'ProvisioningStepFailed',
      message: expect.stringMatching(/^step 1 of 1 \(document: AWS-RunPatchBaseline\) ended Success \(Success\) with exit code 0 after 0 s, which is not one of its validExitCodes \[3\]\.\n/),
    });
  });

  test('a timed-out command fails the step whatever its validExitCodes', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1 });

    await expect(checkStep(stateWith({ shell: { commands: ['sleep 9999'], validExitCodes: [-1, 0] } }, true))).rejects.toMatchObject({ name: 'ProvisioningStepFailed' });
  });
});
