/**
 * The simulated shell behind SendCommand. Nothing is executed: each command takes a plausible
 * amount of virtual time and prints a trace line (`+ <command>`) plus a few plausible lines.
 *
 * Interpreted so that scripts behave naturally:
 * - `exit N` ends the script with N; `true`/`:` succeed; `false` fails with 1;
 * - `echo`/`printf` print (or, redirected with `>`/`>>`, create the file); `sleep N` takes N seconds;
 * - `set -e` (also `-eu`, `-euo pipefail`, `-o errexit`) stops at the first failing command, as in
 *   bash; without it a failing command does not stop the script and the last command's status wins;
 * - `test`/`[`/`[[` with `-f`/`-e`/`-d`/`-s`, `-z`/`-n`, `=`/`!=` and `!`;
 * - `touch`, `mkdir [-p]`, `rm [-rf]`, `cp`/`mv`/`install`/`tee` and output redirections change the
 *   instance's filesystem, which is kept per instance between commands and across reboots;
 * - `if … then … elif … else … fi`, `&&`, `||` and pipes.
 *
 * Exit code 194 (3010 on Windows) asks the agent to reboot and run the script again. Rebooting any other
 * way (`reboot`, `shutdown -r`, `systemctl reboot`, `init 6`) ends the script where it stands: the instance
 * restarts under the agent, which then reports the command as failed (`rebootedBy` names the command). The
 * reboot step of a recipe uses a marker file so that it reboots exactly once:
 *
 *     if [ -f /var/lib/cdk-ami-bakery/reboot-<id> ]; then exit 0; fi
 *     mkdir -p /var/lib/cdk-ami-bakery
 *     touch /var/lib/cdk-ami-bakery/reboot-<id>
 *     exit 194
 */
import { Effect, fileCommand } from './file-commands';
import type { SimulatedFilesystem } from './filesystem';
import type { Prng } from './ids';
import { parseScript, Node, Word } from './shell-parser';

export interface ScriptLine {
  /** Milliseconds after the script started. */
  readonly atMs: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface ScriptResult {
  readonly exitCode: number;
  readonly durationMs: number;
  readonly lines: ScriptLine[];
  /** The command that rebooted the instance in the middle of the script (`reboot`, `shutdown -r now`), if one did. */
  readonly rebootedBy?: string;
}

class ExitSignal {
  constructor(readonly code: number) {}
}

/** A command restarted the machine: the script, and every shell running it, stops there. */
class RebootSignal {
  constructor(readonly command: string) {}
}

const PACKAGE_MANAGERS = ['apt-get', 'apt', 'dnf', 'yum'];
const WRAPPERS = ['sudo', 'env', 'nohup', 'time', 'command', 'exec'];

/** Runs a script against an instance's filesystem (which it updates) and reports what happened. */
export function runScript(script: string, fs: SimulatedFilesystem, prng: Prng): ScriptResult {
  const shell = new SimulatedShell(fs, prng);
  try {
    const exitCode = shell.runScript(script);
    return { exitCode, durationMs: shell.elapsed, lines: shell.lines };
  } catch (signal) {
    if (!(signal instanceof RebootSignal)) throw signal;
    return { exitCode: -1, durationMs: shell.elapsed, lines: shell.lines, rebootedBy: signal.command };
  }
}

/** True for the commands that restart the machine at once: `reboot`, `shutdown -r`, `systemctl reboot`, `init 6`, `telinit 6`. */
export function isRebootCommand(args: readonly string[]): boolean {
  const [name = '', ...rest] = args;
  const program = name.slice(name.lastIndexOf('/') + 1);
  if (program === 'reboot') return true;
  if (program === 'shutdown') return rest.some((arg) => arg === '--reboot' || /^-[a-zA-Z]*r/.test(arg));
  if (program === 'systemctl') return rest.filter((arg) => !arg.startsWith('-'))[0] === 'reboot';
  return (program === 'init' || program === 'telinit') && rest[0] === '6';
}

/** Commands every simulated image has (`command -v` finds them); package installs add others under /usr/bin. */
const BASE_TOOLS = ['bash', 'sh', 'tar', 'gzip', 'sha256sum', 'install', 'cp', 'chmod', 'chown', 'curl', 'python3', 'systemctl', 'find', 'grep'];
/** Where `command -v` looks for what packages installed. */
const BIN_DIRECTORIES = ['/usr/bin', '/usr/local/bin', '/bin'];

/** Directories of the image's own programs: `/usr/bin/systemctl` is `systemctl` unless a script put a file there. */
const SYSTEM_DIRECTORIES = [...BIN_DIRECTORIES, '/usr/sbin', '/sbin'];
/** Programs a package installs besides the one named after it. */
const PACKAGE_PROGRAMS: Record<string, string[]> = { 'ansible': ['ansible', 'ansible-playbook'], 'ansible-core': ['ansible', 'ansible-playbook'] };

class SimulatedShell {
  elapsed = 0;
  readonly lines: ScriptLine[] = [];
  private errexit = false;
  private lastStatus = 0;
  /** Set when the last status came from a place `set -e` ignores (left of `&&`/`||`, a condition). */
  private exempt = false;

  constructor(private readonly fs: SimulatedFilesystem, private readonly prng: Prng) {}

  /** Runs a whole script; `exit N` ends it with N. */
  runScript(script: string): number {
    try {
      return this.runList(parseScript(script));
    } catch (signal) {
      if (!(signal instanceof ExitSignal)) throw signal;
      return signal.code;
    }
  }

  runList(nodes: Node[]): number {
    let status = 0;
    for (const node of nodes) {
      status = this.run(node);
      if (status !== 0 && this.errexit && !this.exempt) throw new ExitSignal(status);
    }
    return status;
  }

  private run(node: Node): number {
    this.exempt = false;
    switch (node.kind) {
      case 'simple': return this.record(this.simple(node.words, node.text, true));
      case 'pipe': return this.pipe(node.parts);
      case 'and':
      case 'or': return this.andOr(node.kind, node.left, node.right);
      case 'if': return this.runIf(node.branches, node.otherwise);
    }
  }

  private record(status: number): number {
    this.lastStatus = status;
    return status;
  }

  private andOr(kind: 'and' | 'or', left: Node, right: Node): number {
    const first = this.run(left);
    if ((kind === 'and') === (first === 0)) return this.run(right);
    this.exempt = true;
    return first;
  }

  private runIf(branches: { cond: Node[]; body: Node[] }[], otherwise: Node[] | undefined): number {
    for (const branch of branches) {
      const wasErrexit = this.errexit;
      this.errexit = false;
      const cond = this.runList(branch.cond);
      this.errexit = wasErrexit;
      if (cond === 0) return this.runList(branch.body);
    }
    return otherwise ? this.runList(otherwise) : 0;
  }

  private pipe(parts: Node[]): number {
    let status = 0;
    parts.forEach((part, i) => {
      if (part.kind === 'simple') status = this.simple(part.words, part.text, i === parts.length - 1);
      else status = this.run(part);
    });
    return this.record(status);
  }

  private simple(words: Word[], text: string, showOutput: boolean): number {
    const expanded = words.flatMap((word) => (word.quoted ? [word.value] : this.fs.glob(word.value)));
    const { args, targets } = stripRedirections(stripPrefixes(expanded));
    this.emit('stdout', `+ ${text}`);
    const before = this.lines.length;
    const effect = this.interpret(args);
    const stdoutTo = targets.filter((target) => target.fd !== 2);
    const stderrTo = targets.filter((target) => target.fd !== 1);
    let out = effect.out;
    let err = effect.err ?? [];
    if (stdoutTo.some((target) => target.path === '&2')) [out, err] = [[], [...err, ...out]];
    else if (stderrTo.some((target) => target.path === '&1')) [out, err] = [[...out, ...err], []];
    out = this.redirect(out, stdoutTo);
    err = this.redirect(err, stderrTo);
    if (stdoutTo.length > 0 || !showOutput) this.dropSince(before, 'stdout');
    const step = effect.ms / Math.max(1, out.length + 1);
    if (showOutput) out.forEach((line, i) => this.emit('stdout', line, step * (i + 1)));
    err.forEach((line) => this.emit('stderr', line, step));
    this.elapsed += Math.round(effect.ms);
    return effect.status;
  }

  /** Removes the lines of `stream` a script run by path printed since `index` (its output went elsewhere). */
  private dropSince(index: number, stream: 'stdout' | 'stderr'): void {
    const kept = this.lines.slice(index).filter((line) => line.stream !== stream);
    this.lines.splice(index, this.lines.length - index, ...kept);
  }

  /** Writes `lines` to the redirections' files and returns nothing, or returns them when there is no redirection. */
  private redirect(lines: string[], targets: Redirection[]): string[] {
    if (targets.length === 0) return lines;
    for (const target of targets.filter((candidate) => candidate.path !== '/dev/null' && !candidate.path.startsWith('&'))) {
      const kept = target.append ? this.fs.read(target.path)?.toString('utf8') ?? '' : '';
      this.fs.writeFile(target.path, Buffer.from(kept + lines.map((line) => `${line}\n`).join(''), 'utf8'));
    }
    return [];
  }

  private emit(stream: 'stdout' | 'stderr', text: string, offsetMs = 0): void {
    this.lines.push({ atMs: Math.round(this.elapsed + offsetMs), stream, text });
  }

  private ms(minSeconds: number, maxSeconds: number): number {
    return this.prng.int(minSeconds * 1000, maxSeconds * 1000);
  }

  private interpret(args: string[]): Effect {
    const [name = '', ...rest] = args;
    if (name === '') return { status: 0, ms: 0, out: [] };
    if (isRebootCommand(args) && !this.fs.isFile(name)) throw new RebootSignal(args.join(' '));
    const onFiles = fileCommand(name, rest, this.fs);
    if (onFiles) return onFiles;
    if (name.includes('/')) {
      const slash = name.lastIndexOf('/');
      const isSystemProgram = SYSTEM_DIRECTORIES.includes(name.slice(0, slash)) && !this.fs.isFile(name);
      return isSystemProgram ? this.interpret([name.slice(slash + 1), ...rest]) : this.runFile(name);
    }
    if ((name === 'bash' || name === 'sh') && rest[0] !== undefined && !rest[0].startsWith('-')) return this.runFile(rest[0]);
    switch (name) {
      case 'exit': throw new ExitSignal(rest[0] !== undefined ? exitStatus(rest[0]) : this.lastStatus);
      case 'true': case ':': return { status: 0, ms: 5, out: [] };
      case 'false': return { status: 1, ms: 5, out: [] };
      case 'set': return this.set(rest);
      case 'echo': return { status: 0, ms: 20, out: [echoText(rest)] };
      case 'printf': return { status: 0, ms: 20, out: printfText(rest) };
      case 'sleep': return { status: 0, ms: sleepSeconds(rest[0]) * 1000, out: [] };
      case 'test': case '[': case '[[': return { status: this.test(rest.filter((a) => a !== ']' && a !== ']]')) ? 0 : 1, ms: 5, out: [] };
      case 'curl': case 'wget': return this.download(rest);
      case 'command': return this.commandLookup(rest);
      case 'ansible-playbook': return this.ansiblePlaybook(rest);
      case 'systemctl': return systemctl(rest, this.ms(0.5, 1.5));
      default:
        if (PACKAGE_MANAGERS.includes(name)) return this.packages(name, rest);
        if (name === 'pip' || name === 'pip3' || name === 'npm' || name === 'snap') return this.languagePackages(rest);
        return { status: 0, ms: this.ms(1.5, 2.5), out: [] };
    }
  }

  private set(args: string[]): Effect {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg === '-o' && args[i + 1] === 'errexit') this.errexit = true;
      else if (arg === '+o' && args[i + 1] === 'errexit') this.errexit = false;
      else if (/^-[a-z]*e/.test(arg)) this.errexit = true;
      else if (/^\+[a-z]*e/.test(arg)) this.errexit = false;
    }
    return { status: 0, ms: 5, out: [] };
  }

  private test(args: string[]): boolean {
    if (args[0] === '!') return !this.test(args.slice(1));
    if (args.length === 0) return false;
    if (args.length === 1) return args[0] !== '';
    const [op, operand] = args;
    if (args.length === 2) {
      if (op === '-f' || op === '-s' || op === '-r' || op === '-x') return this.fs.isFile(operand);
      if (op === '-e') return this.fs.exists(operand);
      if (op === '-d') return this.fs.isDirectory(operand);
      if (op === '-z') return operand === '';
      if (op === '-n') return operand !== '';
      return false;
    }
    const [left, cmp, right] = args;
    if (cmp === '=' || cmp === '==') return left === right;
    if (cmp === '!=') return left !== right;
    return true;
  }

  /**
   * Runs a file by its path (or as `bash FILE`): a shell script the filesystem holds runs in this shell's
   * simulation, its `exit N` ending only it; another interpreter's script, or one whose contents are not
   * known, takes a few seconds and succeeds.
   */
  private runFile(path: string): Effect {
    if (!this.fs.isFile(path)) return { status: 127, ms: 5, out: [], err: [`bash: ${path}: No such file or directory`] };
    const text = this.fs.read(path)?.toString('utf8');
    if (text === undefined || !isShellScript(text)) return { status: 0, ms: this.ms(1, 3), out: [] };
    const nested = new SimulatedShell(this.fs, this.prng);
    nested.elapsed = this.elapsed;
    const cwd = this.fs.cwd;
    const status = nested.runScript(text);
    this.fs.cwd = cwd;
    this.lines.push(...nested.lines);
    return { status, ms: nested.elapsed - this.elapsed, out: [] };
  }

  /** `command -v NAME`: found among the image's own tools or what packages installed. */
  private commandLookup(args: string[]): Effect {
    const name = args.filter((arg) => !arg.startsWith('-'))[0] ?? '';
    const path = BIN_DIRECTORIES.map((dir) => `${dir}/${name}`).find((candidate) => this.fs.isFile(candidate));
    if (BASE_TOOLS.includes(name)) return { status: 0, ms: 5, out: [`/usr/bin/${name}`] };
    return path ? { status: 0, ms: 5, out: [path] } : { status: 1, ms: 5, out: [] };
  }

  /** Records the programs a package installs, so `command -v` finds them. */
  private installed(packages: string[], directory = '/usr/bin'): void {
    for (const name of packages) (PACKAGE_PROGRAMS[name] ?? [name]).forEach((program) => this.fs.writeFile(`${directory}/${program}`));
  }

  private languagePackages(args: string[]): Effect {
    const names = args.filter((arg) => !arg.startsWith('-')).slice(1);
    if (args[0] === 'install') this.installed(names, '/usr/local/bin');
    return { status: 0, ms: this.ms(10, 20), out: [`Successfully installed ${names.join(' ')}`.trim()] };
  }

  /** `ansible-playbook ... PLAYBOOK`: needs Ansible installed and the playbook present; plays it on localhost. */
  private ansiblePlaybook(args: string[]): Effect {
    if (this.commandLookup(['ansible-playbook']).status !== 0) return { status: 127, ms: 5, out: [], err: ['ansible-playbook: command not found'] };
    const playbook = args.filter((arg, i) => /\.ya?ml$/.test(arg) && !['-i', '-e', '--extra-vars', '--inventory'].includes(args[i - 1]))[0];
    if (!playbook || !this.fs.isFile(playbook)) {
      return { status: 1, ms: 1500, out: [], err: [`ERROR! the playbook: ${playbook ?? '(none)'} could not be found`] };
    }
    const tasks = this.prng.int(3, 8);
    return {
      status: 0,
      ms: this.ms(20, 60),
      out: ['PLAY [localhost] ***', 'TASK [Gathering Facts] ***', 'ok: [localhost]', ...Array.from({ length: tasks }, (_, i) => `changed: [localhost] => task ${i + 1}`),
        'PLAY RECAP ***', `localhost : ok=${tasks + 1} changed=${tasks} unreachable=0 failed=0 skipped=0`],
    };
  }

  private download(args: string[]): Effect {
    const outIndex = args.findIndex((a) => a === '-o' || a === '-O' || a === '--output');
    if (outIndex >= 0 && args[outIndex + 1]) this.fs.writeFile(args[outIndex + 1]);
    return { status: 0, ms: this.ms(0.5, 1.5), out: [] };
  }

  private packages(manager: string, args: string[]): Effect {
    const action = args.find((a) => !a.startsWith('-')) ?? '';
    const names = args.filter((a) => !a.startsWith('-')).slice(1);
    const debian = manager.startsWith('apt');
    if (action === 'update' || action === 'makecache') {
      return { status: 0, ms: this.ms(8, 12), out: debian ? APT_UPDATE : DNF_UPDATE };
    }
    if (action === 'install' || action === 'reinstall') {
      this.installed(names);
      const out = debian
        ? ['Reading package lists...', 'Building dependency tree...', 'Reading state information...',
          'The following NEW packages will be installed:', `  ${names.join(' ')}`,
          `0 upgraded, ${names.length} newly installed, 0 to remove and 0 not upgraded.`,
          ...names.map((n) => `Setting up ${n} (${this.version()}) ...`)]
        : ['Dependencies resolved.', ...names.map((n) => `Installing       : ${n}-${this.version()}.amzn2023.x86_64`), 'Complete!'];
      return { status: 0, ms: this.ms(20, 40), out };
    }
    if (action === 'upgrade' || action === 'dist-upgrade' || action === 'full-upgrade') {
      const count = this.prng.int(3, 40);
      return {
        status: 0,
        ms: this.ms(30, 60),
        out: debian
          ? ['Reading package lists...', 'Calculating upgrade...', `${count} upgraded, 0 newly installed, 0 to remove and 0 not upgraded.`]
          : ['Dependencies resolved.', `Upgraded ${count} packages.`, 'Complete!'],
      };
    }
    return { status: 0, ms: this.ms(3, 8), out: debian ? ['Reading package lists...'] : ['Complete!'] };
  }

  private version(): string {
    return `${this.prng.int(1, 9)}.${this.prng.int(0, 30)}.${this.prng.int(0, 9)}-${this.prng.int(1, 5)}`;
  }
}

const APT_UPDATE = [
  'Hit:1 http://archive.ubuntu.com/ubuntu noble InRelease',
  'Get:2 http://archive.ubuntu.com/ubuntu noble-updates InRelease [126 kB]',
  'Get:3 http://security.ubuntu.com/ubuntu noble-security InRelease [126 kB]',
  'Fetched 252 kB in 1s (301 kB/s)',
  'Reading package lists...',
];

const DNF_UPDATE = ['Amazon Linux 2023 repository                    41 MB/s |  30 MB     00:00', 'Metadata cache created.'];

function stripPrefixes(args: string[]): string[] {
  let rest = args;
  for (;;) {
    if (rest[0] === 'command' && (rest[1] === '-v' || rest[1] === '-V')) return rest;
    if (rest.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0])) rest = rest.slice(1);
    else if (rest.length && WRAPPERS.includes(rest[0])) rest = rest.slice(1).filter((a, i) => i > 0 || !a.startsWith('-'));
    else if (rest[0] === 'export' || rest[0] === 'readonly') return [];
    else return rest;
  }
}

/** Where a command's output goes: `>` / `1>` (1), `2>` (2) or `&>` (both), replacing or appending. */
interface Redirection {
  readonly fd: 1 | 2 | 'both';
  readonly path: string;
  readonly append: boolean;
}

const REDIRECT = /^(\d?|&)(>>?)(.*)$/;

/** Removes redirections from the arguments and returns where they send output. */
function stripRedirections(args: string[]): { args: string[]; targets: Redirection[] } {
  const kept: string[] = [];
  const targets: Redirection[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const redirect = REDIRECT.exec(arg);
    if (redirect) {
      const path = redirect[3] !== '' ? redirect[3] : args[++i];
      const fd = redirect[1] === '&' ? 'both' : redirect[1] === '2' ? 2 : 1;
      if (path !== undefined) targets.push({ fd, path, append: redirect[2] === '>>' });
    } else if (/^\d?<$/.test(arg)) {
      i++;
    } else if (!/^\d?</.test(arg)) {
      kept.push(arg);
    }
  }
  return { args: kept, targets };
}

/** `exit N` keeps the low 8 bits, as the shell does (`exit 256` is 0, `exit -1` is 255). */
function exitStatus(arg: string): number {
  const n = Number.parseInt(arg, 10);
  return Number.isNaN(n) ? 2 : ((n % 256) + 256) % 256;
}

function echoText(args: string[]): string {
  const words = [...args];
  while (words[0] === '-n' || words[0] === '-e' || words[0] === '-ne') words.shift();
  return words.join(' ');
}

function printfText(args: string[]): string[] {
  const [format = '', ...values] = args;
  let i = 0;
  const text = format.replace(/%[sd]/g, () => values[i++] ?? '').replace(/\\n/g, '\n');
  return text.replace(/\n$/, '').split('\n');
}

function sleepSeconds(arg: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg ?? '');
  if (!match) return 1;
  const unit = { '': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400 }[match[2]] ?? 1;
  return Number(match[1]) * unit;
}

/** A script with no `#!` line, or one naming a shell (`#!/bin/bash`, `#!/usr/bin/env sh`), runs in the simulated shell. */
function isShellScript(text: string): boolean {
  const line = /^#!\s*(.*)/.exec(text)?.[1];
  if (line === undefined) return true;
  const [program = '', argument = ''] = line.trim().split(/\s+/);
  const interpreter = program.endsWith('/env') ? argument : program;
  return /(^|\/)(ba|da|z)?sh$/.test(interpreter);
}

function systemctl(args: string[], ms: number): Effect {
  const [action, unit = ''] = args.filter((a) => !a.startsWith('-'));
  if (action === 'is-active') return { status: 0, ms, out: ['active'] };
  if (action === 'enable') {
    const service = unit.includes('.') ? unit : `${unit}.service`;
    return { status: 0, ms, out: [`Created symlink /etc/systemd/system/multi-user.target.wants/${service} → /usr/lib/systemd/system/${service}.`] };
  }
  return { status: 0, ms, out: [] };
}
