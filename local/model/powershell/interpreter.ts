/**
 * The simulated Windows PowerShell behind aws:runPowerShellScript and Windows user data: the counterpart of
 * `commands.ts`. Nothing is executed: each statement is traced (`+ <statement>`), takes a plausible amount of
 * virtual time and prints what PowerShell would. Files are the instance's, under `/C:/...` (windows-paths.ts).
 *
 * As `powershell.exe -File` (how the SSM agent runs a script): `exit N` ends the script with N; an uncaught
 * terminating error (`throw`, or any error while `$ErrorActionPreference` is `Stop`) prints its error record
 * and ends it with 1; otherwise the exit code is 0 — `$LASTEXITCODE` does not become it.
 * - cmdlets: Write-Output/-Host/-Error/-Warning, Set-Location, Test-Path, Join-Path, New-Item, Copy-Item,
 *   Move-Item, Remove-Item, Set-Content, Add-Content, Out-File, Get-Content, Get-FileHash, Start-Sleep,
 *   Install-WindowsFeature, Get-WindowsFeature, Restart-Computer, Out-Null, ForEach-Object, Where-Object and
 *   Invoke-WebRequest (-OutFile), with their usual aliases. A failing one writes an error and the script goes
 *   on, unless `Stop` applies (`-ErrorAction` too). Another Verb-Noun cmdlet succeeds after 1-3 s, printing nothing.
 * - `& script.ps1 args` runs a script the filesystem holds, its `exit N` (0 when it ends, 1 when it throws)
 *   becoming `$LASTEXITCODE`; EC2Launch.exe `sysprep` generalizes the instance; the image's other programs
 *   succeed after 2-5 s. Any other name "is not recognized" (an error that stops its statement).
 * - `Restart-Computer` (or `shutdown /r`) reboots behind the agent's back: the command is lost (exit -1).
 */
import { createHash } from 'node:crypto';
import type { ScriptLine, ScriptResult } from '../commands';
import type { SimulatedFilesystem } from '../filesystem';
import type { Prng } from '../ids';
import { Element, Expr, Located, parsePowerShell, Pipeline, PowerShellParseError, Redirection, Statement } from './parser';
import {
  canonicalPath, childrenOf, expandPath, fromSimulatedPath, isDirectoryPath, isImageProgramPath, leafOf, parentOf, pathExists, SYSTEM32,
  toSimulatedPath, wildcardPattern,
} from './windows-paths';

/** A .NET object a cmdlet returns: its properties, and how PowerShell shows it (a table row under a header). */
interface PsObject {
  readonly typeName: string;
  readonly properties: Readonly<Record<string, Value>>;
  readonly header?: readonly string[];
  readonly row?: string;
  readonly text?: string;
}
type Block = Extract<Expr, { kind: 'block' }>;
type Value = string | number | boolean | null | PsObject | Block | Value[];

/** An error record: the command that reports it, the message, and PowerShell's CategoryInfo and FullyQualifiedErrorId. */
interface ErrorRecord {
  readonly command: string;
  readonly message: string;
  readonly category: string;
  readonly id: string;
}

export interface PowerShellOptions {
  /** Variables set before the script starts (`env:NAME` sets an environment variable). */
  readonly variables?: Record<string, string>;
  /** When the script starts (epoch milliseconds), for the times PowerShell prints; a fixed day by default. */
  readonly startedAt?: number;
}

class TerminatingError { constructor(readonly record: ErrorRecord, readonly at: Located) {} }
/** An error that stops its statement (a runtime error, an unknown command); the script goes on unless `Stop` applies. */
class StatementError { constructor(readonly record: ErrorRecord) {} }
class ExitSignal { constructor(readonly code: number) {} }
class LoopSignal { constructor(readonly kind: 'break' | 'continue') {} }
class ReturnSignal {}
class RestartSignal {}

const RESTART_MESSAGE = "The SSM agent lost the command when the instance restarted outside SSM's control; use exit 3010 to reboot";
const DEFAULT_START = Date.UTC(2025, 0, 6, 9, 0, 0);
const UNATTEND = 'C:\\ProgramData\\Amazon\\EC2Launch\\sysprep\\unattend.xml';
/** Where Install-WindowsFeature records what it installed. */
const FEATURES = '/C:/Windows/simulated-features';

/** What installing a feature puts on disk that later steps rely on (IIS's site folder). */
const FEATURE_FILES: Record<string, string[]> = {
  'web-server': ['/C:/inetpub/wwwroot/iisstart.htm', '/C:/Windows/System32/inetsrv/w3wp.exe'],
};
const ENVIRONMENT: Record<string, string> = {
  'ProgramFiles': 'C:\\Program Files',
  'ProgramFiles(x86)': 'C:\\Program Files (x86)',
  'ProgramData': 'C:\\ProgramData',
  'ALLUSERSPROFILE': 'C:\\ProgramData',
  'SystemRoot': 'C:\\Windows',
  'windir': 'C:\\Windows',
  'SystemDrive': 'C:',
  'TEMP': 'C:\\Windows\\TEMP',
  'TMP': 'C:\\Windows\\TEMP',
  'USERNAME': 'SYSTEM',
  'USERPROFILE': 'C:\\Windows\\system32\\config\\systemprofile',
  'PATH': 'C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\',
};
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
/** Programs on the image's PATH that a bare name runs. */
const PROGRAMS = ['cmd', 'powershell', 'msiexec', 'choco', 'net', 'netsh', 'reg', 'dism', 'icacls', 'sfc', 'bcdedit', 'wevtutil', 'certutil',
  'schtasks', 'tzutil', 'w32tm', 'whoami', 'hostname', 'ipconfig', 'setx', 'robocopy', 'xcopy', 'takeown', 'wusa', 'winrm', 'shutdown', 'rundll32',
  'regsvr32', 'cscript', 'wmic', 'fsutil', 'auditpol', 'secedit', 'gpupdate', 'ec2launch'];
/** Parameters that take no value. */
const SWITCHES = new Set(['force', 'recurse', 'verbose', 'debug', 'whatif', 'confirm', 'includemanagementtools', 'includeallsubfeature', 'restart',
  'passthru', 'wait', 'nonewwindow', 'usebasicparsing', 'append', 'nonewline', 'raw', 'asjob']);
const HASH_ALGORITHMS = ['SHA1', 'SHA256', 'SHA384', 'SHA512', 'MD5'];
const HASH_HEADER = ['', `${'Algorithm'.padEnd(16)}${'Hash'.padEnd(71)}Path`, `${'---------'.padEnd(16)}${'----'.padEnd(71)}----`];
const FEATURE_RESULT_HEADER = ['', 'Success Restart Needed Exit Code      Feature Result', '------- -------------- ---------      --------------'];
const FEATURE_HEADER = ['', `${'Display Name'.padEnd(56)}${'Name'.padEnd(27)}Install State`,
  `${'------------'.padEnd(56)}${'----'.padEnd(27)}-------------`];
const itemHeader = (directory: string) => ['', `    Directory: ${directory}`, '', '', 'Mode                 LastWriteTime         Length Name',
  '----                 -------------         ------ ----'];
const commandClass = (command: string) => `Microsoft.PowerShell.Commands.${command.replace('-', '')}Command`;

const isObject = (value: Value): value is PsObject => typeof value === 'object' && value !== null && 'typeName' in value;
const isBlock = (value: Value): value is Block => typeof value === 'object' && value !== null && 'body' in value;

/** What a value sends down the pipeline: an array's elements, nothing for $null, else the value itself. */
function enumerate(value: Value): Value[] {
  return value === null ? [] : Array.isArray(value) ? value : [value];
}

/** A pipeline's output as one value: $null, the only value, or an array. */
function single(values: Value[]): Value {
  return values.length === 0 ? null : values.length === 1 ? values[0] : values;
}

function toText(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return value.map(toText).join(' ');
  if (isBlock(value)) return value.text;
  if (isObject(value)) return value.text ?? `@{${Object.entries(value.properties).map(([name, item]) => `${name}=${toText(item)}`).join('; ')}}`;
  return String(value);
}

function toBool(value: Value): boolean {
  if (Array.isArray(value)) return value.length > 1 || (value.length === 1 && toBool(value[0]));
  if (typeof value === 'string') return value !== '';
  return typeof value === 'number' ? value !== 0 : value !== null && value !== false;
}

function toNumber(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean' || value === null) return Number(value);
  const text = toText(value).trim();
  return text === '' ? 0 : /^[-+]?(0x[0-9a-f]+|\d*\.?\d+)$/i.test(text) ? Number(text) : NaN;
}

const runtimeError = (message: string, id: string, category = 'InvalidOperation: (:) [], RuntimeException'): StatementError =>
  new StatementError({ command: '', message, category, id });

/** A value as a number, or the error PowerShell gives for one that is not. */
function number(value: Value): number {
  const result = toNumber(value);
  if (!Number.isNaN(result)) return result;
  throw runtimeError(`Cannot convert value "${toText(value)}" to type "System.Int32". Error: "Input string was not in a correct format."`,
    'InvalidCastFromStringToInteger', 'InvalidArgument: (:) [], RuntimeException');
}

/** A .NET regular expression as a JavaScript one (they agree on the common syntax). */
function regex(pattern: string, caseSensitive: boolean, global = true): RegExp {
  try {
    return new RegExp(pattern, `${global ? 'g' : ''}${caseSensitive ? '' : 'i'}`);
  } catch {
    throw runtimeError(`The regular expression pattern ${pattern} is not valid.`, 'InvalidRegularExpression');
  }
}

/** `-eq`: the right operand is converted to the left one's type; strings compare without regard to case. */
function equals(left: Value, right: Value, caseSensitive: boolean): boolean {
  if (left === null || right === null) return left === right;
  if (typeof left === 'boolean') return left === toBool(right);
  if (typeof left === 'number') return left === toNumber(right);
  if (typeof left !== 'string') return left === right;
  return caseSensitive ? left === toText(right) : left.toLowerCase() === toText(right).toLowerCase();
}

function compare(left: Value, right: Value, caseSensitive: boolean): number {
  if (typeof left === 'number') return left - number(right);
  const [a, b] = [toText(left), toText(right)].map((text) => (caseSensitive ? text : text.toLowerCase()));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `-split`: by a regular expression, into at most `max` parts when given (`$line -split ' [ *]', 2`). */
function split(left: Value, right: Value, caseSensitive: boolean): Value {
  const [pattern, max] = Array.isArray(right) ? right : [right, 0];
  const limit = toNumber(max ?? 0);
  return enumerate(left).flatMap((item) => {
    const text = toText(item);
    const parts: string[] = [];
    let start = 0;
    for (const found of text.matchAll(regex(toText(pattern ?? ' '), caseSensitive))) {
      if (found[0] === '' || (limit > 0 && parts.length >= limit - 1)) continue;
      parts.push(text.slice(start, found.index), ...found.slice(1).filter((group) => group !== undefined));
      start = found.index + found[0].length;
    }
    return [...parts, text.slice(start)];
  });
}

function add(left: Value, right: Value): Value {
  if (Array.isArray(left)) return [...left, ...(Array.isArray(right) ? right : [right])];
  if (left === null) return right;
  return typeof left === 'string' ? left + toText(right) : arithmetic('+', left, right);
}

function arithmetic(op: string, left: Value, right: Value): Value {
  if (op === '*' && typeof left === 'string') return left.repeat(number(right));
  const [a, b] = [number(left), number(right)];
  if (op === '..') return Array.from({ length: Math.min(Math.abs(b - a) + 1, 100_000) }, (_, i) => (a <= b ? a + i : a - i));
  return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
}

const ORDER: Record<string, (order: number) => boolean> = { gt: (o) => o > 0, ge: (o) => o >= 0, lt: (o) => o < 0, le: (o) => o <= 0 };

/** A binary operator other than `-and`, `-or` and `-match`; comparisons on an array filter it, as in PowerShell. */
function operate(op: string, caseSensitive: boolean, left: Value, right: Value): Value {
  const each = (test: (item: Value) => boolean): Value => (Array.isArray(left) ? left.filter(test) : test(left));
  const like = (item: Value) => wildcardPattern(toText(right), caseSensitive).test(toText(item));
  const contains = (list: Value, item: Value) => enumerate(list).some((candidate) => equals(candidate, item, caseSensitive));
  if (ORDER[op]) return each((item) => ORDER[op](compare(item, right, caseSensitive)));
  switch (op) {
    case 'eq': return each((item) => equals(item, right, caseSensitive));
    case 'ne': return each((item) => !equals(item, right, caseSensitive));
    case 'like': case 'notlike': return each((item) => like(item) === (op === 'like'));
    case 'contains': case 'notcontains': return contains(left, right) === (op === 'contains');
    case 'in': case 'notin': return contains(right, left) === (op === 'in');
    case 'split': return split(left, right, caseSensitive);
    case 'join': return enumerate(left).map(toText).join(toText(right));
    case 'xor': return toBool(left) !== toBool(right);
    case 'replace': {
      const [pattern, replacement] = Array.isArray(right) ? right : [right, ''];
      const [search, by] = [regex(toText(pattern ?? ''), caseSensitive), toText(replacement ?? '').replace(/\$0/g, '$$&')];
      const replace = (item: Value) => toText(item).replace(search, by);
      return Array.isArray(left) ? left.map(replace) : replace(left);
    }
    default: return op === '+' ? add(left, right) : arithmetic(op, left, right);
  }
}

function typeNameOf(value: Value): string {
  if (Array.isArray(value)) return 'System.Object[]';
  if (isObject(value)) return value.typeName;
  const types: Record<string, string> = { string: 'System.String', number: 'System.Int32', boolean: 'System.Boolean' };
  return types[typeof value] ?? 'System.Management.Automation.ScriptBlock';
}

/** `.Name`: a property, `.Count`/`.Length`, or (on an array) each element's property. */
function member(target: Value, name: string): Value {
  const key = name.toLowerCase();
  if (Array.isArray(target) && (key === 'count' || key === 'length')) return target.length;
  if (Array.isArray(target)) return single(target.map((item) => member(item, name)).filter((item) => item !== null));
  if (key === 'count') return target === null ? 0 : 1;
  if (typeof target === 'string' && key === 'length') return target.length;
  const property = isObject(target) ? Object.keys(target.properties).find((candidate) => candidate.toLowerCase() === key) : undefined;
  return isObject(target) && property !== undefined ? target.properties[property] : null;
}

const trimmed = (text: string, chars = ' \t\r\n', start = true, end = true): string => {
  let [from, to] = [0, text.length];
  while (start && from < to && chars.includes(text[from])) from++;
  while (end && to > from && chars.includes(text[to - 1])) to--;
  return text.slice(from, to);
};

const STRING_METHODS: Record<string, (text: string, args: string[]) => Value> = {
  trim: (text, [chars]) => trimmed(text, chars),
  trimstart: (text, [chars]) => trimmed(text, chars, true, false),
  trimend: (text, [chars]) => trimmed(text, chars, false, true),
  tolower: (text) => text.toLowerCase(),
  toupper: (text) => text.toUpperCase(),
  tolowerinvariant: (text) => text.toLowerCase(),
  toupperinvariant: (text) => text.toUpperCase(),
  contains: (text, [part = '']) => text.includes(part),
  startswith: (text, [part = '']) => text.startsWith(part),
  endswith: (text, [part = '']) => text.endsWith(part),
  replace: (text, [from = '', to = '']) => text.split(from).join(to),
  indexof: (text, [part = '']) => text.indexOf(part),
  split: (text, [separators = ' ']) => text.split(new RegExp(`[${separators.replace(/[\]\\^-]/g, '\\$&')}]`)),
  substring: (text, [start = '0', length]) => text.slice(Number(start), length === undefined ? undefined : Number(start) + Number(length)),
};

/** `.Method(...)`: `ToString()` on anything, and the common string methods. */
function method(target: Value, name: string, args: Value[]): Value {
  const call = STRING_METHODS[name.toLowerCase()];
  if (name.toLowerCase() === 'tostring') return toText(target);
  if (typeof target === 'string' && call) return call(target, args.map(toText));
  if (target === null) throw runtimeError('You cannot call a method on a null-valued expression.', 'InvokeMethodOnNull');
  throw runtimeError(`Method invocation failed because [${typeNameOf(target)}] does not contain a method named '${name}'.`, 'MethodNotFound');
}

/** `$a[i]` (negative from the end, an array of indexes picks several), `$s[i]` a character, `$o['Name']` a property. */
function index(target: Value, at: Value): Value {
  if (target === null) throw runtimeError('Cannot index into a null array.', 'NullArray');
  if (isObject(target) && typeof at === 'string') return member(target, at);
  const items = typeof target === 'string' ? [...target] : enumerate(target);
  const pick = (position: Value) => items[number(position) < 0 ? items.length + number(position) : number(position)] ?? null;
  return Array.isArray(at) ? at.map(pick) : pick(at);
}

function flatten(value: Value): Value[] {
  return Array.isArray(value) ? value.flatMap(flatten) : value === null ? [] : [value];
}

/** Output as the console shows it: objects as table rows under their header, anything else as text. */
function formatValues(values: Value[]): string[] {
  const lines: string[] = [];
  let header = '';
  for (const value of values.flatMap(flatten)) {
    const table = isObject(value) && value.header && value.row !== undefined ? value : undefined;
    if (table?.header && table.header.join('\n') !== header) lines.push(...table.header);
    else if (!table && header) lines.push('');
    header = table?.header?.join('\n') ?? '';
    lines.push(...(table ? [table.row ?? ''] : toText(value).split(/\r?\n/)));
  }
  return header ? [...lines, ''] : lines;
}

/** A file's text: UTF-16 with its byte order mark, else UTF-8 (its mark removed). */
function decode(bytes: Buffer | undefined): string {
  if (bytes?.[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  return (bytes?.toString('utf8') ?? '').replace(/^\uFEFF/, '');
}

interface EvaluatedArgument {
  readonly parameter?: string;
  readonly value: Value;
  readonly attached?: boolean;
}

/** A cmdlet's arguments: named parameters (lower-cased), switches, and the positional values. */
interface Bound {
  readonly named: Map<string, Value>;
  readonly switches: Set<string>;
  readonly positional: Value[];
}

function bind(args: EvaluatedArgument[]): Bound {
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
function programArguments(args: EvaluatedArgument[]): string[] {
  return args.flatMap(({ parameter, value, attached }) => (parameter === undefined ? enumerate(value).map(toText)
    : [`-${parameter}${attached ? `:${toText(value)}` : ''}`]));
}

/** What a script and the scripts it calls share: the clock, the output, the environment and $LASTEXITCODE. */
class Session {
  elapsed = 0;
  generalized = false;
  lastExitCode: Value = null;
  readonly lines: ScriptLine[] = [];

  constructor(readonly fs: SimulatedFilesystem, readonly prng: Prng, readonly env: Map<string, string>, readonly startedAt: number) {}

  emit(stream: ScriptLine['stream'], text: string, atMs = this.elapsed): void {
    this.lines.push({ atMs: Math.round(atMs), stream, text });
  }

  seconds(min: number, max: number): number {
    return this.prng.int(min * 1000, max * 1000);
  }
}

/** Runs a PowerShell script on an instance's filesystem (which it updates) and reports what happened. */
export function runPowerShell(
  script: string, fs: SimulatedFilesystem, prng: Prng, options: PowerShellOptions = {},
): ScriptResult & { generalized: boolean } {
  fs.cwd = SYSTEM32;
  const computerName = `EC2AMAZ-${Array.from({ length: 7 }, () => prng.pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'])).join('')}`;
  const env = new Map(Object.entries({ ...ENVIRONMENT, COMPUTERNAME: computerName }).map(([name, value]) => [name.toLowerCase(), value]));
  const session = new Session(fs, prng, env, options.startedAt ?? DEFAULT_START);
  const shell = new Interpreter(session, new Map());
  shell.assign('args', []);
  Object.entries(options.variables ?? {}).forEach(([name, value]) => shell.assign(name, value));
  let exitCode: number;
  try {
    exitCode = shell.runToEnd(script);
  } catch (signal) {
    if (!(signal instanceof RestartSignal)) throw signal;
    session.emit('stderr', RESTART_MESSAGE);
    exitCode = -1;
  }
  return { exitCode, durationMs: session.elapsed, lines: session.lines, generalized: session.generalized };
}

class Interpreter {
  /** Where output goes instead of the console: set while a `$( )`, a script block or a called script runs. */
  private sink: Value[] | undefined;
  /** Above 0 while statements run inside an expression: they are not traced. */
  private nesting = 0;
  /** The statement running, for error records. */
  private at: Located = { text: '', line: 1, column: 1 };
  /** The running cmdlet's -ErrorAction. */
  private action: string | undefined;
  /** Set while a `2>` redirection hides errors. */
  private silenced = false;

  constructor(private readonly session: Session, private readonly variables: Map<string, Value>, private readonly scriptPath?: string) {}

  private get fs(): SimulatedFilesystem {
    return this.session.fs;
  }

  /** Runs a whole script and returns its exit code; a terminating error prints its record and gives 1. */
  runToEnd(script: string): number {
    try {
      this.run(parsePowerShell(script));
      return 0;
    } catch (signal) {
      if (signal instanceof ExitSignal) return signal.code;
      if (signal instanceof ReturnSignal || signal instanceof LoopSignal) return 0;
      if (signal instanceof TerminatingError) this.printError(signal.record, signal.at);
      else if (signal instanceof PowerShellParseError) this.printParseError(signal);
      else throw signal;
      return 1;
    }
  }

  assign(name: string, value: Value, append = false): void {
    const key = name.toLowerCase();
    const assigned = append ? add(this.variable(name), value) : value;
    if (key.startsWith('env:') && toText(assigned) === '') this.session.env.delete(key.slice(4));
    else if (key.startsWith('env:')) this.session.env.set(key.slice(4), toText(assigned));
    else if (key === 'lastexitcode') this.session.lastExitCode = assigned;
    else if (!['null', 'true', 'false'].includes(key)) this.variables.set(key, assigned);
  }

  private variable(name: string): Value {
    const key = name.toLowerCase();
    switch (key) {
      case 'true': return true;
      case 'false': return false;
      case 'null': return null;
      case 'lastexitcode': return this.session.lastExitCode;
      case 'pwd': return fromSimulatedPath(this.fs.cwd);
      default: return (key.startsWith('env:') ? this.session.env.get(key.slice(4)) : this.variables.get(key)) ?? null;
    }
  }

  private run(statements: Statement[]): void {
    for (const statement of statements) this.statement(statement);
  }

  /** Runs one statement; an error that stops only the statement is written (or, with `Stop`, ends the script). */
  private statement(statement: Statement): void {
    if (this.nesting > 0) return this.execute(statement);
    this.at = statement;
    try {
      this.execute(statement);
    } catch (error) {
      if (!(error instanceof StatementError)) throw error;
      this.writeError(error.record);
    }
  }

  private execute(statement: Statement): void {
    if (this.nesting === 0 && statement.kind !== 'if') this.trace(statement.text);
    switch (statement.kind) {
      case 'pipeline': return this.display(this.pipeline(statement));
      case 'assign': return this.assign(statement.name, single(this.pipeline(statement.value)), statement.append);
      case 'if': return this.runIf(statement);
      case 'foreach': return this.runForeach(statement);
      case 'opaque': return this.opaque(statement.text);
      case 'break': case 'continue': throw new LoopSignal(statement.kind);
      case 'exit': throw new ExitSignal(statement.value ? Math.trunc(toNumber(single(this.pipeline(statement.value)))) || 0 : 0);
      case 'return':
        if (statement.value) this.display(this.pipeline(statement.value));
        throw new ReturnSignal();
      case 'throw': {
        const message = statement.value ? toText(single(this.pipeline(statement.value))) : 'ScriptHalted';
        const category = `OperationStopped: (${message}:String) [], RuntimeException`;
        throw new TerminatingError({ command: '', message, category, id: message }, this.at);
      }
    }
  }

  private runIf(statement: Extract<Statement, { kind: 'if' }>): void {
    for (const branch of statement.branches) {
      if (this.nesting === 0) this.trace(branch.header);
      if (toBool(single(this.pipeline(branch.cond)))) return this.run(branch.body);
    }
    if (statement.otherwise) this.run(statement.otherwise);
  }

  private runForeach(statement: Extract<Statement, { kind: 'foreach' }>): void {
    for (const item of this.pipeline(statement.source)) {
      this.assign(statement.variable, item);
      try {
        this.run(statement.body);
      } catch (signal) {
        if (!(signal instanceof LoopSignal)) throw signal;
        if (signal.kind === 'break') return;
      }
    }
  }

  /** A line the simulator could not follow: `exit N` still ends the script; anything else takes 1-3 s and succeeds. */
  private opaque(text: string): void {
    const exit = /^exit(?:\s+(-?\d+))?\s*;?$/i.exec(text);
    if (exit) throw new ExitSignal(Number(exit[1] ?? 0));
    this.spend(this.session.seconds(1, 3));
  }

  private trace(text: string): void {
    this.session.emit('stdout', `+ ${text}`);
  }

  /** Shows a statement's output when it ends (or hands it to the caller capturing it). */
  private display(values: Value[]): void {
    if (this.sink) this.sink.push(...values);
    else formatValues(values).forEach((line) => this.session.emit('stdout', line));
  }

  /** Runs statements inside an expression and returns what they output. */
  private capture(body: Statement[]): Value[] {
    const [sink, output]: [Value[] | undefined, Value[]] = [this.sink, []];
    this.sink = output;
    this.nesting++;
    try {
      this.run(body);
    } finally {
      this.sink = sink;
      this.nesting--;
    }
    return output;
  }

  private pipeline(pipeline: Pipeline): Value[] {
    return pipeline.elements.reduce<Value[]>((input, element) => this.element(element, input), []);
  }

  private element(element: Element, input: Value[]): Value[] {
    if (element.kind === 'expression') return enumerate(this.evaluate(element.expr));
    const name = this.evaluate(element.name);
    const args = element.args.map((arg): EvaluatedArgument => (arg.kind === 'value' ? { value: this.evaluate(arg.value) }
      : { parameter: arg.name, value: arg.value ? this.evaluate(arg.value) : null, attached: arg.value !== undefined }));
    const silenced = this.silenced;
    this.silenced ||= element.redirections.some((redirection) => redirection.stream !== 'output');
    try {
      return this.redirect(this.invoke(name, args, input), element.redirections);
    } finally {
      this.silenced = silenced;
    }
  }

  /** `> $null` drops the output; `> file` (`>>` appends) writes it to the file. */
  private redirect(output: Value[], redirections: Redirection[]): Value[] {
    const targets = redirections.filter((redirection) => redirection.stream !== 'error');
    for (const { target, append } of targets) {
      const path = this.evaluate(target);
      if (path !== null) this.writeText(this.sim(path), formatValues(output).map((line) => `${line}\r\n`).join(''), append);
    }
    return targets.length > 0 ? [] : output;
  }

  private evaluate(expr: Expr): Value {
    switch (expr.kind) {
      case 'constant': return expr.value;
      case 'template': return expr.parts.map((part) => (typeof part === 'string' ? part : toText(this.evaluate(part)))).join('');
      case 'variable': return this.variable(expr.name);
      case 'array': return expr.items.map((item) => this.evaluate(item));
      case 'sub': return expr.asArray ? this.capture(expr.body) : single(this.capture(expr.body));
      case 'block': return expr;
      case 'index': return index(this.evaluate(expr.target), this.evaluate(expr.index));
      case 'unary': return expr.op === 'not' ? !toBool(this.evaluate(expr.operand)) : -number(this.evaluate(expr.operand));
      case 'binary': return this.binary(expr);
      case 'member': {
        const target = this.evaluate(expr.target);
        return expr.args ? method(target, expr.name, expr.args.map((arg) => this.evaluate(arg))) : member(target, expr.name);
      }
    }
  }

  private binary(expr: Extract<Expr, { kind: 'binary' }>): Value {
    const left = this.evaluate(expr.left);
    if (expr.op === 'and') return toBool(left) && toBool(this.evaluate(expr.right));
    if (expr.op === 'or') return toBool(left) || toBool(this.evaluate(expr.right));
    const right = this.evaluate(expr.right);
    if (expr.op !== 'match' && expr.op !== 'notmatch') return operate(expr.op, expr.caseSensitive, left, right);
    const pattern = regex(toText(right), expr.caseSensitive, false);
    const test = (item: Value) => {
      const found = pattern.exec(toText(item));
      if (found) this.variables.set('matches', [...found].map((group) => group ?? null));
      return (found !== null) === (expr.op === 'match');
    };
    return Array.isArray(left) ? left.filter(test) : test(left);
  }

  private invoke(name: Value, args: EvaluatedArgument[], input: Value[]): Value[] {
    if (isBlock(name)) return this.capture(name.body);
    const cmdlet = COMMANDS.get(toText(name).toLowerCase());
    if (!cmdlet) return this.external(toText(name), programArguments(args));
    const bound = bind(args);
    const [action, requested] = [this.action, bound.named.get('erroraction') ?? bound.named.get('ea')];
    this.action = requested === undefined ? undefined : toText(requested);
    this.spend(10);
    try {
      return this.cmdlet(cmdlet, bound, input);
    } finally {
      this.action = action;
    }
  }

  /** Writes a non-terminating error (nothing with SilentlyContinue; with Stop it ends the script). */
  private writeError(record: ErrorRecord): void {
    const action = (this.action ?? toText(this.variable('ErrorActionPreference'))).toLowerCase();
    if (action === 'stop') throw new TerminatingError(record, this.at);
    if (!this.silenced && action !== 'silentlycontinue' && action !== 'ignore') this.printError(record, this.at);
  }

  /** Writes the running cmdlet's error and returns no output. */
  private fail(command: string, message: string, category: string, id: string): Value[] {
    this.writeError({ command, message, category, id });
    return [];
  }

  private printError(record: ErrorRecord, at: Located): void {
    const lines = [
      record.command ? `${record.command} : ${record.message}` : record.message, `At ${this.scriptPath ?? 'line'}:${at.line} char:${at.column}`,
      `+ ${at.text}`, `+ ${'~'.repeat(at.text.length)}`, `    + CategoryInfo          : ${record.category}`,
      `    + FullyQualifiedErrorId : ${record.id}`,
    ];
    lines.forEach((line) => this.session.emit('stderr', line));
  }

  private printParseError(error: PowerShellParseError): void {
    [`At ${this.scriptPath ?? 'line'}:${error.line} char:${error.column}`, `+ ${error.lineText}`, `+ ${' '.repeat(error.column - 1)}~`, error.message,
      '    + CategoryInfo          : ParserError: (:) [], ParseException'].forEach((line) => this.session.emit('stderr', line));
  }

  private spend(ms: number): Value[] {
    this.session.elapsed += Math.round(ms);
    return [];
  }

  private host(line: string): Value[] {
    this.session.emit('stdout', line);
    return [];
  }

  private cmdlet(name: string, bound: Bound, input: Value[]): Value[] {
    const named = ['object', 'message', 'inputobject'].map((key) => bound.named.get(key) ?? null);
    const text = [...bound.positional, ...named].flatMap(enumerate).map(toText).join(' ');
    switch (name) {
      case 'Write-Output': return [...bound.positional, ...named].flatMap(enumerate).concat(input);
      case 'Write-Host': return this.host(text);
      case 'Write-Warning': return this.host(`WARNING: ${text}`);
      case 'Write-Error':
        return this.fail(this.scriptPath ?? 'Write-Error', text, 'NotSpecified: (:) [Write-Error], WriteErrorException', commandClass('Write-Error'));
      case 'Set-Location': return this.setLocation(bound);
      case 'Test-Path': return this.testPath(bound);
      case 'Join-Path': return [`${toText(bound.named.get('path') ?? bound.positional[0] ?? '').replace(/[\\/]+$/, '')}\\${
        toText(bound.named.get('childpath') ?? bound.positional[1] ?? '').replace(/^[\\/]+/, '')}`];
      case 'New-Item': return this.newItem(bound, toText(bound.named.get('itemtype') ?? bound.named.get('type') ?? 'File'));
      case 'mkdir': return this.newItem(bound, 'Directory');
      case 'Copy-Item': case 'Move-Item': return this.copyItem(name, bound);
      case 'Remove-Item': return this.removeItem(bound);
      case 'Set-Content': case 'Add-Content': case 'Out-File': return this.setContent(name, bound, input);
      case 'Get-Content': return this.getContent(bound);
      case 'Get-FileHash': return this.fileHash(bound);
      case 'Start-Sleep':
        return this.spend(1000 * number(bound.named.get('seconds') ?? bound.named.get('s') ?? bound.positional[0] ?? 0)
          + number(bound.named.get('milliseconds') ?? bound.named.get('m') ?? 0));
      case 'Install-WindowsFeature': return this.installFeatures(bound);
      case 'Get-WindowsFeature': return this.features(bound);
      case 'Restart-Computer': throw new RestartSignal();
      case 'ForEach-Object': case 'Where-Object': return this.eachInput(bound, input, name === 'Where-Object');
      case 'Invoke-WebRequest': return this.download(bound);
      default: return [];
    }
  }

  /** ForEach-Object / Where-Object: the script block once per input object, as `$_`. */
  private eachInput(bound: Bound, input: Value[], filter: boolean): Value[] {
    const block = bound.named.get('process') ?? bound.named.get('filterscript') ?? bound.positional[0] ?? null;
    if (!isBlock(block)) return filter ? input : input.map((item) => member(item, toText(block)));
    return input.flatMap((item) => {
      this.assign('_', item);
      this.assign('PSItem', item);
      const output = this.capture(block.body);
      return !filter ? output : toBool(single(output)) ? [item] : [];
    });
  }

  /** A path argument in simulated form, spelled as the filesystem spells it. */
  private sim(path: Value): string {
    return canonicalPath(this.fs, toSimulatedPath(toText(path), this.fs.cwd));
  }

  /** The paths a cmdlet's -LiteralPath, -Path (or -FilePath) or first positional argument names. */
  private paths(bound: Bound): { path: string; literal: boolean }[] {
    const literal = bound.named.get('literalpath') ?? bound.named.get('lp') ?? bound.named.get('pspath');
    const given = literal ?? bound.named.get('path') ?? bound.named.get('filepath') ?? bound.positional[0] ?? null;
    return enumerate(given).map((raw) => ({ path: this.sim(raw), literal: literal !== undefined }));
  }

  private missing(command: string, path: string): Value[] {
    const shown = fromSimulatedPath(path);
    const category = `ObjectNotFound: (${shown}:String) [${command}], ItemNotFoundException`;
    return this.fail(command, `Cannot find path '${shown}' because it does not exist.`, category, `PathNotFound,${commandClass(command)}`);
  }

  private noParent(command: string, path: string): Value[] {
    const shown = fromSimulatedPath(path);
    const category = `ObjectNotFound: (${shown}:String) [${command}], DirectoryNotFoundException`;
    const id = `System.IO.DirectoryNotFoundException,${commandClass(command)}`;
    return this.fail(command, `Could not find a part of the path '${shown}'.`, category, id);
  }

  private accessDenied(command: string, path: string): Value[] {
    const shown = fromSimulatedPath(path);
    const category = `PermissionDenied: (${shown}:String) [${command}], UnauthorizedAccessException`;
    const id = `${command === 'Get-Content' ? 'GetContentReader' : 'GetContentWriter'}UnauthorizedAccessError,${commandClass(command)}`;
    return this.fail(command, `Access to the path '${shown}' is denied.`, category, id);
  }

  private setLocation(bound: Bound): Value[] {
    const [target] = this.paths(bound);
    if (target && !isDirectoryPath(this.fs, target.path)) return this.missing('Set-Location', target.path);
    if (target) this.fs.cwd = target.path;
    return [];
  }

  private testPath(bound: Bound): Value[] {
    const type = toText(bound.named.get('pathtype') ?? 'any').toLowerCase();
    const fits = (path: string) => (type === 'leaf' ? this.fs.isFile(path) : type === 'container' ? isDirectoryPath(this.fs, path) : true);
    return this.paths(bound).map(({ path, literal }) => expandPath(this.fs, path, literal).some(fits));
  }

  /** New-Item: a directory (with its parents) or a file (its directory must exist, unless -Force); an existing item needs -Force. */
  private newItem(bound: Bound, itemType: string): Value[] {
    const directory = itemType.toLowerCase() === 'directory';
    const force = bound.switches.has('force');
    const name = bound.named.get('name');
    const paths = this.paths(bound).map(({ path }) => path);
    return (paths.length > 0 ? paths : [this.fs.cwd]).flatMap((given) => {
      const path = name === undefined ? given : this.sim(`${fromSimulatedPath(given)}\\${toText(name)}`);
      const shown = fromSimulatedPath(path);
      if (pathExists(this.fs, path) && !(force && directory === isDirectoryPath(this.fs, path))) {
        const category = `ResourceExists: (${shown}:String) [New-Item], IOException`;
        const id = `${directory ? 'DirectoryExist' : 'NewItemIOError'},${commandClass('New-Item')}`;
        return this.fail('New-Item', `An item with the specified name ${shown} already exists.`, category, id);
      }
      if (!directory && !force && !isDirectoryPath(this.fs, parentOf(path))) return this.noParent('New-Item', path);
      if (directory) this.fs.makeDirectory(path);
      else this.fs.writeFile(path, Buffer.from(toText(bound.named.get('value') ?? ''), 'utf8'));
      return [this.item(path)];
    });
  }

  /** A file or directory as New-Item returns it, shown the way PowerShell lists it. */
  private item(path: string): PsObject {
    const directory = isDirectoryPath(this.fs, path);
    const length = directory ? '' : String(this.fs.read(path)?.length ?? 0);
    const now = new Date(this.session.startedAt + this.session.elapsed);
    const time = `${now.getUTCHours() % 12 || 12}:${String(now.getUTCMinutes()).padStart(2, '0')} ${now.getUTCHours() < 12 ? 'AM' : 'PM'}`;
    const written = `${now.getUTCMonth() + 1}/${now.getUTCDate()}/${now.getUTCFullYear()}  ${time.padStart(8)}`;
    return {
      typeName: directory ? 'System.IO.DirectoryInfo' : 'System.IO.FileInfo',
      properties: { Name: leafOf(path), FullName: fromSimulatedPath(path), ...(directory ? {} : { Length: Number(length) }) },
      text: fromSimulatedPath(path),
      header: itemHeader(fromSimulatedPath(parentOf(path))),
      row: `${directory ? 'd-----' : '-a----'}${written.padStart(28)}${length.padStart(15)} ${leafOf(path)}`,
    };
  }

  /**
   * Copy-Item / Move-Item: each item -Path names (`dir\*` names what `dir` holds) goes into -Destination when it is a directory, else
   * becomes it; a directory brings its contents only with -Recurse.
   */
  private copyItem(command: string, bound: Bound): Value[] {
    const destination = this.sim(bound.named.get('destination') ?? bound.positional[1] ?? '.');
    const recurse = command === 'Move-Item' || bound.switches.has('recurse');
    for (const { path, literal } of this.paths(bound)) {
      const sources = expandPath(this.fs, path, literal);
      if (sources.length === 0) this.missing(command, path);
      for (const source of sources) {
        const target = isDirectoryPath(this.fs, destination) ? `${destination}/${leafOf(source)}` : destination;
        if (!isDirectoryPath(this.fs, parentOf(target))) this.noParent(command, target);
        else if (isDirectoryPath(this.fs, source) && !recurse) this.fs.makeDirectory(target);
        else if (target !== source) this.fs.copy(source, target);
        if (command === 'Move-Item' && target !== source && pathExists(this.fs, target)) this.fs.remove(source);
      }
    }
    return [];
  }

  /** Remove-Item: a directory with contents needs -Recurse (PowerShell would ask, which a non-interactive session cannot). */
  private removeItem(bound: Bound): Value[] {
    for (const { path, literal } of this.paths(bound)) {
      const found = expandPath(this.fs, path, literal);
      if (found.length === 0) this.missing('Remove-Item', path);
      for (const item of found) {
        if (childrenOf(this.fs, item).length === 0 || bound.switches.has('recurse')) {this.fs.remove(item);} else {
          this.fail('Remove-Item', 'Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.',
            'InvalidOperation: (:) [Remove-Item], PSInvalidOperationException', `InvalidOperation,${commandClass('Remove-Item')}`);
        }
      }
    }
    return [];
  }

  /** Set-Content / Add-Content / Out-File: -Value (or the pipeline's objects), one line each, ended by CRLF as on Windows. */
  private setContent(command: string, bound: Bound, input: Value[]): Value[] {
    const given = bound.named.get('value') ?? bound.named.get('inputobject');
    const values = given !== undefined ? enumerate(given) : input.length > 0 ? input : bound.positional.slice(1).flatMap(enumerate);
    const text = values.map((value) => `${toText(value)}${bound.switches.has('nonewline') ? '' : '\r\n'}`).join('');
    for (const { path } of this.paths(bound)) {
      if (isDirectoryPath(this.fs, path)) this.accessDenied(command, path);
      else if (!isDirectoryPath(this.fs, parentOf(path))) this.noParent(command, path);
      else this.writeText(path, text, command === 'Add-Content' || bound.switches.has('append'));
    }
    return [];
  }

  private writeText(path: string, text: string, append: boolean): void {
    this.fs.writeFile(path, Buffer.from(`${append ? decode(this.fs.read(path)) : ''}${text}`, 'utf8'));
  }

  /** Get-Content: the file's lines (its whole text with -Raw). */
  private getContent(bound: Bound): Value[] {
    return this.paths(bound).flatMap(({ path, literal }) => {
      const found = expandPath(this.fs, path, literal);
      if (found.length === 0) return this.missing('Get-Content', path);
      return found.flatMap((file) => {
        if (isDirectoryPath(this.fs, file)) return this.accessDenied('Get-Content', file);
        const text = decode(this.fs.read(file));
        if (text === '' || bound.switches.has('raw')) return text === '' ? [] : [text];
        return text.replace(/\r?\n$/, '').split(/\r?\n/);
      });
    });
  }

  /** Get-FileHash: an object whose `.Hash` is the upper-case hex digest of the file's known contents. */
  private fileHash(bound: Bound): Value[] {
    const algorithm = toText(bound.named.get('algorithm') ?? 'SHA256').toUpperCase();
    if (!HASH_ALGORITHMS.includes(algorithm)) {
      return this.fail('Get-FileHash', `Cannot validate argument on parameter 'Algorithm'. The argument "${algorithm}" does not belong to the set "${
        HASH_ALGORITHMS.join(',')}" specified by the ValidateSet attribute.`, 'InvalidData: (:) [Get-FileHash], ParameterBindingValidationException',
      `ParameterArgumentValidationError,${commandClass('Get-FileHash')}`);
    }
    return this.paths(bound).flatMap(({ path, literal }): Value[] => {
      const found = expandPath(this.fs, path, literal);
      if (found.length === 0) return this.missing('Get-FileHash', path);
      return found.filter((file) => this.fs.isFile(file)).map((file) => {
        const bytes = this.fs.read(file) ?? Buffer.alloc(0);
        const digest = algorithm === 'SHA256' ? this.fs.sha256(file) : createHash(algorithm).update(bytes).digest('hex');
        const [hash, shown] = [digest.toUpperCase(), fromSimulatedPath(file)];
        return {
          typeName: 'Microsoft.Powershell.Utility.FileHash',
          properties: { Algorithm: algorithm, Hash: hash, Path: shown },
          header: HASH_HEADER,
          row: `${algorithm.padEnd(16)}${hash.padEnd(71)}${shown}`,
        };
      });
    });
  }

  private featureNames(bound: Bound): string[] {
    return enumerate(bound.named.get('name') ?? bound.positional[0] ?? null).map(toText);
  }

  private featureInstalled(name: string): boolean {
    return this.fs.isFile(canonicalPath(this.fs, `${FEATURES}/${name}`));
  }

  /** Install-WindowsFeature: 30-90 s for what is not installed yet (recorded under C:\Windows\simulated-features). */
  private installFeatures(bound: Bound): Value[] {
    const names = this.featureNames(bound);
    if (names.length === 0) {
      return this.fail('Install-WindowsFeature', 'Cannot process command because of one or more missing mandatory parameters: Name.',
        'InvalidArgument: (:) [Install-WindowsFeature], ParameterBindingException',
        'MissingMandatoryParameter,Microsoft.Windows.ServerManager.Commands.AddWindowsFeatureCommand');
    }
    const added = names.filter((name) => !this.featureInstalled(name));
    added.forEach((name) => this.fs.writeFile(`${FEATURES}/${name}`));
    added.flatMap((name) => FEATURE_FILES[name.toLowerCase()] ?? []).forEach((path) => this.fs.writeFile(path));
    this.spend(added.length > 0 ? this.session.seconds(30, 90) : this.session.seconds(2, 5));
    const exitCode = added.length > 0 ? 'Success' : 'NoChangeNeeded';
    return [{
      typeName: 'Microsoft.Windows.ServerManager.Commands.FeatureOperationResult',
      header: FEATURE_RESULT_HEADER,
      properties: { Success: true, RestartNeeded: 'No', ExitCode: exitCode, FeatureResult: added },
      row: `True    No             ${exitCode.padEnd(15)}{${added.join(', ')}}`,
    }];
  }

  /** Get-WindowsFeature: the named features (or the installed ones), with `.Installed`. */
  private features(bound: Bound): Value[] {
    const names = this.featureNames(bound);
    return (names.length > 0 ? names : childrenOf(this.fs, FEATURES).map(leafOf)).map((name) => {
      const [installed, state] = this.featureInstalled(name) ? [true, 'Installed'] : [false, 'Available'];
      return {
        typeName: 'Microsoft.Windows.ServerManager.Commands.Feature',
        properties: { Name: name, DisplayName: name, Installed: installed, InstallState: state },
        header: FEATURE_HEADER,
        row: `[${installed ? 'X' : ' '}] ${name.padEnd(52)}${name.padEnd(27)}${state.padStart(13)}`,
        text: name,
      };
    });
  }

  /** Invoke-WebRequest: with -OutFile, the downloaded file (its contents unknown). */
  private download(bound: Bound): Value[] {
    const outFile = bound.named.get('outfile');
    this.spend(this.session.seconds(0.5, 1.5));
    if (outFile === undefined || outFile === null) return [];
    const path = this.sim(outFile);
    if (!isDirectoryPath(this.fs, parentOf(path))) return this.noParent('Invoke-WebRequest', path);
    this.fs.writeFile(path);
    return [];
  }

  /** A name that is no cmdlet: a script the filesystem holds, one of the image's programs, another Verb-Noun cmdlet, or unknown. */
  private external(name: string, args: string[]): Value[] {
    const isPath = /[\\/:]/.test(name) || name.startsWith('.');
    const path = isPath ? this.sim(name) : '';
    const script = /\.ps1$/i.test(name);
    const program = leafOf(path || name).toLowerCase().replace(/\.exe$/, '');
    if (isPath && script && this.fs.isFile(path)) return this.runScriptFile(path, args);
    if (isPath ? !script && (this.fs.isFile(path) || isImageProgramPath(path)) : PROGRAMS.includes(program)) return this.runProgram(program, args);
    if (!isPath && /^[a-z]+-[a-z0-9]+$/i.test(name)) return this.spend(this.session.seconds(1, 3));
    throw new StatementError({
      command: name,
      category: `ObjectNotFound: (${name}:String) [], CommandNotFoundException`,
      id: 'CommandNotFoundException',
      message: `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. ${
        'Check the spelling of the name, or if a path was included, verify that the path is correct and try again.'}`,
    });
  }

  /** `& script.ps1 args`: the script runs with `$args`; its exit code (0 when it ends, 1 when it throws) becomes $LASTEXITCODE. */
  private runScriptFile(path: string, args: string[]): Value[] {
    const child = new Interpreter(this.session, new Map(this.variables), fromSimulatedPath(path));
    child.assign('args', args);
    child.assign('PSScriptRoot', fromSimulatedPath(parentOf(path)));
    child.assign('PSCommandPath', fromSimulatedPath(path));
    const output: Value[] = [];
    child.sink = output;
    this.session.lastExitCode = child.runToEnd(decode(this.fs.read(path)));
    return output;
  }

  /** A native program: EC2Launch's `sysprep` generalizes the instance, `shutdown /r` reboots it, others take 2-5 s; $LASTEXITCODE is 0. */
  private runProgram(program: string, args: string[]): Value[] {
    const words = args.map((arg) => arg.toLowerCase());
    if (program === 'shutdown' && words.some((word) => /^[-/]r$/.test(word))) throw new RestartSignal();
    this.session.lastExitCode = 0;
    if (program !== 'ec2launch' || (words[0] !== 'sysprep' && words[0] !== 'reset')) return this.spend(this.session.seconds(2, 5));
    const clean = words.includes('--clean') ? ['Cleaning up instance-specific state and logs...'] : [];
    if (words[0] === 'reset') {
      this.spend(this.session.seconds(5, 15));
      return [...clean, 'Resetting EC2Launch to run on the next boot...', 'Reset completed.'];
    }
    this.spend(this.session.seconds(60, 180));
    this.session.generalized = true;
    const end = words.includes('--shutdown') ? 'shutdown' : 'quit';
    return [...clean, 'Resetting EC2Launch to run on the next boot...',
      `Running C:\\Windows\\System32\\Sysprep\\sysprep.exe /oobe /generalize /${end} /unattend:${UNATTEND}`,
      'Sysprep completed successfully.'];
  }
}
