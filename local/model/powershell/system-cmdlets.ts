/**
 * The cmdlets other than the file ones: Write-Output/-Host/-Error/-Warning, Start-Sleep, ForEach-Object,
 * Where-Object, Install-WindowsFeature, Get-WindowsFeature, Restart-Computer and Invoke-WebRequest; and what a
 * name that is no cmdlet runs: a script file, one of the image's programs (EC2Launch's `sysprep` generalizes the
 * instance, `shutdown /r` reboots it), another Verb-Noun cmdlet, or nothing ("is not recognized").
 */
import type { Bound, Cmdlet, CmdletHost } from './cmdlets';
import { noParent, simulatedPath } from './file-cmdlets';
import { commandClass, RestartSignal, StatementError } from './signals';
import { enumerate, isBlock, member, number, single, toBool, toText, Value } from './values';
import { canonicalPath, childrenOf, isDirectoryPath, isImageProgramPath, leafOf, parentOf } from './windows-paths';

const UNATTEND = 'C:\\ProgramData\\Amazon\\EC2Launch\\sysprep\\unattend.xml';
/** Where Install-WindowsFeature records what it installed. */
const FEATURES = '/C:/Windows/simulated-features';
/** What installing a feature puts on disk that later steps rely on (IIS's site folder). */
const FEATURE_FILES: Record<string, string[]> = {
  'web-server': ['/C:/inetpub/wwwroot/iisstart.htm', '/C:/Windows/System32/inetsrv/w3wp.exe'],
};
const FEATURE_RESULT_HEADER = ['', 'Success Restart Needed Exit Code      Feature Result', '------- -------------- ---------      --------------'];
const FEATURE_HEADER = ['', `${'Display Name'.padEnd(56)}${'Name'.padEnd(27)}Install State`,
  `${'------------'.padEnd(56)}${'----'.padEnd(27)}-------------`];
/** Programs on the image's PATH that a bare name runs. */
const PROGRAMS = ['cmd', 'powershell', 'msiexec', 'choco', 'net', 'netsh', 'reg', 'dism', 'icacls', 'sfc', 'bcdedit', 'wevtutil', 'certutil',
  'schtasks', 'tzutil', 'w32tm', 'whoami', 'hostname', 'ipconfig', 'setx', 'robocopy', 'xcopy', 'takeown', 'wusa', 'winrm', 'shutdown', 'rundll32',
  'regsvr32', 'cscript', 'wmic', 'fsutil', 'auditpol', 'secedit', 'gpupdate', 'ec2launch'];

/** What the Write-* cmdlets write: their positional values, then -Object, -Message and -InputObject. */
function written(bound: Bound): Value[] {
  const named = ['object', 'message', 'inputobject'].map((key) => bound.named.get(key) ?? null);
  return [...bound.positional, ...named].flatMap(enumerate);
}

/** Writes a line to the console (not the pipeline), and returns no output. */
function writeHost(host: CmdletHost, line: string): Value[] {
  host.session.emit('stdout', line);
  return [];
}

/** The Write-* cmdlets' values as one line of text. */
const writtenText = (bound: Bound) => written(bound).map(toText).join(' ');

/** ForEach-Object / Where-Object: the script block once per input object, as `$_`. */
function eachInput(host: CmdletHost, bound: Bound, input: Value[], filter: boolean): Value[] {
  const block = bound.named.get('process') ?? bound.named.get('filterscript') ?? bound.positional[0] ?? null;
  if (!isBlock(block)) return filter ? input : input.map((item) => member(item, toText(block)));
  return input.flatMap((item) => {
    host.assign('_', item);
    host.assign('PSItem', item);
    const output = host.capture(block.body);
    return !filter ? output : toBool(single(output)) ? [item] : [];
  });
}

function featureNames(bound: Bound): string[] {
  return enumerate(bound.named.get('name') ?? bound.positional[0] ?? null).map(toText);
}

function featureInstalled(host: CmdletHost, name: string): boolean {
  return host.fs.isFile(canonicalPath(host.fs, `${FEATURES}/${name}`));
}

/** Install-WindowsFeature: 30-90 s for what is not installed yet (recorded under C:\Windows\simulated-features). */
const installFeatures: Cmdlet = (host, bound) => {
  const names = featureNames(bound);
  if (names.length === 0) {
    return host.fail('Install-WindowsFeature', 'Cannot process command because of one or more missing mandatory parameters: Name.',
      'InvalidArgument: (:) [Install-WindowsFeature], ParameterBindingException',
      'MissingMandatoryParameter,Microsoft.Windows.ServerManager.Commands.AddWindowsFeatureCommand');
  }
  const added = names.filter((name) => !featureInstalled(host, name));
  added.forEach((name) => host.fs.writeFile(`${FEATURES}/${name}`));
  added.flatMap((name) => FEATURE_FILES[name.toLowerCase()] ?? []).forEach((path) => host.fs.writeFile(path));
  host.spend(added.length > 0 ? host.session.seconds(30, 90) : host.session.seconds(2, 5));
  const exitCode = added.length > 0 ? 'Success' : 'NoChangeNeeded';
  return [{
    typeName: 'Microsoft.Windows.ServerManager.Commands.FeatureOperationResult',
    header: FEATURE_RESULT_HEADER,
    properties: { Success: true, RestartNeeded: 'No', ExitCode: exitCode, FeatureResult: added },
    row: `True    No             ${exitCode.padEnd(15)}{${added.join(', ')}}`,
  }];
};

/** Get-WindowsFeature: the named features (or the installed ones), with `.Installed`. */
const features: Cmdlet = (host, bound) => {
  const names = featureNames(bound);
  return (names.length > 0 ? names : childrenOf(host.fs, FEATURES).map(leafOf)).map((name) => {
    const [installed, state] = featureInstalled(host, name) ? [true, 'Installed'] : [false, 'Available'];
    return {
      typeName: 'Microsoft.Windows.ServerManager.Commands.Feature',
      properties: { Name: name, DisplayName: name, Installed: installed, InstallState: state },
      header: FEATURE_HEADER,
      row: `[${installed ? 'X' : ' '}] ${name.padEnd(52)}${name.padEnd(27)}${state.padStart(13)}`,
      text: name,
    };
  });
};

/** Invoke-WebRequest: with -OutFile, the downloaded file (its contents unknown). */
const download: Cmdlet = (host, bound) => {
  const outFile = bound.named.get('outfile');
  host.spend(host.session.seconds(0.5, 1.5));
  if (outFile === undefined || outFile === null) return [];
  const path = simulatedPath(host.fs, outFile);
  if (!isDirectoryPath(host.fs, parentOf(path))) return noParent(host, 'Invoke-WebRequest', path);
  host.fs.writeFile(path);
  return [];
};

/** The cmdlets other than the file ones, by name; the others PowerShell has (Write-Verbose, Out-Null) output nothing. */
export const SYSTEM_CMDLETS: Record<string, Cmdlet> = {
  'Write-Output': (_host, bound, input) => written(bound).concat(input),
  'Write-Host': (host, bound) => writeHost(host, writtenText(bound)),
  'Write-Warning': (host, bound) => writeHost(host, `WARNING: ${writtenText(bound)}`),
  'Write-Error': (host, bound) => host.fail(host.scriptPath ?? 'Write-Error', writtenText(bound),
    'NotSpecified: (:) [Write-Error], WriteErrorException', commandClass('Write-Error')),
  'Start-Sleep': (host, bound) => host.spend(1000 * number(bound.named.get('seconds') ?? bound.named.get('s') ?? bound.positional[0] ?? 0)
    + number(bound.named.get('milliseconds') ?? bound.named.get('m') ?? 0)),
  'Install-WindowsFeature': installFeatures,
  'Get-WindowsFeature': features,
  'Restart-Computer': () => {
    throw new RestartSignal();
  },
  'ForEach-Object': (host, bound, input) => eachInput(host, bound, input, false),
  'Where-Object': (host, bound, input) => eachInput(host, bound, input, true),
  'Invoke-WebRequest': download,
};

/** A name that is no cmdlet: a script the filesystem holds, one of the image's programs, another Verb-Noun cmdlet, or unknown. */
export function runExternal(host: CmdletHost, name: string, args: string[]): Value[] {
  const isPath = /[\\/:]/.test(name) || name.startsWith('.');
  const path = isPath ? simulatedPath(host.fs, name) : '';
  const script = /\.ps1$/i.test(name);
  const program = leafOf(path || name).toLowerCase().replace(/\.exe$/, '');
  if (isPath && script && host.fs.isFile(path)) return host.runScriptFile(path, args);
  if (isPath ? !script && (host.fs.isFile(path) || isImageProgramPath(path)) : PROGRAMS.includes(program)) return runProgram(host, program, args);
  if (!isPath && /^[a-z]+-[a-z0-9]+$/i.test(name)) return host.spend(host.session.seconds(1, 3));
  throw new StatementError({
    command: name,
    category: `ObjectNotFound: (${name}:String) [], CommandNotFoundException`,
    id: 'CommandNotFoundException',
    message: `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. ${
      'Check the spelling of the name, or if a path was included, verify that the path is correct and try again.'}`,
  });
}

/** A native program: EC2Launch's `sysprep` generalizes the instance, `shutdown /r` reboots it, others take 2-5 s; $LASTEXITCODE is 0. */
function runProgram(host: CmdletHost, program: string, args: string[]): Value[] {
  const { session } = host;
  const words = args.map((arg) => arg.toLowerCase());
  if (program === 'shutdown' && words.some((word) => /^[-/]r$/.test(word))) throw new RestartSignal();
  session.lastExitCode = 0;
  if (program !== 'ec2launch' || (words[0] !== 'sysprep' && words[0] !== 'reset')) return host.spend(session.seconds(2, 5));
  const clean = words.includes('--clean') ? ['Cleaning up instance-specific state and logs...'] : [];
  if (words[0] === 'reset') {
    host.spend(session.seconds(5, 15));
    return [...clean, 'Resetting EC2Launch to run on the next boot...', 'Reset completed.'];
  }
  host.spend(session.seconds(60, 180));
  session.generalized = true;
  const end = words.includes('--shutdown') ? 'shutdown' : 'quit';
  return [...clean, 'Resetting EC2Launch to run on the next boot...',
    `Running C:\\Windows\\System32\\Sysprep\\sysprep.exe /oobe /generalize /${end} /unattend:${UNATTEND}`,
    'Sysprep completed successfully.'];
}
