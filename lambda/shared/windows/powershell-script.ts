/**
 * PowerShell for Windows build instances, run by AWS-RunPowerShellScript or the staged-files document's Windows
 * step: quoting, environment variables, a `powershell` step's script, and the reboot step's script (exit 3010
 * asks the SSM agent to reboot and run the script again, once).
 */

/** The exit code that makes the SSM agent reboot and re-run the script (Windows). */
export const WINDOWS_REBOOT_EXIT_CODE = 3010;

/** Where the bakery keeps its markers on a Windows instance. */
export const WINDOWS_MARKER_DIRECTORY = 'C:\\ProgramData\\cdk-ami-bakery';

/** A value in PowerShell single quotes: `it's` becomes `'it''s'`. */
export function powershellQuote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `$env:NAME = 'value'` for each variable of a step's `environment`. */
export function environmentAssignments(environment: Record<string, string> | undefined): string[] {
  return Object.entries(environment ?? {}).map(([name, value]) => `$env:${name} = ${powershellQuote(value)}`);
}

/** Stops at the first failing cmdlet, as `set -e` does for the shell steps. */
export const STOP_ON_ERROR = "$ErrorActionPreference = 'Stop'";

/** The program exit code the step ends with, as Packer's powershell provisioner does (`exit $LASTEXITCODE`). */
export const EXIT_WITH_LAST_CODE = 'exit $LASTEXITCODE';

export interface PowerShellStepFields {
  readonly commands: string[];
  readonly environment?: Record<string, string>;
  readonly workingDirectory?: string;
}

/** The script of a `powershell` step: stop on error, environment, working directory, the commands, the last exit code. */
export function powershellStepCommands(step: PowerShellStepFields): string[] {
  return [
    STOP_ON_ERROR,
    ...environmentAssignments(step.environment),
    ...(step.workingDirectory ? [`Set-Location -LiteralPath ${powershellQuote(step.workingDirectory)}`] : []),
    ...step.commands,
    EXIT_WITH_LAST_CODE,
  ];
}

/** The marker path of a reboot step (see `rebootMarkerPath` for Linux); the build id keeps only safe characters. */
export function windowsRebootMarkerPath(buildId: string, stepNumber: number | string): string {
  return `${WINDOWS_MARKER_DIRECTORY}\\reboot-${buildId.replace(/[^A-Za-z0-9._-]/g, '_')}-${stepNumber}`;
}

/** A reboot step on Windows: exit 3010 once, then 0 when the agent runs the script again after the restart. */
export function windowsRebootCommands(buildId: string, stepNumber: number | string): string[] {
  const marker = powershellQuote(windowsRebootMarkerPath(buildId, stepNumber));
  return [
    `if (Test-Path -LiteralPath ${marker}) { exit 0 }`,
    `$null = New-Item -ItemType Directory -Force -Path ${powershellQuote(WINDOWS_MARKER_DIRECTORY)}`,
    `$null = New-Item -ItemType File -Force -Path ${marker}`,
    `exit ${WINDOWS_REBOOT_EXIT_CODE}`,
  ];
}
