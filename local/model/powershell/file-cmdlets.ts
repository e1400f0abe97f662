/**
 * The cmdlets that work on the instance's files (in simulated form, `/C:/...`: windows-paths.ts): Set-Location,
 * Test-Path, Join-Path, New-Item (and mkdir), Copy-Item, Move-Item, Remove-Item, Set-Content, Add-Content,
 * Out-File, Get-Content and Get-FileHash, with the errors PowerShell writes when a path is missing or wrong;
 * and how file text is read and written.
 */
import { createHash } from 'node:crypto';
import type { SimulatedFilesystem } from '../filesystem';
import type { Bound, Cmdlet, CmdletHost } from './cmdlets';
import { commandClass } from './signals';
import { enumerate, PsObject, toText, Value } from './values';
import {
  canonicalPath, childrenOf, expandPath, fromSimulatedPath, isDirectoryPath, leafOf, parentOf, pathExists, toSimulatedPath,
} from './windows-paths';

const HASH_ALGORITHMS = ['SHA1', 'SHA256', 'SHA384', 'SHA512', 'MD5'];
const HASH_HEADER = ['', `${'Algorithm'.padEnd(16)}${'Hash'.padEnd(71)}Path`, `${'---------'.padEnd(16)}${'----'.padEnd(71)}----`];
const itemHeader = (directory: string) => ['', `    Directory: ${directory}`, '', '', 'Mode                 LastWriteTime         Length Name',
  '----                 -------------         ------ ----'];

/** A file's text: UTF-16 with its byte order mark, else UTF-8 (its mark removed). */
export function decode(bytes: Buffer | undefined): string {
  if (bytes?.[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  return (bytes?.toString('utf8') ?? '').replace(/^\uFEFF/, '');
}

/** Writes `text` to a file in UTF-8, after what it holds when `append`. */
export function writeText(fs: SimulatedFilesystem, path: string, text: string, append: boolean): void {
  fs.writeFile(path, Buffer.from(`${append ? decode(fs.read(path)) : ''}${text}`, 'utf8'));
}

/** A path argument in simulated form, spelled as the filesystem spells it. */
export function simulatedPath(fs: SimulatedFilesystem, path: Value): string {
  return canonicalPath(fs, toSimulatedPath(toText(path), fs.cwd));
}

/** The paths a cmdlet's -LiteralPath, -Path (or -FilePath) or first positional argument names. */
function pathArguments(fs: SimulatedFilesystem, bound: Bound): { path: string; literal: boolean }[] {
  const literal = bound.named.get('literalpath') ?? bound.named.get('lp') ?? bound.named.get('pspath');
  const given = literal ?? bound.named.get('path') ?? bound.named.get('filepath') ?? bound.positional[0] ?? null;
  return enumerate(given).map((raw) => ({ path: simulatedPath(fs, raw), literal: literal !== undefined }));
}

/** The error for a path that does not exist. */
function missing(host: CmdletHost, command: string, path: string): Value[] {
  const shown = fromSimulatedPath(path);
  const category = `ObjectNotFound: (${shown}:String) [${command}], ItemNotFoundException`;
  return host.fail(command, `Cannot find path '${shown}' because it does not exist.`, category, `PathNotFound,${commandClass(command)}`);
}

/** The error for a path whose directory does not exist. */
export function noParent(host: CmdletHost, command: string, path: string): Value[] {
  const shown = fromSimulatedPath(path);
  const category = `ObjectNotFound: (${shown}:String) [${command}], DirectoryNotFoundException`;
  const id = `System.IO.DirectoryNotFoundException,${commandClass(command)}`;
  return host.fail(command, `Could not find a part of the path '${shown}'.`, category, id);
}

/** The error for reading or writing a directory as a file. */
function accessDenied(host: CmdletHost, command: string, path: string): Value[] {
  const shown = fromSimulatedPath(path);
  const category = `PermissionDenied: (${shown}:String) [${command}], UnauthorizedAccessException`;
  const id = `${command === 'Get-Content' ? 'GetContentReader' : 'GetContentWriter'}UnauthorizedAccessError,${commandClass(command)}`;
  return host.fail(command, `Access to the path '${shown}' is denied.`, category, id);
}

const setLocation: Cmdlet = (host, bound) => {
  const [target] = pathArguments(host.fs, bound);
  if (target && !isDirectoryPath(host.fs, target.path)) return missing(host, 'Set-Location', target.path);
  if (target) host.fs.cwd = target.path;
  return [];
};

const testPath: Cmdlet = ({ fs }, bound) => {
  const type = toText(bound.named.get('pathtype') ?? 'any').toLowerCase();
  const fits = (path: string) => (type === 'leaf' ? fs.isFile(path) : type === 'container' ? isDirectoryPath(fs, path) : true);
  return pathArguments(fs, bound).map(({ path, literal }) => expandPath(fs, path, literal).some(fits));
};

const joinPath: Cmdlet = (_host, bound) => [`${toText(bound.named.get('path') ?? bound.positional[0] ?? '').replace(/[\\/]+$/, '')}\\${
  toText(bound.named.get('childpath') ?? bound.positional[1] ?? '').replace(/^[\\/]+/, '')}`];

/** New-Item: a directory (with its parents) or a file (its directory must exist, unless -Force); an existing item needs -Force. */
function newItem(host: CmdletHost, bound: Bound, itemType: string): Value[] {
  const { fs } = host;
  const directory = itemType.toLowerCase() === 'directory';
  const force = bound.switches.has('force');
  const name = bound.named.get('name');
  const paths = pathArguments(fs, bound).map(({ path }) => path);
  return (paths.length > 0 ? paths : [fs.cwd]).flatMap((given) => {
    const path = name === undefined ? given : simulatedPath(fs, `${fromSimulatedPath(given)}\\${toText(name)}`);
    const shown = fromSimulatedPath(path);
    if (pathExists(fs, path) && !(force && directory === isDirectoryPath(fs, path))) {
      const category = `ResourceExists: (${shown}:String) [New-Item], IOException`;
      const id = `${directory ? 'DirectoryExist' : 'NewItemIOError'},${commandClass('New-Item')}`;
      return host.fail('New-Item', `An item with the specified name ${shown} already exists.`, category, id);
    }
    if (!directory && !force && !isDirectoryPath(fs, parentOf(path))) return noParent(host, 'New-Item', path);
    if (directory) fs.makeDirectory(path);
    else fs.writeFile(path, Buffer.from(toText(bound.named.get('value') ?? ''), 'utf8'));
    return [item(host, path)];
  });
}

/** A file or directory as New-Item returns it, shown the way PowerShell lists it. */
function item({ fs, session }: CmdletHost, path: string): PsObject {
  const directory = isDirectoryPath(fs, path);
  const length = directory ? '' : String(fs.read(path)?.length ?? 0);
  const now = new Date(session.startedAt + session.elapsed);
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
function copyItem(host: CmdletHost, command: string, bound: Bound): Value[] {
  const { fs } = host;
  const destination = simulatedPath(fs, bound.named.get('destination') ?? bound.positional[1] ?? '.');
  const recurse = command === 'Move-Item' || bound.switches.has('recurse');
  for (const { path, literal } of pathArguments(fs, bound)) {
    const sources = expandPath(fs, path, literal);
    if (sources.length === 0) missing(host, command, path);
    for (const source of sources) {
      const target = isDirectoryPath(fs, destination) ? `${destination}/${leafOf(source)}` : destination;
      if (!isDirectoryPath(fs, parentOf(target))) noParent(host, command, target);
      else if (isDirectoryPath(fs, source) && !recurse) fs.makeDirectory(target);
      else if (target !== source) fs.copy(source, target);
      if (command === 'Move-Item' && target !== source && pathExists(fs, target)) fs.remove(source);
    }
  }
  return [];
}

/** Remove-Item: a directory with contents needs -Recurse (PowerShell would ask, which a non-interactive session cannot). */
const removeItem: Cmdlet = (host, bound) => {
  for (const { path, literal } of pathArguments(host.fs, bound)) {
    const found = expandPath(host.fs, path, literal);
    if (found.length === 0) missing(host, 'Remove-Item', path);
    for (const entry of found) {
      if (childrenOf(host.fs, entry).length === 0 || bound.switches.has('recurse')) {host.fs.remove(entry);} else {
        host.fail('Remove-Item', 'Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.',
          'InvalidOperation: (:) [Remove-Item], PSInvalidOperationException', `InvalidOperation,${commandClass('Remove-Item')}`);
      }
    }
  }
  return [];
};

/** Set-Content / Add-Content / Out-File: -Value (or the pipeline's objects), one line each, ended by CRLF as on Windows. */
function setContent(host: CmdletHost, command: string, bound: Bound, input: Value[]): Value[] {
  const given = bound.named.get('value') ?? bound.named.get('inputobject');
  const values = given !== undefined ? enumerate(given) : input.length > 0 ? input : bound.positional.slice(1).flatMap(enumerate);
  const text = values.map((value) => `${toText(value)}${bound.switches.has('nonewline') ? '' : '\r\n'}`).join('');
  for (const { path } of pathArguments(host.fs, bound)) {
    if (isDirectoryPath(host.fs, path)) accessDenied(host, command, path);
    else if (!isDirectoryPath(host.fs, parentOf(path))) noParent(host, command, path);
    else writeText(host.fs, path, text, command === 'Add-Content' || bound.switches.has('append'));
  }
  return [];
}

/** Get-Content: the file's lines (its whole text with -Raw). */
const getContent: Cmdlet = (host, bound) => pathArguments(host.fs, bound).flatMap(({ path, literal }) => {
  const found = expandPath(host.fs, path, literal);
  if (found.length === 0) return missing(host, 'Get-Content', path);
  return found.flatMap((file) => {
    if (isDirectoryPath(host.fs, file)) return accessDenied(host, 'Get-Content', file);
    const text = decode(host.fs.read(file));
    if (text === '' || bound.switches.has('raw')) return text === '' ? [] : [text];
    return text.replace(/\r?\n$/, '').split(/\r?\n/);
  });
});

/** Get-FileHash: an object whose `.Hash` is the upper-case hex digest of the file's known contents. */
const fileHash: Cmdlet = (host, bound) => {
  const algorithm = toText(bound.named.get('algorithm') ?? 'SHA256').toUpperCase();
  if (!HASH_ALGORITHMS.includes(algorithm)) {
    return host.fail('Get-FileHash', `Cannot validate argument on parameter 'Algorithm'. The argument "${algorithm}" does not belong to the set "${
      HASH_ALGORITHMS.join(',')}" specified by the ValidateSet attribute.`, 'InvalidData: (:) [Get-FileHash], ParameterBindingValidationException',
    `ParameterArgumentValidationError,${commandClass('Get-FileHash')}`);
  }
  return pathArguments(host.fs, bound).flatMap(({ path, literal }): Value[] => {
    const found = expandPath(host.fs, path, literal);
    if (found.length === 0) return missing(host, 'Get-FileHash', path);
    return found.filter((file) => host.fs.isFile(file)).map((file) => fileHashObject(host.fs, file, algorithm));
  });
};

/** A file's hash as Get-FileHash returns it (SHA256 is the digest the filesystem knows, even for contents it does not hold). */
function fileHashObject(fs: SimulatedFilesystem, file: string, algorithm: string): PsObject {
  const bytes = fs.read(file) ?? Buffer.alloc(0);
  const digest = algorithm === 'SHA256' ? fs.sha256(file) : createHash(algorithm).update(bytes).digest('hex');
  const [hash, shown] = [digest.toUpperCase(), fromSimulatedPath(file)];
  return {
    typeName: 'Microsoft.Powershell.Utility.FileHash',
    properties: { Algorithm: algorithm, Hash: hash, Path: shown },
    header: HASH_HEADER,
    row: `${algorithm.padEnd(16)}${hash.padEnd(71)}${shown}`,
  };
}

/** The file cmdlets, by name. */
export const FILE_CMDLETS: Record<string, Cmdlet> = {
  'Set-Location': setLocation,
  'Test-Path': testPath,
  'Join-Path': joinPath,
  'New-Item': (host, bound) => newItem(host, bound, toText(bound.named.get('itemtype') ?? bound.named.get('type') ?? 'File')),
  'mkdir': (host, bound) => newItem(host, bound, 'Directory'),
  'Copy-Item': (host, bound) => copyItem(host, 'Copy-Item', bound),
  'Move-Item': (host, bound) => copyItem(host, 'Move-Item', bound),
  'Remove-Item': removeItem,
  'Set-Content': (host, bound, input) => setContent(host, 'Set-Content', bound, input),
  'Add-Content': (host, bound, input) => setContent(host, 'Add-Content', bound, input),
  'Out-File': (host, bound, input) => setContent(host, 'Out-File', bound, input),
  'Get-Content': getContent,
  'Get-FileHash': fileHash,
};
