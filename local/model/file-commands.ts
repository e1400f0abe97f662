/**
 * The simulated shell's file commands, on the instance's simulated filesystem: they create, copy and remove
 * what a real command would, fail as coreutils does when a path is missing, and `sha256sum --check`
 * checks the contents a download brought.
 */
import type { SimulatedFilesystem } from './filesystem';

/** What a command did: its status, how long it took, and what it printed. */
export interface Effect {
  readonly status: number;
  readonly ms: number;
  readonly out: string[];
  readonly err?: string[];
}

const ok = (ms = 10, out: string[] = []): Effect => ({ status: 0, ms, out });
const failed = (message: string, status = 1): Effect => ({ status, ms: 10, out: [], err: [message] });

/** Options that take a value, per command (`install -m 0644`). */
const VALUE_OPTIONS: Record<string, string[]> = { install: ['-o', '-g', '-m', '-t', '--owner', '--group', '--mode'], chown: [], chmod: [] };

/** The arguments that are not options or option values, and the options given. */
function operands(command: string, args: string[]): { paths: string[]; options: Map<string, string> } {
  const paths: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') paths.push(arg);
    else if ((VALUE_OPTIONS[command] ?? []).includes(arg)) options.set(arg, args[++i] ?? '');
    else options.set(arg, '');
  }
  return { paths, options };
}

const basename = (path: string): string => path.replace(/\/+$/, '').split('/').pop() ?? path;

/** The command's effect, or undefined when `name` is not a file command. */
export function fileCommand(name: string, args: string[], fs: SimulatedFilesystem): Effect | undefined {
  switch (name) {
    case 'touch': case 'tee': operands(name, args).paths.forEach((path) => fs.isFile(path) || fs.writeFile(path)); return ok();
    case 'mkdir': operands(name, args).paths.forEach((path) => fs.makeDirectory(path)); return ok();
    case 'rm': operands(name, args).paths.forEach((path) => fs.remove(path)); return ok();
    case 'ln': return link(args, fs);
    case 'cp': return copy(args, fs, false);
    case 'mv': return copy(args, fs, true);
    case 'install': return install(args, fs);
    case 'cd': return changeDirectory(args, fs);
    case 'cat': return cat(args, fs);
    case 'chmod': case 'chown': return changeAttributes(name, args, fs);
    case 'sha256sum': return sha256sum(args, fs);
    case 'find': return ok(50);
    default: return undefined;
  }
}

function link(args: string[], fs: SimulatedFilesystem): Effect {
  const { paths } = operands('ln', args);
  if (paths.length >= 2) fs.writeFile(paths[paths.length - 1]);
  return ok();
}

/** `cp [-R] SOURCE... TARGET` (`dir/.` copies what `dir` holds) and `mv`. */
function copy(args: string[], fs: SimulatedFilesystem, move: boolean): Effect {
  const { paths, options } = operands('cp', args);
  const recursive = ['-R', '-r', '-a', '--recursive'].some((option) => options.has(option)) || move;
  const target = paths.pop();
  if (!target || paths.length === 0) return failed(`${move ? 'mv' : 'cp'}: missing file operand`);
  for (const source of paths) {
    const command = move ? 'mv' : 'cp';
    if (!fs.exists(source)) return failed(`${command}: cannot stat '${source}': No such file or directory`);
    if (fs.isDirectory(source) && !recursive) return failed(`${command}: -r not specified; omitting directory '${source}'`);
    const into = fs.isDirectory(target) && !source.endsWith('/.') ? `${target}/${basename(source)}` : target;
    fs.copy(source, into);
    if (move) fs.remove(source);
  }
  return ok(50);
}

/** `install [-D] [-d] [-o OWNER] [-g GROUP] [-m MODE] SOURCE TARGET`: without -D the target's directory must exist. */
function install(args: string[], fs: SimulatedFilesystem): Effect {
  const { paths, options } = operands('install', args);
  if (options.has('-d')) {
    paths.forEach((path) => fs.makeDirectory(path));
    return ok();
  }
  const [source, target] = paths;
  if (!source || !target) return failed('install: missing destination file operand');
  if (!fs.isFile(source)) return failed(`install: cannot stat '${source}': No such file or directory`);
  const parent = fs.resolve(target).slice(0, fs.resolve(target).lastIndexOf('/')) || '/';
  if (!options.has('-D') && !fs.isDirectory(parent)) return failed(`install: cannot create regular file '${target}': No such file or directory`);
  fs.copy(source, fs.isDirectory(target) ? `${target}/${basename(source)}` : target);
  return ok(20);
}

function changeDirectory(args: string[], fs: SimulatedFilesystem): Effect {
  const [directory = '/root'] = operands('cd', args).paths;
  if (!fs.isDirectory(directory)) return failed(`cd: ${directory}: No such file or directory`);
  fs.cwd = fs.resolve(directory);
  return ok(5);
}

/** Paths under these exist on every image, though the simulator does not list them. */
const SYSTEM_PATHS = ['/etc/', '/proc/', '/usr/', '/sys/'];

function cat(args: string[], fs: SimulatedFilesystem): Effect {
  const out: string[] = [];
  for (const path of operands('cat', args).paths) {
    const known = fs.read(path);
    if (known !== undefined) {out.push(...known.toString('utf8').replace(/\n$/, '').split('\n'));} else if (!fs.isFile(path) && !SYSTEM_PATHS.some((prefix) => fs.resolve(path).startsWith(prefix))) {
      return { status: 1, ms: 10, out, err: [`cat: ${path}: No such file or directory`] };
    }
  }
  return ok(10, out);
}

function changeAttributes(command: 'chmod' | 'chown', args: string[], fs: SimulatedFilesystem): Effect {
  const [, ...targets] = operands(command, args).paths;
  const missing = targets.find((path) => !fs.exists(path));
  return missing ? failed(`${command}: cannot access '${missing}': No such file or directory`) : ok();
}

/** `sha256sum FILE...` prints sums; `sha256sum --check [--quiet] LIST` checks each `HASH  PATH` line of LIST. */
function sha256sum(args: string[], fs: SimulatedFilesystem): Effect {
  const { paths, options } = operands('sha256sum', args);
  if (!options.has('-c') && !options.has('--check')) {
    const missing = paths.find((path) => !fs.isFile(path));
    if (missing) return failed(`sha256sum: ${missing}: No such file or directory`);
    return ok(20, paths.map((path) => `${fs.sha256(path)}  ${path}`));
  }
  const quiet = options.has('--quiet') || options.has('--status');
  const out: string[] = [];
  const err: string[] = [];
  let mismatches = 0;
  for (const list of paths) {
    const text = fs.read(list)?.toString('utf8');
    if (text === undefined) return failed(`sha256sum: ${list}: No such file or directory`);
    for (const line of text.split('\n').filter((entry) => entry.trim().length > 0)) {
      const [, hash, path] = /^([0-9a-f]{64}) [ *](.+)$/.exec(line) ?? [];
      if (!hash) return failed(`sha256sum: ${list}: no properly formatted SHA256 checksum lines found`);
      if (!fs.isFile(path)) {
        err.push(`sha256sum: ${path}: No such file or directory`);
        out.push(`${path}: FAILED open or read`);
        mismatches++;
      } else if (fs.sha256(path) !== hash) {
        out.push(`${path}: FAILED`);
        mismatches++;
      } else if (!quiet) {
        out.push(`${path}: OK`);
      }
    }
  }
  if (mismatches > 0) err.push(`sha256sum: WARNING: ${mismatches} computed checksum${mismatches > 1 ? 's' : ''} did NOT match`);
  return { status: mismatches > 0 ? 1 : 0, ms: 50, out, err };
}
