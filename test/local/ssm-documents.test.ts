/**
 * SSM documents in the simulator: the AWS documents of the bundled catalog run with their parameters checked
 * as SSM checks them, and the account's own documents (CreateDocument) run their shell steps and downloads.
 */
import { agentOf, ec2, errorOf, launch, onlineInstance, setup, ssm, waitForInvocation, FakeClock } from './helpers';
import { SimulatedAccount } from '../../local/model';
import { AWS_DOCUMENT_SCRIPTS } from '../../local/model/documents/aws-document-scripts';
import { WINDOWS_DOCUMENT_SCRIPTS } from '../../local/model/documents/windows-document-scripts';
import { AWS_DOCUMENTS } from '../../src/recipe/aws-documents';

let account: SimulatedAccount;
let clock: FakeClock;

beforeEach(() => ({ account, clock } = setup()));
afterEach(() => clock.uninstall());

function sendDocument(instanceId: string, DocumentName: string, Parameters: Record<string, string[]> = {}): string {
  return ssm(account, 'SendCommand', { DocumentName, InstanceIds: [instanceId], Parameters }).Command.CommandId;
}

const HARDEN = {
  schemaVersion: '2.2',
  description: 'Hardens the instance',
  parameters: { Level: { type: 'String', allowedValues: ['1', '2'] }, Banner: { type: 'String', default: 'authorised use only' } },
  mainSteps: [
    { action: 'aws:runShellScript', name: 'harden', precondition: { StringEquals: ['platformType', 'Linux'] }, inputs: { runCommand: ['echo level {{ Level }}', 'echo {{ Banner }} > /etc/motd'] } },
    { action: 'aws:runPowerShellScript', name: 'hardenWindows', precondition: { StringEquals: ['platformType', 'Windows'] }, inputs: { runCommand: ['exit 1'] } },
  ],
};

describe('AWS documents of the catalog', () => {
  test('AWS-RunPatchBaseline Install reboots the instance once and ends in Success, reported by its plugin', () => {
    const id = onlineInstance(account, clock);
    const commandId = sendDocument(id, 'AWS-RunPatchBaseline', { Operation: ['Install'] });

    const result = waitForInvocation(account, clock, commandId, id);

    expect(result).toMatchObject({ Status: 'Success', ResponseCode: 0, PluginName: 'PatchLinux', DocumentName: 'AWS-RunPatchBaseline' });
    expect(result.StandardOutputContent).toContain('Installed 14 patches');
    expect(result.StandardOutputContent).toContain('Patch compliance: COMPLIANT');
    expect(account.region().instances.get(id)!.reboots).toHaveLength(1);
  });

  test('parameters are checked as SSM checks them: unknown, disallowed and missing ones are InvalidParameters', () => {
    const id = onlineInstance(account, clock);

    expect(errorOf(() => sendDocument(id, 'AWS-RunPatchBaseline', { Operation: ['Upgrade'] }))).toMatchObject({ name: 'InvalidParameters' });
    expect(errorOf(() => sendDocument(id, 'AWS-RunPatchBaseline', { Operation: ['Scan'], Reboot: ['no'] })).message).toBe('Parameter "Reboot" is not a parameter of this document.');
    expect(errorOf(() => sendDocument(id, 'AWS-ConfigureAWSPackage', { name: ['AmazonCloudWatchAgent'] })).message).toBe('Parameter "action" is required.');
    expect(errorOf(() => sendDocument(id, 'AWS-RunShellScript', { commands: ['true'], executionTimeout: ['172801'] })).name).toBe('InvalidParameters');
    expect(errorOf(() => sendDocument(id, 'Team-Nope')).name).toBe('InvalidDocument');
  });

  test('AWS-ApplyAnsiblePlaybooks fails when its S3 source is missing, and runs the playbook when it is there', () => {
    const id = onlineInstance(account, clock);
    account.createBucket('playbooks-123');
    const source = (key: string) => ({ SourceType: ['S3'], SourceInfo: [JSON.stringify({ path: `https://s3.amazonaws.com/playbooks-123/${key}` })], PlaybookFile: ['site.yml'] });

    const missing = waitForInvocation(account, clock, sendDocument(id, 'AWS-ApplyAnsiblePlaybooks', source('web/')), id);
    account.invoke('s3', 'PutObject', { Bucket: 'playbooks-123', Key: 'web/site.yml', Body: '- hosts: all' });
    const present = waitForInvocation(account, clock, sendDocument(id, 'AWS-ApplyAnsiblePlaybooks', source('web/')), id);

    expect(missing).toMatchObject({ Status: 'Failed', ResponseCode: 1 });
    expect(missing.StandardOutputContent).toContain('The specified key does not exist: s3://playbooks-123/web/');
    expect(present).toMatchObject({ Status: 'Success' });
    expect(present.StandardOutputContent).toContain('PLAY RECAP');
  });
});

describe('the account\'s own documents', () => {
  test('CreateDocument, then DescribeDocument lists its parameters and platforms, and SendCommand runs its Linux step', () => {
    ssm(account, 'CreateDocument', { Name: 'Team-Harden', DocumentType: 'Command', DocumentFormat: 'JSON', Content: JSON.stringify(HARDEN) });
    const id = onlineInstance(account, clock);

    const described = ssm(account, 'DescribeDocument', { Name: 'Team-Harden' }).Document;
    const result = waitForInvocation(account, clock, sendDocument(id, 'Team-Harden', { Level: ['2'] }), id);

    expect(described).toMatchObject({ Name: 'Team-Harden', DocumentType: 'Command', Status: 'Active', PlatformTypes: ['Linux', 'Windows'] });
    expect(described.Parameters).toEqual([
      { Name: 'Level', Type: 'String', Description: '' },
      { Name: 'Banner', Type: 'String', Description: '', DefaultValue: 'authorised use only' },
    ]);
    expect(result).toMatchObject({ Status: 'Success', PluginName: 'harden' });
    expect(result.StandardOutputContent).toContain('level 2');
    expect(account.region().instances.get(id)!.files.has('/etc/motd')).toBe(true);
    expect(errorOf(() => sendDocument(id, 'Team-Harden', { Level: ['3'] })).name).toBe('InvalidParameters');
  });

  test('documents the simulator cannot run, names AWS reserves, and names taken are refused at CreateDocument', () => {
    const withPlugin = (action: string) => JSON.stringify({ ...HARDEN, mainSteps: [{ action, name: 'x', inputs: {} }] });

    expect(errorOf(() => ssm(account, 'CreateDocument', { Name: 'Team-Docker', Content: withPlugin('aws:configureDocker') })).message)
      .toMatch(/^The simulator runs documents whose steps are .*; step x is aws:configureDocker\.$/);
    expect(errorOf(() => ssm(account, 'CreateDocument', { Name: 'AWS-Mine', Content: JSON.stringify(HARDEN) })).name).toBe('InvalidDocumentContent');
    ssm(account, 'CreateDocument', { Name: 'Team-Harden', Content: JSON.stringify(HARDEN) });
    expect(errorOf(() => ssm(account, 'CreateDocument', { Name: 'Team-Harden', Content: JSON.stringify(HARDEN) })).name).toBe('DocumentAlreadyExists');
    expect(errorOf(() => ssm(account, 'DescribeDocument', { Name: 'Team-Nope' })).name).toBe('InvalidDocument');
    expect(ssm(account, 'DescribeDocument', { Name: 'AWS-RunPatchBaseline' }).Document).toMatchObject({ Owner: 'Amazon', DocumentType: 'Command' });
  });
});

test('every document of the catalog runs on the simulated platforms the catalog says it runs on', () => {
  for (const definition of Object.values(AWS_DOCUMENTS)) {
    const runs = { Linux: definition.name in AWS_DOCUMENT_SCRIPTS, Windows: definition.name in WINDOWS_DOCUMENT_SCRIPTS };
    expect({ name: definition.name, windows: runs.Windows }).toEqual({ name: definition.name, windows: definition.platforms.includes('Windows') });
    if (definition.platforms.includes('Linux')) expect({ name: definition.name, linux: runs.Linux }).toEqual({ name: definition.name, linux: true });
  }
});

describe('Windows instances', () => {
  const WINDOWS_PARAMETER = '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base';

  function windowsInstance(): string {
    const imageId = ssm(account, 'GetParameter', { Name: WINDOWS_PARAMETER }).Parameter.Value;
    const id = launch(account, {
      ImageId: imageId,
      InstanceType: 't3.medium',
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }],
    });
    clock.tick(30_000);
    expect(agentOf(account, id)).toBeUndefined(); // Windows setup takes minutes on the first boot of a generalised image
    clock.tick(420_000);
    expect(agentOf(account, id)).toBe('Online');
    return id;
  }

  test('AWS-RunPowerShellScript runs PowerShell, exit 3010 restarts once, and the platform is reported as Windows', () => {
    const id = windowsInstance();
    const marker = 'C:\\ProgramData\\once';
    const commands = [`if (Test-Path -LiteralPath '${marker}') { Write-Output 'back'; exit 0 }`, `$null = New-Item -ItemType File -Force -Path '${marker}'`, 'exit 3010'];

    const result = waitForInvocation(account, clock, sendDocument(id, 'AWS-RunPowerShellScript', { commands }), id);

    expect(result).toMatchObject({ Status: 'Success', ResponseCode: 0, PluginName: 'aws:runPowerShellScript' });
    expect(result.StandardOutputContent).toContain('back');
    expect(account.region().instances.get(id)!.reboots).toHaveLength(1);
    const info = ssm(account, 'DescribeInstanceInformation', { Filters: [{ Key: 'InstanceIds', Values: [id] }] }).InstanceInformationList[0];
    expect(info).toMatchObject({ PlatformType: 'Windows', PlatformName: 'Microsoft Windows Server 2022 Datacenter' });
  });

  test('a document with no step for the platform fails with InvalidPlatform and runs nothing, either way round', () => {
    const windows = windowsInstance();
    const linux = onlineInstance(account, clock);

    const onWindows = waitForInvocation(account, clock, sendDocument(windows, 'AWS-RunShellScript', { commands: ['touch /tmp/x'] }), windows);
    const onLinux = waitForInvocation(account, clock, sendDocument(linux, 'AWS-RunPowerShellScript', { commands: ['Get-Date'] }), linux);
    const ansible = { SourceType: ['S3'], SourceInfo: ['{"path": "https://s3.amazonaws.com/b/site/"}'], PlaybookFile: ['site.yml'] };
    const ansibleOnWindows = waitForInvocation(account, clock, sendDocument(windows, 'AWS-ApplyAnsiblePlaybooks', ansible), windows);

    for (const result of [onWindows, onLinux, ansibleOnWindows]) expect(result).toMatchObject({ Status: 'Failed', StatusDetails: 'InvalidPlatform', ResponseCode: -1 });
  });

  test('an own document runs its Windows step on Windows and its Linux step on Linux', () => {
    ssm(account, 'CreateDocument', { Name: 'Team-Harden', DocumentType: 'Command', Content: JSON.stringify(HARDEN) });
    const windows = windowsInstance();

    const result = waitForInvocation(account, clock, sendDocument(windows, 'Team-Harden', { Level: ['1'] }), windows);

    expect(result).toMatchObject({ Status: 'Failed', ResponseCode: 1, PluginName: 'hardenWindows' });
  });

  test('EC2Launch sysprep generalises the instance, and the image made from it', () => {
    const id = windowsInstance();
    const commands = ['& "$env:ProgramFiles\\Amazon\\EC2Launch\\EC2Launch.exe" sysprep --clean', 'exit $LASTEXITCODE'];
    expect(waitForInvocation(account, clock, sendDocument(id, 'AWS-RunPowerShellScript', { commands }), id)).toMatchObject({ Status: 'Success' });

    const { ImageId } = ec2(account, 'CreateImage', { InstanceId: id, Name: 'generalised-1' });

    expect(account.region().images.get(ImageId)!.generalized).toBe(true);
  });
});
