/**
 * The PowerShell a `script` or `file` step runs on Windows after the staged-files document downloaded its layout:
 * SHA256SUMS is checked against the hash in the key and every file against SHA256SUMS (Get-FileHash), then the
 * file is copied into place or the `.ps1` script runs. Prepare refuses `ansible`, `owner` and `mode` on Windows.
 */
import { environmentAssignments, EXIT_WITH_LAST_CODE, powershellQuote, STOP_ON_ERROR } from './powershell-script';
import { StagedSource, WINDOWS_STAGING_DIRECTORY } from '../../../src/staging/staging-location';
import type { ProvisioningStep } from '../step-schema';

type ScriptStep = NonNullable<ProvisioningStep['script']>;
type FileStep = NonNullable<ProvisioningStep['file']>;

/** Where the layout of a staged source is downloaded on a Windows instance. */
export function windowsDownloadDirectory(source: StagedSource): string {
  return `${WINDOWS_STAGING_DIRECTORY}\\${source.hash}`;
}

/** The script that checks the layout and runs the step. */
export function windowsStagedCommands(step: ProvisioningStep, source: StagedSource): string[] {
  const directory = windowsDownloadDirectory(source);
  const run = step.script ? scriptCommands(step.script, source, directory) : fileCommands(step.file!, source, directory);
  return [...verify(source, directory), ...run];
}

function verify(source: StagedSource, directory: string): string[] {
  const nested = powershellQuote(`${source.hash}\\SHA256SUMS`);
  return [
    STOP_ON_ERROR,
    `Set-Location -LiteralPath ${powershellQuote(directory)}`,
    // aws:downloadContent may put a folder's contents in a folder named after it: move them up, so the paths below hold.
    `if (-not (Test-Path -LiteralPath 'SHA256SUMS') -and (Test-Path -LiteralPath ${nested})) { ` +
      `Copy-Item -Path ${powershellQuote(`${source.hash}\\*`)} -Destination . -Recurse -Force }`,
    `if ((Get-FileHash -Algorithm SHA256 -LiteralPath 'SHA256SUMS').Hash -ne '${source.hash}') { ` +
      `throw 'SHA256SUMS does not match the staged layout ${source.hash}' }`,
    "foreach ($line in Get-Content -LiteralPath 'SHA256SUMS') {",
    "  $parts = $line -split ' [ *]', 2",
    '  $file = $parts[1]',
    '  if ((Get-FileHash -Algorithm SHA256 -LiteralPath $file).Hash -ne $parts[0]) { throw "$file does not match SHA256SUMS" }',
    '}',
  ];
}

/** A `.ps1` script runs with PowerShell's call operator; its exit code is the step's (3010 reboots and runs it again). */
function scriptCommands(step: ScriptStep, source: StagedSource, directory: string): string[] {
  const path = powershellQuote(`${directory}\\${source.entry.replace(/\//g, '\\')}`);
  return [
    ...environmentAssignments(step.environment),
    ...(step.workingDirectory ? [`Set-Location -LiteralPath ${powershellQuote(step.workingDirectory)}`] : []),
    ['&', path, ...(step.args ?? []).map(powershellQuote)].join(' '),
    EXIT_WITH_LAST_CODE,
  ];
}

/** A file goes to its destination (into it, when the destination ends with a separator); a folder's contents go into it. */
function fileCommands(step: FileStep, source: StagedSource, directory: string): string[] {
  const entry = `${directory}\\${source.entry.replace(/\//g, '\\')}`;
  const intoFolder = /[\\/]$/.test(step.destination);
  if (source.folder) {
    return [
      `$null = New-Item -ItemType Directory -Force -Path ${powershellQuote(step.destination)}`,
      `Copy-Item -Path ${powershellQuote(`${entry}*`)} -Destination ${powershellQuote(step.destination)} -Recurse -Force`,
    ];
  }
  const folder = intoFolder ? step.destination : step.destination.replace(/[\\/][^\\/]*$/, '') || step.destination;
  return [
    `$null = New-Item -ItemType Directory -Force -Path ${powershellQuote(folder)}`,
    `Copy-Item -LiteralPath ${powershellQuote(entry)} -Destination ${powershellQuote(step.destination)} -Force`,
  ];
}
