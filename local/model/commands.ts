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
 * Exit code 194 (3010 on Windows) asks the agent to reboot and run the script again. The
 * reboot step of a recipe uses a marker file so that it reboots exactly once:
 *
 *     if [ -f /var/lib/cdk-ami-bakery/reboot-<id> ]; then exit 0; fi
 *     mkdir -p /var/lib/cdk-ami-bakery
 *     touch /var/lib/cdk-ami-bakery/reboot-<id>
 *     exit 194
 */
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
}

class ExitSignal {
  constructor(readonly code: number) {}
}

interface Effect {
  readonly status: number;
  readonly ms: number;
  readonly out: string[];
  readonly err?: string[];
}

const PACKAGE_MANAGERS = ['apt-get', 'apt', 'dnf', 'yum'];
const WRAPPERS = ['sudo', 'env', 'nohup', 'time', 'command', 'exec'];

/** Runs a script against an instance's filesystem (which it updates) and reports what happened. */
export function runScript(script: string, files: Set<string>, prng: Prng): ScriptResult {
  const shell = new SimulatedShell(files, prng);
  let exitCode: number;
  try {
    exitCode = shell.runList(parseScript(script));
  } catch (signal) {
    if (!(signal instanceof ExitSignal)) throw signal;
    exitCode = signal.code;
  }
  return { exitCode, durationMs: shell.elapsed, lines: shell.lines };
}

class SimulatedShell {
  elapsed = 0;
  readonly lines: ScriptLine[] = [];
  private errexit = false;
  private lastStatus = 0;
  /** Set when the last status came from a place `set -e` ignores (left of `&&`/`||`, a condition). */
  private exempt = false;

  constructor(private readonly files: Set<string>, private readonly prng: Prng) {}

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
    const { args, targets } = stripRedirections(stripPrefixes(words.map((w) => w.value)));
    this.emit('stdout', `+ ${text}`);
    targets.forEach((target) => this.addFile(target));
    const effect = this.interpret(args, targets.length > 0);
    const step = effect.ms / Math.max(1, effect.out.length + 1);
    effect.out.forEach((line, i) => showOutput && this.emit('stdout', line, step * (i + 1)));
    effect.err?.forEach((line) => this.emit('stderr', line, step));
    this.elapsed += Math.round(effect.ms);
    return effect.status;
  }

  private emit(stream: 'stdout' | 'stderr', text: string, offsetMs = 0): void {
    this.lines.push({ atMs: Math.round(this.elapsed + offsetMs), stream, text });
  }

  private ms(minSeconds: number, maxSeconds: number): number {
    return this.prng.int(minSeconds * 1000, maxSeconds * 1000);
  }

  private interpret(args: string[], redirected: boolean): Effect {
    const [name = '', ...rest] = args;
    if (name === '') return { status: 0, ms: 0, out: [] };
    switch (name) {
      case 'exit': throw new ExitSignal(rest[0] !== undefined ? exitStatus(rest[0]) : this.lastStatus);
      case 'true': case ':': return { status: 0, ms: 5, out: [] };
      case 'false': return { status: 1, ms: 5, out: [] };
      case 'set': return this.set(rest);
      case 'echo': return { status: 0, ms: 20, out: redirected ? [] : [echoText(rest)] };
      case 'printf': return { status: 0, ms: 20, out: redirected ? [] : printfText(rest) };
      case 'sleep': return { status: 0, ms: sleepSeconds(rest[0]) * 1000, out: [] };
      case 'test': case '[': case '[[': return { status: this.test(rest.filter((a) => a !== ']' && a !== ']]')) ? 0 : 1, ms: 5, out: [] };
      case 'touch': rest.filter(isPath).forEach((p) => this.addFile(p)); return { status: 0, ms: 10, out: [] };
      case 'mkdir': rest.filter(isPath).forEach((p) => this.addDirectory(p)); return { status: 0, ms: 10, out: [] };
      case 'rm': rest.filter(isPath).forEach((p) => this.remove(p)); return { status: 0, ms: 10, out: [] };
      case 'cp': case 'mv': case 'install': case 'ln': return this.copy(rest);
      case 'tee': rest.filter(isPath).forEach((p) => this.addFile(p)); return { status: 0, ms: 10, out: [] };
      case 'cd': return { status: 0, ms: 5, out: [] };
      case 'cat': return this.cat(rest);
      case 'curl': case 'wget': return this.download(rest);
      case 'systemctl': return systemctl(rest, this.ms(0.5, 1.5));
      default:
        if (PACKAGE_MANAGERS.includes(name)) return this.packages(name, rest);
        if (name === 'pip' || name === 'pip3' || name === 'npm' || name === 'snap') return { status: 0, ms: this.ms(10, 20), out: [`Successfully installed ${rest.filter((a) => !a.startsWith('-')).slice(1).join(' ')}`.trim()] };
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
      if (op === '-f' || op === '-e' || op === '-s' || op === '-r' || op === '-x') return this.files.has(normalize(operand));
      if (op === '-d') return this.files.has(normalize(operand) + '/');
      if (op === '-z') return operand === '';
      if (op === '-n') return operand !== '';
      return false;
    }
    const [left, cmp, right] = args;
    if (cmp === '=' || cmp === '==') return left === right;
    if (cmp === '!=') return left !== right;
    return true;
  }

  private addFile(path: string): void {
    if (path === '/dev/null' || path.startsWith('&')) return;
    const file = normalize(path);
    this.addDirectory(file.slice(0, file.lastIndexOf('/')) || '/');
    this.files.add(file);
  }

  private addDirectory(path: string): void {
    let dir = normalize(path);
    while (dir && dir !== '/') {
      this.files.add(dir + '/');
      dir = dir.slice(0, dir.lastIndexOf('/'));
    }
  }

  private remove(path: string): void {
    const target = normalize(path);
    for (const file of [...this.files]) {
      if (file === target || file === target + '/' || file.startsWith(target + '/')) this.files.delete(file);
    }
  }

  private copy(args: string[]): Effect {
    const paths = args.filter(isPath);
    if (paths.length >= 2) this.addFile(paths[paths.length - 1]);
    return { status: 0, ms: 50, out: [] };
  }

  private cat(args: string[]): Effect {
    const missing = args.filter(isPath).filter((p) => p.startsWith('/') && !this.files.has(normalize(p)) && !p.startsWith('/etc/') && !p.startsWith('/proc/'));
    if (missing.length) return { status: 1, ms: 10, out: [], err: missing.map((p) => `cat: ${p}: No such file or directory`) };
    return { status: 0, ms: 10, out: [] };
  }

  private download(args: string[]): Effect {
    const outIndex = args.findIndex((a) => a === '-o' || a === '-O' || a === '--output');
    if (outIndex >= 0 && args[outIndex + 1]) this.addFile(args[outIndex + 1]);
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
    if (rest.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0])) rest = rest.slice(1);
    else if (rest.length && WRAPPERS.includes(rest[0])) rest = rest.slice(1).filter((a, i) => i > 0 || !a.startsWith('-'));
    else if (rest[0] === 'export' || rest[0] === 'readonly') return [];
    else return rest;
  }
}

/** Removes redirections from the arguments and returns the files they write to. */
function stripRedirections(args: string[]): { args: string[]; targets: string[] } {
  const kept: string[] = [];
  const targets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const inline = /^(?:\d?>>?|&>>?)(.+)$/.exec(arg);
    if (/^(?:\d?>>?|&>>?)$/.test(arg)) {
      if (args[i + 1] !== undefined) targets.push(args[++i]);
    } else if (inline) {
      if (!inline[1].startsWith('&')) targets.push(inline[1]);
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

function isPath(arg: string): boolean {
  return !arg.startsWith('-');
}

function normalize(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
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

function systemctl(args: string[], ms: number): Effect {
  const [action, unit = ''] = args.filter((a) => !a.startsWith('-'));
  if (action === 'is-active') return { status: 0, ms, out: ['active'] };
  if (action === 'enable') {
    const service = unit.includes('.') ? unit : `${unit}.service`;
    return { status: 0, ms, out: [`Created symlink /etc/systemd/system/multi-user.target.wants/${service} → /usr/lib/systemd/system/${service}.`] };
  }
  return { status: 0, ms, out: [] };
}
