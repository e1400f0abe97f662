import { createHash } from 'node:crypto';
import { SimulatedFilesystem } from '../../local/model/filesystem';
import { Prng } from '../../local/model/ids';
import { runPowerShell } from '../../local/model/powershell/interpreter';
import { fromSimulatedPath, toSimulatedPath } from '../../local/model/powershell/windows-paths';

/** A filesystem holding `files` (Windows path → text). */
function holding(files: Record<string, string> = {}): SimulatedFilesystem {
  const fs = new SimulatedFilesystem(new Set(), new Map());
  for (const [path, text] of Object.entries(files)) fs.writeFile(toSimulatedPath(path), Buffer.from(text));
  return fs;
}

function run(script: string, fs = holding(), options?: { variables?: Record<string, string> }) {
  const result = runPowerShell(script, fs, new Prng(7), options);
  const stdout = result.lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
  const stderr = result.lines.filter((l) => l.stream === 'stderr').map((l) => l.text);
  return { ...result, stdout, stderr, output: stdout.filter((l) => !l.startsWith('+ ')), fs };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('Windows paths', () => {
  test('map onto the simulated filesystem under /<drive>:', () => {
    expect(toSimulatedPath('C:\\ProgramData\\x\\y.txt')).toBe('/C:/ProgramData/x/y.txt');
    expect(toSimulatedPath('c:/ProgramData/x/y.txt')).toBe('/C:/ProgramData/x/y.txt');
    expect(toSimulatedPath('sub\\..\\file.txt', '/C:/Work')).toBe('/C:/Work/file.txt');
    expect(toSimulatedPath('.\\a/./b', '/C:/Work')).toBe('/C:/Work/a/b');
    expect(toSimulatedPath('\\Temp', '/D:/Work')).toBe('/D:/Temp');
    expect(toSimulatedPath('C:\\..\\..')).toBe('/C:');
  });

  test('come back as Windows writes them', () => {
    expect(fromSimulatedPath('/C:/a/b')).toBe('C:\\a\\b');
    expect(fromSimulatedPath('/C:')).toBe('C:\\');
  });
});

test('statements are traced, output is printed, and the script starts in system32', () => {
  const result = run("Write-Output 'hello'; echo $PWD\nWrite-Host 'from the host'");
  expect(result.stdout).toEqual([
    "+ Write-Output 'hello'", 'hello', '+ echo $PWD', 'C:\\Windows\\system32', "+ Write-Host 'from the host'", 'from the host',
  ]);
  expect(result.exitCode).toBe(0);
  expect(result.fs.cwd).toBe('/C:/Windows/system32');
});

test('environment variables are preset, assignable, and expand in double quotes only', () => {
  const result = run("$env:APP_HOME = 'C:\\App'\nWrite-Output \"$env:APP_HOME\\bin`t$env:ProgramFiles\"\nWrite-Output '$env:APP_HOME'\n" +
    'Write-Output "$env:SystemRoot|$env:TEMP|$env:COMPUTERNAME|`"q`""');
  expect(result.output[0]).toBe('C:\\App\\bin\tC:\\Program Files');
  expect(result.output[1]).toBe('$env:APP_HOME');
  expect(result.output[2]).toMatch(/^C:\\Windows\|C:\\Windows\\TEMP\|EC2AMAZ-[A-Z0-9]{7}\|"q"$/);
});

test('if / elseif / else with comparisons that ignore case', () => {
  const script = (value: string) => `$x = '${value}'\n` +
    "if ($x -eq 'ALPHA') { 'first' } elseif ($x -like 'b*' -and -not ($x -ne 'beta')) {\n  'second'\n}\nelse { 'third' }";
  expect(run(script('alpha')).output).toEqual(['first']);
  expect(run(script('Beta')).output).toEqual(['second']);
  expect(run(script('gamma')).output).toEqual(['third']);
  expect(run('$n = 2 + 3; if ($n -gt 4 -and "v$n" -eq \'v5\') { exit 7 }').exitCode).toBe(7);
});

test('foreach goes over the lines Get-Content returns; -split takes a maximum count', () => {
  const fs = holding({ 'C:\\data\\list.txt': 'a  one two\r\nb  three\r\n' });
  const loop = [
    "foreach ($line in Get-Content -LiteralPath 'C:\\data\\list.txt') {",
    "  $parts = $line -split ' [ *]', 2", '  Write-Output "[$($parts[1])]"', '}',
  ];
  const result = run(loop.join('\n'), fs);
  expect(result.output).toEqual(['[one two]', '[three]']);
});

describe('the staged-files check', () => {
  const files = { 'app/install.ps1': "Write-Output 'install'\n", 'app/conf/settings.json': '{"port": 80}\n' };
  const sums = Object.entries(files).map(([path, text]) => `${sha256(text)}  ${path}`).join('\n') + '\n';
  const hash = sha256(sums);
  const dir = 'C:\\ProgramData\\cdk-ami-bakery\\staged';
  const check = [
    "$ErrorActionPreference = 'Stop'",
    `Set-Location -LiteralPath '${dir}'`,
    `if (-not (Test-Path -LiteralPath 'SHA256SUMS') -and (Test-Path -LiteralPath '${hash}\\SHA256SUMS')) ` +
      `{ Copy-Item -Path '${hash}\\*' -Destination . -Recurse -Force }`,
    `if ((Get-FileHash -Algorithm SHA256 -LiteralPath 'SHA256SUMS').Hash -ne '${hash}') ` +
      `{ throw 'SHA256SUMS does not match the staged layout ${hash}' }`,
    "foreach ($line in Get-Content -LiteralPath 'SHA256SUMS') {",
    "  $parts = $line -split ' [ *]', 2",
    '  $file = $parts[1]',
    '  if ((Get-FileHash -Algorithm SHA256 -LiteralPath $file).Hash -ne $parts[0]) { throw "$file does not match SHA256SUMS" }',
    '}',
  ].join('\n');
  const staged = (root: string, overrides: Record<string, string> = {}) => holding(Object.fromEntries(
    Object.entries({ ...files, SHA256SUMS: sums, ...overrides }).map(([path, text]) => [`${root}\\${path.replace(/\//g, '\\')}`, text])));

  test('passes when every file matches', () => {
    const result = run(check, staged(dir));
    expect(result.stderr).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  test('fails naming the file whose bytes differ', () => {
    const result = run(check, staged(dir, { 'app/conf/settings.json': '{"port": 8080}\n' }));
    expect(result.exitCode).toBe(1);
    expect(result.stderr[0]).toBe('app/conf/settings.json does not match SHA256SUMS');
    expect(result.stderr).toContain(
      '    + CategoryInfo          : OperationStopped: (app/conf/settings.json does not match SHA256SUMS:String) [], RuntimeException');
  });

  test('fails when SHA256SUMS is not the expected one', () => {
    const result = run(check, staged(dir, { SHA256SUMS: `${sums}${'0'.repeat(64)}  extra\n` }));
    expect(result.exitCode).toBe(1);
    expect(result.stderr[0]).toBe(`SHA256SUMS does not match the staged layout ${hash}`);
  });

  test('first copies the layout out of its <hash> folder', () => {
    const fs = staged(`${dir}\\${hash}`);
    fs.makeDirectory(toSimulatedPath(dir));
    const result = run(check, fs);
    expect(result.exitCode).toBe(0);
    expect(fs.read(toSimulatedPath(`${dir}\\app\\conf\\settings.json`))?.toString()).toBe('{"port": 80}\n');
  });
});

test('Copy-Item copies a folder\'s contents, a single file into a folder, and a folder with -Recurse', () => {
  const fs = holding({ 'C:\\src\\a.txt': 'A', 'C:\\src\\sub\\b.txt': 'B' });
  fs.makeDirectory(toSimulatedPath('C:\\dst'));
  const result = run([
    "Copy-Item -Path 'C:\\src\\*' -Destination 'C:\\dst' -Recurse",
    "Copy-Item -LiteralPath 'C:\\src\\a.txt' -Destination 'C:\\Windows\\TEMP'",
    "Copy-Item 'C:\\src\\a.txt' 'C:\\dst\\renamed.txt'",
    "Copy-Item -Path 'C:\\src' -Destination 'C:\\copy' -Recurse",
  ].join('\n'), fs);
  expect(result.stderr).toEqual([]);
  for (const path of ['C:\\dst\\a.txt', 'C:\\dst\\sub\\b.txt', 'C:\\Windows\\TEMP\\a.txt', 'C:\\dst\\renamed.txt', 'C:\\copy\\sub\\b.txt']) {
    expect([path, fs.isFile(toSimulatedPath(path))]).toEqual([path, true]);
  }
  expect(fs.read(toSimulatedPath('C:\\copy\\a.txt'))?.toString()).toBe('A');
});

test('Test-Path finds files and folders without regard to case, and knows the image\'s own folders', () => {
  const fs = holding({ 'C:\\ProgramData\\App\\config.ini': 'x' });
  const result = run([
    "Test-Path -LiteralPath 'c:\\programdata\\app\\CONFIG.ini'", "Test-Path 'C:\\nope'", "Test-Path -Path 'C:\\ProgramData\\App' -PathType Leaf",
    "Test-Path 'C:\\Program Files'", "Test-Path 'C:\\ProgramData\\App\\*.ini'",
  ].join('\n'), fs);
  expect(result.output).toEqual(['True', 'False', 'False', 'True', 'True']);
});

test('New-Item shows the new item unless its output is dropped; Set-Content, Add-Content and Get-Content round-trip', () => {
  const result = run([
    "New-Item -ItemType Directory -Force -Path 'C:\\Work\\logs'", "$null = New-Item -ItemType Directory -Path 'C:\\Work\\a'",
    "New-Item -ItemType Directory -Path 'C:\\Work\\b' | Out-Null", "Set-Content -Path 'C:\\Work\\a\\x.txt' -Value 'one'",
    "Add-Content -Path 'C:\\Work\\a\\x.txt' -Value 'two'", "(Get-Content 'C:\\Work\\a\\x.txt').Count", "Get-Content 'C:\\Work\\a\\x.txt'",
  ].join('\n'));
  expect(result.output.slice(0, 5)).toEqual(['', '    Directory: C:\\Work', '', '', 'Mode                 LastWriteTime         Length Name']);
  expect(result.output[6]).toMatch(/^d----- +1\/6\/2025 +9:00 AM +logs$/);
  expect(result.output.slice(8)).toEqual(['2', 'one', 'two']);
  expect(result.fs.read('/C:/Work/a/x.txt')?.toString()).toBe('one\r\ntwo\r\n');
  expect(result.fs.isDirectory('/C:/Work/b')).toBe(true);
});

test('Remove-Item needs -Recurse for a folder with contents; Move-Item, Join-Path, Out-File, redirections and Invoke-WebRequest', () => {
  const fs = holding({ 'C:\\app\\a.txt': 'A', 'C:\\app\\sub\\b.txt': 'B' });
  const result = run([
    "Remove-Item 'C:\\app\\sub'", "Move-Item 'C:\\app\\a.txt' (Join-Path 'C:\\app\\' 'moved.txt')", "Write-Output 'kept' > 'C:\\app\\out.txt'",
    "'more' | Out-File -FilePath 'C:\\app\\out.txt' -Append", "Write-Output 'hidden' > $null", "Get-Content 'C:\\nope.txt' 2>$null",
    "Invoke-WebRequest -Uri 'https://example.com/x.msi' -OutFile 'C:\\app\\x.msi' -UseBasicParsing",
    "Remove-Item -Path 'C:\\app\\sub' -Recurse -Force",
  ].join('\n'), fs);
  expect(result.stderr[0]).toBe('Remove-Item : Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.');
  expect(result.stderr.filter((line) => line.startsWith('At line:'))).toEqual(['At line:1 char:1']);
  expect(result.output).toEqual([]);
  expect(['/C:/app/a.txt', '/C:/app/moved.txt', '/C:/app/x.msi', '/C:/app/sub'].map((path) => fs.exists(path))).toEqual([false, true, true, false]);
  expect(fs.read('/C:/app/out.txt')?.toString()).toBe('kept\r\nmore\r\n');
});

test('expressions: arrays, +=, ranges, string methods, -match, -replace, -contains, here-strings, ForEach-Object and Where-Object', () => {
  const result = run([
    '$list = @(\'a\', \'b\'); $list += \'c\'; $list.Count; $list -join \',\'; $list -contains \'B\'',
    "'  Mixed Case  '.Trim().ToUpper(); 'v1.25' -match 'v(\\d+)\\.(\\d+)'; $Matches[2]; 'a-b-c' -replace '-', '+'",
    '1..3 | ForEach-Object { $_ * 2 }', "'a', 'bb', 'ccc' | Where-Object { $_.Length -ge 2 }", '$text = @"\nhome=$env:SystemDrive\\\n"@\n$text',
  ].join('\n'));
  expect(result.output).toEqual(['3', 'a,b,c', 'True', 'MIXED CASE', 'True', '25', 'a+b+c', '2', '4', '6', 'bb', 'ccc', 'home=C:\\']);
});

test('Get-FileHash gives the upper-case SHA-256 of the file', () => {
  const result = run("(Get-FileHash -LiteralPath 'C:\\x.txt').Hash\nGet-FileHash C:\\x.txt -Algorithm SHA256", holding({ 'C:\\x.txt': 'payload' }));
  expect(result.output[0]).toBe(sha256('payload').toUpperCase());
  expect(result.output.slice(2, 4).map((line) => line.split(/\s+/)[0])).toEqual(['Algorithm', '---------']);
  expect(result.output[4]).toBe(`SHA256          ${sha256('payload').toUpperCase()}       C:\\x.txt`);
});

test('& script.ps1 runs the script with $args, and its exit code becomes $LASTEXITCODE', () => {
  const fs = holding({
    'C:\\scripts\\child.ps1': "Write-Output \"child got $($args[0]) and $($args[1])\"\nif ($args[1] -eq 'fail') { exit 4 }",
    'C:\\scripts\\thrower.ps1': "throw 'broken'\nWrite-Output 'never'",
  });
  const result = run([
    "& 'C:\\scripts\\child.ps1' 'one' 'two'", 'Write-Output "code $LASTEXITCODE"',
    "& 'C:\\scripts\\child.ps1' 'one' 'fail'", 'Write-Output "code $LASTEXITCODE"',
    '& C:/scripts/thrower.ps1', 'Write-Output "code $LASTEXITCODE"', 'exit $LASTEXITCODE',
  ].join('\n'), fs);
  expect(result.output).toEqual(['child got one and two', 'code 0', 'child got one and fail', 'code 4', 'code 1']);
  expect(result.stderr[0]).toBe('broken');
  expect(result.stderr[1]).toBe('At C:\\scripts\\thrower.ps1:1 char:1');
  expect(result.exitCode).toBe(1);
});

test('the exit code is exit N, 0 for a bare exit, and otherwise 0 whatever $LASTEXITCODE is', () => {
  expect(run('exit 3010').exitCode).toBe(3010);
  expect(run('exit').exitCode).toBe(0);
  expect(run('exit $null').exitCode).toBe(0);
  expect(run('exit $LASTEXITCODE').exitCode).toBe(0);
  expect(run("$LASTEXITCODE = 5\nWrite-Output 'done'").exitCode).toBe(0);
  expect(run('$LASTEXITCODE = 5; exit $LASTEXITCODE').exitCode).toBe(5);
});

test('a failing cmdlet goes on by default and stops the script when $ErrorActionPreference is Stop', () => {
  const script = "Get-Content -Path 'C:\\missing.txt'\nWrite-Output 'after'";
  const continued = run(script);
  expect(continued.exitCode).toBe(0);
  expect(continued.output).toEqual(['after']);
  expect(continued.stderr.slice(0, 3)).toEqual([
    "Get-Content : Cannot find path 'C:\\missing.txt' because it does not exist.", 'At line:1 char:1', "+ Get-Content -Path 'C:\\missing.txt'",
  ]);
  const stopped = run(`$ErrorActionPreference = 'Stop'\n${script}`);
  expect(stopped.exitCode).toBe(1);
  expect(stopped.output).toEqual([]);
  expect(stopped.stderr[0]).toBe("Get-Content : Cannot find path 'C:\\missing.txt' because it does not exist.");
  expect(run('Get-Content \'C:\\missing.txt\' -ErrorAction Stop\nWrite-Output \'after\'').exitCode).toBe(1);
  expect(run('Get-Content \'C:\\missing.txt\' -ErrorAction SilentlyContinue').stderr).toEqual([]);
});

test('Write-Error is an error, which Stop makes terminating; Write-Warning is a warning', () => {
  expect(run("Write-Error 'bad'; Write-Warning 'careful'; 'after'").output).toEqual(['WARNING: careful', 'after']);
  const stopped = run("$ErrorActionPreference = 'Stop'\nWrite-Error 'bad'\n'after'");
  expect([stopped.exitCode, stopped.output, stopped.stderr[0]]).toEqual([1, [], 'Write-Error : bad']);
});

test('throw ends the script with 1 and the message on standard error', () => {
  const result = run("Write-Output 'before'\nthrow \"stage $(1 + 1) failed\"\nWrite-Output 'after'");
  expect(result.exitCode).toBe(1);
  expect(result.output).toEqual(['before']);
  expect(result.stderr.slice(0, 3)).toEqual(['stage 2 failed', 'At line:2 char:1', '+ throw "stage $(1 + 1) failed"']);
});

test('Install-WindowsFeature takes a while, prints its result and records the feature', () => {
  const result = run([
    'Install-WindowsFeature -Name Web-Server -IncludeManagementTools', '(Get-WindowsFeature web-server).Installed',
    '(Get-WindowsFeature Telnet-Client).Installed',
  ].join('\n'));
  expect(result.output.slice(0, 4)).toEqual([
    '', 'Success Restart Needed Exit Code      Feature Result', '------- -------------- ---------      --------------',
    'True    No             Success        {Web-Server}',
  ]);
  expect(result.output.slice(-2)).toEqual(['True', 'False']);
  expect(result.fs.isFile('/C:/Windows/simulated-features/Web-Server')).toBe(true);
  expect(result.durationMs).toBeGreaterThanOrEqual(30_000);
  expect(result.durationMs).toBeLessThanOrEqual(91_000);
  expect(run('Install-WindowsFeature Web-Server', result.fs).output[3]).toContain('NoChangeNeeded');
});

test('EC2Launch sysprep generalizes the instance; reset does not', () => {
  const sysprep = run('& "$env:ProgramFiles\\Amazon\\EC2Launch\\EC2Launch.exe" sysprep --clean\nexit $LASTEXITCODE');
  expect([sysprep.exitCode, sysprep.generalized]).toEqual([0, true]);
  expect(sysprep.durationMs).toBeGreaterThanOrEqual(60_000);
  expect(sysprep.durationMs).toBeLessThanOrEqual(181_000);
  expect(sysprep.output).toContain('Sysprep completed successfully.');
  const reset = run('ec2launch reset --clean --block');
  expect([reset.exitCode, reset.generalized]).toEqual([0, false]);
});

test('other programs of the image succeed after a few seconds and set $LASTEXITCODE', () => {
  const result = run("$LASTEXITCODE = 9\nmsiexec.exe /i 'C:\\x.msi' /qn\nchoco install -y git\nWrite-Output $LASTEXITCODE");
  expect(result.output).toEqual(['0']);
  expect(result.durationMs).toBeGreaterThanOrEqual(4_000);
  expect(result.durationMs).toBeLessThanOrEqual(10_100);
});

test('Restart-Computer loses the command', () => {
  const result = run("Write-Output 'before'\nRestart-Computer -Force\nWrite-Output 'after'");
  expect(result.exitCode).toBe(-1);
  expect(result.output).toEqual(['before']);
  expect(result.stderr).toEqual(["The SSM agent lost the command when the instance restarted outside SSM's control; use exit 3010 to reboot"]);
});

test('an unknown term is an error; an unknown Verb-Noun cmdlet quietly succeeds', () => {
  const unknown = run("frobnicate --now\nWrite-Output 'after'");
  expect(unknown.exitCode).toBe(0);
  expect(unknown.output).toEqual(['after']);
  expect(unknown.stderr[0]).toMatch(/^frobnicate : The term 'frobnicate' is not recognized as the name of a cmdlet, function, script file/);
  expect(run("$ErrorActionPreference = 'Stop'\n& 'C:\\missing.ps1'\nWrite-Output 'after'").exitCode).toBe(1);
  const cmdlet = run('Set-TimeZone -Id "UTC"');
  expect([cmdlet.exitCode, cmdlet.output]).toEqual([0, []]);
  expect(cmdlet.durationMs).toBeGreaterThanOrEqual(1_000);
});

test('Start-Sleep takes its seconds', () => {
  expect(run('Start-Sleep -Seconds 30').durationMs).toBe(30_010);
});

test('a script PowerShell cannot parse fails; one beyond the subset runs line by line', () => {
  const broken = run("if ($true) {\n  Write-Output 'x'\n");
  expect(broken.exitCode).toBe(1);
  expect(broken.stderr).toContain("Missing closing '}' in statement block or type definition.");
  const beyond = run("function Get-Thing { 'x' }\nGet-Thing\nexit 5");
  expect(beyond.exitCode).toBe(5);
  expect(beyond.stdout).toEqual(["+ function Get-Thing { 'x' }", '+ Get-Thing', '+ exit 5']);
});

test('the same seed gives the same run', () => {
  const script = 'Install-WindowsFeature Web-Server\nWrite-Output $env:COMPUTERNAME\n& ec2launch sysprep';
  expect(run(script)).toEqual(run(script));
});
