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
 *
 * This file walks the syntax tree (parser.ts) and coordinates the rest: values and operators (values.ts,
 * operators.ts), cmdlet binding (cmdlets.ts), the cmdlets (file-cmdlets.ts, system-cmdlets.ts), the shared
 * session (session.ts) and errors and signals (signals.ts).
 */
import type { ScriptResult } from '../commands';
import type { SimulatedFilesystem } from '../filesystem';
import type { Prng } from '../ids';
import { bind, Cmdlet, CmdletHost, cmdletNamed, EvaluatedArgument, programArguments } from './cmdlets';
import { decode, FILE_CMDLETS, simulatedPath, writeText } from './file-cmdlets';
import { add, operate, regex } from './operators';
import { parsePowerShell } from './parser';
import { PowerShellOptions, Session } from './session';
import {
  ErrorRecord, errorRecordLines, ExitSignal, LoopSignal, parseErrorLines, RestartSignal, ReturnSignal, StatementError, TerminatingError,
} from './signals';
import { Element, Expr, Located, Pipeline, PowerShellParseError, Redirection, Statement } from './syntax';
import { runExternal, SYSTEM_CMDLETS } from './system-cmdlets';
import { enumerate, formatValues, index, isBlock, member, method, number, single, toBool, toNumber, toText, Value } from './values';
import { fromSimulatedPath, parentOf, SYSTEM32 } from './windows-paths';

export type { PowerShellOptions } from './session';

const RESTART_MESSAGE = "The SSM agent lost the command when the instance restarted outside SSM's control; use exit 3010 to reboot";
/** The cmdlets the interpreter runs, by name; a known cmdlet not among them (Write-Verbose, Out-Null) outputs nothing. */
const CMDLET_IMPLEMENTATIONS: Record<string, Cmdlet> = { ...FILE_CMDLETS, ...SYSTEM_CMDLETS };

/** Runs a PowerShell script on an instance's filesystem (which it updates) and reports what happened. */
export function runPowerShell(
  script: string, fs: SimulatedFilesystem, prng: Prng, options: PowerShellOptions = {},
): ScriptResult & { generalized: boolean } {
  fs.cwd = SYSTEM32;
  const session = Session.start(fs, prng, options);
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

/** Runs one script's statements: variables, control flow, pipelines, output and errors; cmdlets are looked up and called. */
class Interpreter implements CmdletHost {
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

  constructor(readonly session: Session, private readonly variables: Map<string, Value>, readonly scriptPath?: string) {}

  get fs(): SimulatedFilesystem {
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
      else if (signal instanceof PowerShellParseError) this.printLines(parseErrorLines(signal, this.scriptPath));
      else throw signal;
      return 1;
    }
  }

  /** `$name = value` (`+=` with `append`); `$env:NAME` sets an environment variable, and to '' removes it. */
  assign(name: string, value: Value, append = false): void {
    const key = name.toLowerCase();
    const assigned = append ? add(this.variable(name), value) : value;
    if (key.startsWith('env:') && toText(assigned) === '') this.session.env.delete(key.slice(4));
    else if (key.startsWith('env:')) this.session.env.set(key.slice(4), toText(assigned));
    else if (key === 'lastexitcode') this.session.lastExitCode = assigned;
    else if (!['null', 'true', 'false'].includes(key)) this.variables.set(key, assigned);
  }

  /** Runs statements inside an expression and returns what they output. */
  capture(body: Statement[]): Value[] {
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

  /** `& script.ps1 args`: the script runs with `$args`; its exit code (0 when it ends, 1 when it throws) becomes $LASTEXITCODE. */
  runScriptFile(path: string, args: string[]): Value[] {
    const child = new Interpreter(this.session, new Map(this.variables), fromSimulatedPath(path));
    child.assign('args', args);
    child.assign('PSScriptRoot', fromSimulatedPath(parentOf(path)));
    child.assign('PSCommandPath', fromSimulatedPath(path));
    const output: Value[] = [];
    child.sink = output;
    this.session.lastExitCode = child.runToEnd(decode(this.fs.read(path)));
    return output;
  }

  /** Writes the running cmdlet's error and returns no output. */
  fail(command: string, message: string, category: string, id: string): Value[] {
    this.writeError({ command, message, category, id });
    return [];
  }

  spend(ms: number): Value[] {
    this.session.elapsed += Math.round(ms);
    return [];
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
      if (path !== null) writeText(this.fs, simulatedPath(this.fs, path), formatValues(output).map((line) => `${line}\r\n`).join(''), append);
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

  /** A binary operator: `-and`/`-or` short-circuit, `-match` sets `$Matches`, the others are operators.ts's. */
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

  /** Runs a command: a script block, a cmdlet (with its -ErrorAction applying while it runs), or anything else by name. */
  private invoke(name: Value, args: EvaluatedArgument[], input: Value[]): Value[] {
    if (isBlock(name)) return this.capture(name.body);
    const cmdlet = cmdletNamed(toText(name));
    if (!cmdlet) return runExternal(this, toText(name), programArguments(args));
    const bound = bind(args);
    const [action, requested] = [this.action, bound.named.get('erroraction') ?? bound.named.get('ea')];
    this.action = requested === undefined ? undefined : toText(requested);
    this.spend(10);
    try {
      return CMDLET_IMPLEMENTATIONS[cmdlet]?.(this, bound, input) ?? [];
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

  private printError(record: ErrorRecord, at: Located): void {
    this.printLines(errorRecordLines(record, at, this.scriptPath));
  }

  private printLines(lines: string[]): void {
    lines.forEach((line) => this.session.emit('stderr', line));
  }
}
