/**
 * What the interpreter knows of cmdlets before running one: their names and aliases, how their arguments bind
 * to parameters, and what a cmdlet may use of the interpreter running it (`CmdletHost`). The cmdlets themselves
 * are in `file-cmdlets.ts` and `system-cmdlets.ts`.
 */
import type { SimulatedFilesystem } from '../filesystem';
import type { Session } from './session';
import type { Statement } from './syntax';
import { enumerate, toBool, toText, Value } from './values';

const CMDLETS = ['Write-Output', 'Write-Host', 'Write-Error', 'Write-Warning', 'Write-Verbose', 'Write-Debug', 'Write-Information', 'Write-Progress',
  'Set-Location', 'Test-Path', 'Join-Path', 'New-Item', 'Copy-Item', 'Move-Item', 'Remove-Item', 'Set-Content', 'Add-Content', 'Out-File',
  'Get-Content', 'Get-FileHash', 'Start-Sleep', 'Install-WindowsFeature', 'Get-WindowsFeature', 'Restart-Computer', 'Out-Null', 'ForEach-Object',
  'Where-Object', 'Invoke-WebRequest'];
/** Each cmdlet's aliases (`mkdir` is New-Item for a directory). */
const ALIASES: Record<string, string[]> = {
  'Write-Output': ['echo', 'write'],
  'Set-Location': ['cd', 'sl', 'chdir'],
  'Get-Content': ['cat', 'gc', 'type'],
  'Copy-Item': ['copy', 'cp', 'cpi'],
  'Move-Item': ['move', 'mv', 'mi'],
  'Remove-Item': ['del', 'rm', 'rmdir', 'rd', 'ri', 'erase'],
  'New-Item': ['ni'],
  'mkdir': ['mkdir', 'md'],
  'Start-Sleep': ['sleep'],
  'ForEach-Object': ['%', 'foreach'],
  'Where-Object': ['?', 'where'],
  'Invoke-WebRequest': ['iwr', 'curl', 'wget'],
  'Add-Content': ['ac'],
  'Set-Content': ['sc'],
  'Install-WindowsFeature': ['add-windowsfeature'],
};
/** Cmdlet names and aliases, lower-cased, to the cmdlet. */
const COMMANDS = new Map<string, string>([
  ...CMDLETS.map((name): [string, string] => [name.toLowerCase(), name]),
  ...Object.entries(ALIASES).flatMap(([name, aliases]) => aliases.map((alias): [string, string] => [alias, name])),
]);
/** Parameters that take no value. */
const SWITCHES = new Set(['force', 'recurse', 'verbose', 'debug', 'whatif', 'confirm', 'includemanagementtools', 'includeallsubfeature', 'restart',
  'passthru', 'wait', 'nonewwindow', 'usebasicparsing', 'append', 'nonewline', 'raw', 'asjob']);

/** The cmdlet a command name (or alias, in any case) names; undefined for anything else. */
export function cmdletNamed(name: string): string | undefined {
  return COMMANDS.get(name.toLowerCase());
}

/** An argument as evaluated: `-Name` (`attached` for `-Name:value`), a value, or both. */
export interface EvaluatedArgument {
  readonly parameter?: string;
  readonly value: Value;
  readonly attached?: boolean;
}

/** A cmdlet's arguments: named parameters (lower-cased), switches, and the positional values. */
export interface Bound {
  readonly named: Map<string, Value>;
  readonly switches: Set<string>;
  readonly positional: Value[];
}

/** Binds a cmdlet's arguments: a parameter takes the next value unless it is a switch or has one attached. */
export function bind(args: EvaluatedArgument[]): Bound {
  const bound: Bound = { named: new Map(), switches: new Set(), positional: [] };
  for (let i = 0; i < args.length; i++) {
    const { parameter, value, attached } = args[i];
    const name = parameter?.toLowerCase();
    const takesNext = !attached && i + 1 < args.length && args[i + 1].parameter === undefined;
    if (name === undefined) bound.positional.push(value);
    else if (!SWITCHES.has(name)) bound.named.set(name, attached ? value : takesNext ? args[++i].value : null);
    else if (!attached || toBool(value)) bound.switches.add(name);
  }
  return bound;
}

/** The arguments as a native program receives them. */
export function programArguments(args: EvaluatedArgument[]): string[] {
  return args.flatMap(({ parameter, value, attached }) => (parameter === undefined ? enumerate(value).map(toText)
    : [`-${parameter}${attached ? `:${toText(value)}` : ''}`]));
}

/** What a cmdlet may use of the interpreter running it. */
export interface CmdletHost {
  readonly session: Session;
  readonly fs: SimulatedFilesystem;
  /** The running script's path, when it is a script file another one called. */
  readonly scriptPath?: string;
  /** Writes the running cmdlet's error (as its -ErrorAction says) and returns no output. */
  fail(command: string, message: string, category: string, id: string): Value[];
  /** Moves the virtual clock on by `ms`, and returns no output. */
  spend(ms: number): Value[];
  assign(name: string, value: Value): void;
  /** Runs statements (a script block's) and returns what they output. */
  capture(body: Statement[]): Value[];
  /** `& script.ps1 args`: runs a script the filesystem holds, and returns its output. */
  runScriptFile(path: string, args: string[]): Value[];
}

/** A cmdlet: its output, from its bound arguments and the pipeline's input. */
export type Cmdlet = (host: CmdletHost, bound: Bound, input: Value[]) => Value[];
