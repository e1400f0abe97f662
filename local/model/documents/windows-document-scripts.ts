/**
 * What the AWS documents of the bundled catalog do on a simulated Windows instance, written as PowerShell for the
 * simulated PowerShell: plausible output and durations, downloads that fail when the object is missing, and
 * AWS-RunPatchBaseline's restart after an install (exit 3010 once, as the document's reboot does).
 */
import { DocumentScript, downloadProblem, first, Parameters } from './aws-document-scripts';
import type { S3Reader } from './s3-reader';

type WindowsScriptBuilder = (parameters: Parameters, s3: S3Reader) => DocumentScript;

const quoted = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const say = (...lines: string[]): string[] => lines.map((line) => `Write-Output ${quoted(line)}`);
const sleep = (seconds: number): string => `Start-Sleep -Seconds ${seconds}`;
const powershell = (pluginName: string, lines: string[]): DocumentScript => ({ pluginName, script: lines.join('\n'), language: 'powershell' });

const PATCH_REBOOT_MARKER = 'C:\\ProgramData\\Amazon\\PatchBaselineOperations\\rebooted-after-install';

function patchBaseline(parameters: Parameters): DocumentScript {
  const operation = first(parameters, 'Operation');
  const reboot = first(parameters, 'RebootOption', 'RebootIfNeeded') === 'RebootIfNeeded';
  if (operation !== 'Install') {
    return powershell('PatchWindows', [...say('Patch baseline operation: Scan'), sleep(40), ...say('Scan found 6 missing updates.', 'Patch compliance: NON_COMPLIANT')]);
  }
  return powershell('PatchWindows', [
    `if (Test-Path -LiteralPath ${quoted(PATCH_REBOOT_MARKER)}) {`,
    ...say('Instance restarted after installing updates; reporting compliance.', 'Patch compliance: COMPLIANT'),
    'exit 0',
    '}',
    ...say('Patch baseline operation: Install', 'Searching Windows Update for updates in the patch baseline...'),
    sleep(240),
    ...say('Installed 6 updates: 4 security, 2 critical.'),
    ...(reboot
      ? [...say('A restart is required to finish installing updates; restarting (RebootOption RebootIfNeeded).'),
        `$null = New-Item -ItemType File -Force -Path ${quoted(PATCH_REBOOT_MARKER)}`, 'exit 3010']
      : say('RebootOption NoReboot: the instance stays non-compliant until it restarts.')),
  ]);
}

function updateAgent(): DocumentScript {
  return powershell('aws:updateSsmAgent', [...say('Updating Amazon SSM Agent from 3.3.1142.0 to 3.3.1802.0'), sleep(40), ...say('Successfully updated Amazon SSM Agent to 3.3.1802.0')]);
}

function configurePackage(parameters: Parameters): DocumentScript {
  const action = first(parameters, 'action');
  const name = first(parameters, 'name');
  const version = first(parameters, 'version') || 'latest';
  const verb = action === 'Install' ? 'installed' : 'uninstalled';
  return powershell('configurePackage', [...say(`${action} ${name} (version ${version})`), sleep(25), ...say(`Successfully ${verb} arn:aws:ssm:::package/${name} ${version}`)]);
}

function remoteScript(parameters: Parameters, s3: S3Reader): DocumentScript {
  const problem = downloadProblem(parameters, s3);
  const lines = problem ? [`throw ${quoted(`Failed to download content: ${problem}`)}`] : [...say(`Running ${first(parameters, 'commandLine')}`), sleep(10)];
  return powershell('runPowerShellScript', lines);
}

function configureDocker(parameters: Parameters): DocumentScript {
  const action = first(parameters, 'action');
  return powershell('configureDocker', [...say(`${action} Docker`), sleep(60), ...say(action === 'Install' ? 'Docker is installed and running.' : 'Docker is uninstalled.')]);
}

function installApplication(parameters: Parameters): DocumentScript {
  const source = first(parameters, 'source');
  return powershell('installApplication', [...say(`Downloading ${source}`, `Running msiexec.exe /i ${source} ${first(parameters, 'parameters')}`), sleep(45),
    ...say('Installation completed successfully.')]);
}

/** The simulated behaviour of each catalog document that runs on Windows, by name. */
export const WINDOWS_DOCUMENT_SCRIPTS: Readonly<Record<string, WindowsScriptBuilder>> = {
  'AWS-RunPowerShellScript': (parameters) => powershell('aws:runPowerShellScript', parameters.commands ?? []),
  'AWS-RunPatchBaseline': patchBaseline,
  'AWS-UpdateSSMAgent': updateAgent,
  'AWS-ConfigureAWSPackage': configurePackage,
  'AWS-RunRemoteScript': remoteScript,
  'AWS-ConfigureDocker': configureDocker,
  'AWS-InstallApplication': installApplication,
};
