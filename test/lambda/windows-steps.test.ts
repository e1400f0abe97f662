/**
 * How steps become SSM commands on a Windows build: powershell steps and reboots run AWS-RunPowerShellScript,
 * staged steps run the bakery's document with PowerShell that checks every file with Get-FileHash, the last
 * provisioning step generalises with EC2Launch, and Windows defaults apply.
 */
import { buildContext, recipe, setEnv } from './fixtures';
import { outputPlugin } from '../../lambda/shared/output-streams';
import { defaultAgentOnlineSeconds, defaultInstanceTypes } from '../../lambda/shared/recipe-defaults';
import { stepCommand } from '../../lambda/shared/step-command';
import type { ProvisioningStep } from '../../lambda/shared/step-schema';
import { stepTimeoutSeconds } from '../../lambda/shared/step-script';
import { PROVISION_STAGE, stageSteps, TEST_STAGE } from '../../lambda/shared/step-stage';
import { powershellQuote } from '../../lambda/shared/windows/powershell-script';
import { SYSPREP_STEP_NAME } from '../../lambda/shared/windows/sysprep-step';
import { platformNamedBy } from '../../src/recipe/platform-rules';

const BUCKET = 'bakery-staging';
const HASH = 'a'.repeat(64);

function windowsBuild(steps: ProvisioningStep[], extra: Record<string, unknown> = {}) {
  return buildContext({ platform: 'windows', recipe: recipe({ steps, ...extra }) });
}

beforeEach(() => {
  setEnv();
  Object.assign(process.env, { STAGING_LOCATION: `s3://${BUCKET}/staging/`, STAGED_FILES_DOCUMENT: 'bakery-staged-files' });
});

describe('Windows step commands', () => {
  test('a powershell step runs AWS-RunPowerShellScript: stop on error, environment, directory, commands, the last exit code', () => {
    const step = { powershell: { commands: ['Install-WindowsFeature Web-Server'], environment: { SITE: "o'brien" }, workingDirectory: 'C:\\site' } };
    const command = stepCommand(windowsBuild([step]), { list: 'steps', index: 0, step });

    expect(command).toEqual({
      documentName: 'AWS-RunPowerShellScript',
      parameters: {
        commands: ["$ErrorActionPreference = 'Stop'", "$env:SITE = 'o''brien'", "Set-Location -LiteralPath 'C:\\site'", 'Install-WindowsFeature Web-Server', 'exit $LASTEXITCODE'],
        executionTimeout: ['7200'],
      },
      timeoutSeconds: 7200,
    });
  });

  test('a reboot step on Windows exits 3010 once, with a marker per build and step', () => {
    const step = { reboot: {} };
    const command = stepCommand(windowsBuild([step]), { list: 'steps', index: 0, step });

    expect(command.documentName).toBe('AWS-RunPowerShellScript');
    expect(command.parameters.commands).toEqual([
      "if (Test-Path -LiteralPath 'C:\\ProgramData\\cdk-ami-bakery\\reboot-exec-0001-1') { exit 0 }",
      "$null = New-Item -ItemType Directory -Force -Path 'C:\\ProgramData\\cdk-ami-bakery'",
      "$null = New-Item -ItemType File -Force -Path 'C:\\ProgramData\\cdk-ami-bakery\\reboot-exec-0001-1'",
      'exit 3010',
    ]);
    expect(command.timeoutSeconds).toBe(1800);
  });

  test('a staged .ps1 script downloads to a Windows folder, checks every file, and runs with its arguments', () => {
    const step = { script: { source: `s3://${BUCKET}/staging/${HASH}/setup.ps1`, args: ['-Site', 'web'], environment: { APP_ENV: 'prod' } } };
    const command = stepCommand(windowsBuild([step]), { list: 'steps', index: 0, step });

    expect(command.documentName).toBe('bakery-staged-files');
    expect(command.parameters.downloadDirectory).toEqual([`C:\\ProgramData\\cdk-ami-bakery\\staging\\${HASH}`]);
    const commands = command.parameters.commands;
    expect(commands).toContain(`if ((Get-FileHash -Algorithm SHA256 -LiteralPath 'SHA256SUMS').Hash -ne '${HASH}') { throw 'SHA256SUMS does not match the staged layout ${HASH}' }`);
    expect(commands.slice(-3)).toEqual([
      "$env:APP_ENV = 'prod'",
      `& 'C:\\ProgramData\\cdk-ami-bakery\\staging\\${HASH}\\setup.ps1' '-Site' 'web'`,
      'exit $LASTEXITCODE',
    ]);
  });

  test.each([
    [`s3://${BUCKET}/staging/${HASH}/site/`, 'C:\\inetpub\\wwwroot', [
      "$null = New-Item -ItemType Directory -Force -Path 'C:\\inetpub\\wwwroot'",
      `Copy-Item -Path 'C:\\ProgramData\\cdk-ami-bakery\\staging\\${HASH}\\site\\*' -Destination 'C:\\inetpub\\wwwroot' -Recurse -Force`,
    ]],
    [`s3://${BUCKET}/staging/${HASH}/web.config`, 'C:\\inetpub\\wwwroot\\web.config', [
      "$null = New-Item -ItemType Directory -Force -Path 'C:\\inetpub\\wwwroot'",
      `Copy-Item -LiteralPath 'C:\\ProgramData\\cdk-ami-bakery\\staging\\${HASH}\\web.config' -Destination 'C:\\inetpub\\wwwroot\\web.config' -Force`,
    ]],
  ])('a file step copies %s to %s', (source, destination, expected) => {
    const step = { file: { source, destination } };
    const command = stepCommand(windowsBuild([step]), { list: 'steps', index: 0, step });

    expect(command.parameters.commands.slice(-2)).toEqual(expected);
  });
});

describe('where a Windows step\'s output streams', () => {
  test.each([
    [{ powershell: { commands: ['Get-Date'] } }, 'aws-runPowerShellScript'],
    [{ reboot: {} }, 'aws-runPowerShellScript'],
    [{ file: { source: `s3://${BUCKET}/staging/${HASH}/a.conf`, destination: 'C:\\a.conf' } }, 'runStepWindows'],
    [{ document: { name: 'AWS-RunPowerShellScript', parameters: { commands: ['Get-Date'] } } }, 'aws-runPowerShellScript'],
    [{ document: { name: 'AWS-RunPatchBaseline', parameters: { Operation: ['Install'] } } }, undefined],
  ])('%j streams as %s', (step, plugin) => {
    expect(outputPlugin(step as ProvisioningStep, 'windows')).toBe(plugin);
  });
});

describe('the generalise step', () => {
  test('comes last in a Windows build\'s provisioning, never in tests, and not with "sysprep": false', () => {
    const steps = [{ powershell: { commands: ['Get-Date'] } }];
    const build = windowsBuild(steps, { tests: steps });

    expect(stageSteps(build, PROVISION_STAGE).map((step) => step.powershell?.name)).toEqual([undefined, SYSPREP_STEP_NAME]);
    expect(stageSteps(build, TEST_STAGE)).toHaveLength(1);
    expect(stageSteps(windowsBuild(steps, { windows: { sysprep: false } }), PROVISION_STAGE)).toHaveLength(1);
    expect(stageSteps(buildContext(), PROVISION_STAGE)).toHaveLength(3);
  });

  test('runs EC2Launch v2\'s sysprep, and says what to do when EC2Launch v2 is missing', () => {
    const build = windowsBuild([{ powershell: { commands: ['Get-Date'] } }]);
    const [, sysprep] = stageSteps(build, PROVISION_STAGE);
    const { parameters } = stepCommand(build, { list: 'steps', index: 1, step: sysprep });

    expect(parameters.commands).toContain('& $ec2launch sysprep --clean');
    expect(parameters.commands.join('\n')).toContain('set "windows": {"sysprep": false}');
  });
});

describe('Windows defaults and platform names', () => {
  test('instance types, agent wait and step limits suit Windows', () => {
    expect(defaultInstanceTypes('x86_64', 'windows')).toEqual(['t3.medium']);
    expect(defaultInstanceTypes('x86_64')).toEqual(['t3.small']);
    expect(defaultAgentOnlineSeconds('windows')).toBe(1800);
    expect(defaultAgentOnlineSeconds('linux')).toBe(600);
    expect(stepTimeoutSeconds({ powershell: { commands: ['x'] } }, 'windows')).toBe(7200);
    expect(stepTimeoutSeconds({ shell: { commands: ['x'] } })).toBe(3600);
  });

  test.each([
    [{ ssmParameter: '/aws/service/ami-windows-latest/Windows_Server-2025-English-Core-Base' }, 'windows'],
    [{ filter: { owners: ['amazon'], name: 'Windows_Server-2022-English-Full-Base-*' } }, 'windows'],
    [{ ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' }, 'linux'],
    [{ ssmParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }, 'linux'],
    [{ ssmParameter: '/images/golden/latest' }, undefined],
    [{ amiId: 'ami-0123456789abcdef0' }, undefined],
  ])('the source %j names platform %s', (source, platform) => {
    expect(platformNamedBy(source as { ssmParameter?: string })).toBe(platform);
  });

  test('PowerShell quoting doubles single quotes', () => {
    expect(powershellQuote("it's")).toBe("'it''s'");
  });
});
