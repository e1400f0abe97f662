import { createHash } from 'node:crypto';
import { runScript } from '../../local/model/commands';
import { SimulatedFilesystem } from '../../local/model/filesystem';
import { Prng } from '../../local/model/ids';

function run(script: string, files = new Set<string>()) {
  const result = runScript(script, new SimulatedFilesystem(files, new Map()), new Prng(7));
  const stdout = result.lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
  const stderr = result.lines.filter((l) => l.stream === 'stderr').map((l) => l.text);
  return { ...result, stdout, stderr, files };
}

test('each command is traced and takes a plausible time', () => {
  const install = run('apt-get install -y nginx curl');
  expect(install.stdout[0]).toBe('+ apt-get install -y nginx curl');
  expect(install.stdout.some((l) => /^Setting up nginx \([\d.-]+\) \.\.\.$/.test(l))).toBe(true);
  expect(install.durationMs).toBeGreaterThanOrEqual(20_000);
  expect(install.durationMs).toBeLessThanOrEqual(40_000);
  expect(run('sudo systemctl enable --now nginx').durationMs).toBeLessThanOrEqual(1_500);
  expect(run('sleep 90').durationMs).toBe(90_000);
  expect(run('sleep 2m').durationMs).toBe(120_000);
});

test('echo prints, redirections create files instead', () => {
  const result = run('echo "hello world"\necho hidden > /etc/motd\nprintf "%s-%s\\n" a b');
  expect(result.stdout).toEqual(['+ echo "hello world"', 'hello world', '+ echo hidden > /etc/motd', '+ printf "%s-%s\\n" a b', 'a-b']);
  expect(result.files.has('/etc/motd')).toBe(true);
});

test('conditions, && and || follow the shell', () => {
  expect(run('[ -f /nope ] && echo yes || echo no').stdout).toContain('no');
  expect(run('touch /tmp/a; test -f /tmp/a && echo yes').stdout).toContain('yes');
  expect(run('if [ -d /opt/x ]; then exit 4; elif true; then exit 5; else exit 6; fi').exitCode).toBe(5);
  expect(run('mkdir -p /opt/x/y\nif [ -d /opt/x ]; then\n  exit 4\nfi').exitCode).toBe(4);
  expect(run('rm -rf /opt/x; [ ! -d /opt/x/y ]', new Set(['/opt/', '/opt/x/', '/opt/x/y/'])).exitCode).toBe(0);
});

test('unquoted patterns expand to the matching paths, sorted; quoted ones and patterns without a match stay as written', () => {
  const files = () => new Set(['/etc/', '/etc/app/', '/etc/app/b.conf', '/etc/app/a.conf', '/etc/app/.hidden.conf', '/etc/app/notes.txt']);

  expect(run('cp /etc/app/*.conf /tmp/').stdout[0]).toBe('+ cp /etc/app/*.conf /tmp/');
  const copied = run('mkdir -p /tmp/conf\ncp /etc/app/*.conf /tmp/conf/', files()).files;
  expect([...copied].filter((path) => path.startsWith('/tmp/conf/')).sort()).toEqual(['/tmp/conf/', '/tmp/conf/a.conf', '/tmp/conf/b.conf']);
  expect(run('cd /etc && echo app/[ab].conf app/?.txt', files()).stdout).toContain('app/a.conf app/b.conf app/?.txt');
  expect(run('echo "/etc/app/*.conf"', files()).stdout).toContain('/etc/app/*.conf');
  expect(run('cp /etc/nope/*.conf /tmp/', files()).exitCode).not.toBe(0);
  expect(run('[ -d /etc/app ] && echo yes', files()).stdout).toContain('yes');
});

test('set -e stops at the first failure, except in conditions', () => {
  expect(run('set -e\nfalse || true\nif false; then :; fi\necho ok').exitCode).toBe(0);
  expect(run('set -e\nfalse\necho never').stdout).not.toContain('never');
  expect(run('false\necho reached').exitCode).toBe(0);
});

test('the reboot marker form reboots once', () => {
  const script = 'if [ -f /var/lib/cdk-ami-bakery/reboot-1 ]; then exit 0; fi; mkdir -p /var/lib/cdk-ami-bakery; touch /var/lib/cdk-ami-bakery/reboot-1; exit 194';
  const files = new Set<string>();
  expect(run(script, files).exitCode).toBe(194);
  expect(run(script, files).exitCode).toBe(0);
});

test('here-documents and loops do not break the script', () => {
  const heredoc = run("cat > /etc/app.conf <<'EOF'\nport = 80\nexit 9\nEOF\necho after");
  expect(heredoc.exitCode).toBe(0);
  expect(heredoc.stdout).toContain('after');
  expect(heredoc.files.has('/etc/app.conf')).toBe(true);
  expect(run('for p in a b; do echo $p; done\necho end').exitCode).toBe(0);
});

test('the same seed gives the same run', () => {
  const script = 'apt-get update\napt-get install -y nginx';
  expect(run(script)).toEqual(run(script));
});

describe('files with contents', () => {
  /** A filesystem holding `files` (path → text). */
  function holding(files: Record<string, string>): SimulatedFilesystem {
    const fs = new SimulatedFilesystem(new Set(), new Map());
    for (const [path, text] of Object.entries(files)) fs.writeFile(path, Buffer.from(text));
    return fs;
  }
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const runOn = (fs: SimulatedFilesystem, script: string) => runScript(script, fs, new Prng(7));

  test('echo and printf write what they print, cat prints it back, and >&2 sends it to standard error', () => {
    const fs = holding({});
    const result = runOn(fs, "echo 'port = 80' > /etc/app.conf\nprintf '%s\\n' 'user = www' >> /etc/app.conf\ncat /etc/app.conf\necho oops >&2");

    expect(fs.read('/etc/app.conf')?.toString()).toBe('port = 80\nuser = www\n');
    expect(result.lines.filter((line) => line.stream === 'stdout').map((line) => line.text)).toContain('user = www');
    expect(result.lines.filter((line) => line.stream === 'stderr').map((line) => line.text)).toEqual(['oops']);
  });

  test('sha256sum --check passes for the right contents, and names a changed or missing file', () => {
    const fs = holding({ '/stage/a.txt': 'alpha', '/stage/sub/b.txt': 'beta' });
    fs.writeFile('/stage/SUMS', Buffer.from(`${sha256('alpha')}  a.txt\n${sha256('beta')}  sub/b.txt\n`));

    expect(runOn(fs, 'set -e\ncd /stage\nsha256sum --check --quiet SUMS').exitCode).toBe(0);
    fs.writeFile('/stage/sub/b.txt', Buffer.from('tampered'));
    fs.remove('/stage/a.txt');
    const bad = runOn(fs, 'set -e\ncd /stage\nsha256sum --check --quiet SUMS\necho unreachable');

    expect(bad.exitCode).toBe(1);
    const text = bad.lines.map((line) => line.text);
    expect(text).toEqual(expect.arrayContaining(['a.txt: FAILED open or read', 'sub/b.txt: FAILED', 'sha256sum: WARNING: 2 computed checksums did NOT match']));
    expect(text).not.toContain('unreachable');
  });

  test('cd to a missing directory fails; relative paths follow the working directory', () => {
    const fs = holding({ '/opt/app/run.sh': 'exit 0' });

    expect(runOn(fs, 'set -e\ncd /nowhere\necho after').exitCode).toBe(1);
    expect(runOn(fs, 'cd /opt/app\ntest -f run.sh && test -f ../app/run.sh').exitCode).toBe(0);
  });

  test('install -D makes directories and copies the contents; install without -D needs them; cp -R dir/. copies a tree', () => {
    const fs = holding({ '/stage/nginx.conf': 'worker_processes 2;', '/stage/site/index.html': '<h1>hi</h1>', '/stage/site/css/a.css': 'body{}' });

    expect(runOn(fs, 'install -D -o root -g root -m 0644 /stage/nginx.conf /etc/nginx/nginx.conf').exitCode).toBe(0);
    expect(fs.read('/etc/nginx/nginx.conf')?.toString()).toBe('worker_processes 2;');
    expect(runOn(fs, 'install -m 0644 /stage/nginx.conf /srv/missing/nginx.conf').exitCode).toBe(1);
    expect(runOn(fs, 'mkdir -p /var/www\ncp -R /stage/site/. /var/www/\nchmod -R 0644 /var/www').exitCode).toBe(0);
    expect(fs.read('/var/www/css/a.css')?.toString()).toBe('body{}');
    expect(runOn(fs, 'chown root:root /var/nothing').exitCode).toBe(1);
  });

  test('a script file runs by its path or with bash; its exit code is the command\'s, and exit ends only the script', () => {
    const fs = holding({
      '/stage/setup.sh': '#!/bin/bash\nset -e\ntouch /etc/configured\nexit 3\n',
      '/stage/plain.sh': 'mkdir -p /opt/plain\necho plain ran\n',
      '/stage/tool.py': '#!/usr/bin/env python3\necho ran-as-shell\nexit 4\n',
    });

    expect(runOn(fs, '/stage/setup.sh --fast\necho after').exitCode).toBe(0);
    expect(runOn(fs, 'set -e\n/stage/setup.sh\necho unreachable').exitCode).toBe(3);
    expect(fs.isFile('/etc/configured')).toBe(true);
    const plain = runOn(fs, 'bash /stage/plain.sh');
    expect(plain.lines.map((line) => line.text)).toContain('plain ran');
    expect(fs.isDirectory('/opt/plain')).toBe(true);
    const python = runOn(fs, '/stage/tool.py');
    expect(python.exitCode).toBe(0);
    expect(python.lines.map((line) => line.text)).not.toContain('ran-as-shell');
    expect(runOn(fs, '/usr/bin/env bash -c true\n/usr/bin/systemctl is-active nginx').exitCode).toBe(0);
    expect(runOn(fs, '/stage/missing.sh').exitCode).toBe(127);
  });

  test('command -v finds what packages installed; ansible-playbook needs Ansible and the playbook', () => {
    const fs = holding({ '/stage/ansible/site.yml': '- hosts: all' });

    expect(runOn(fs, 'command -v ansible-playbook').exitCode).toBe(1);
    expect(runOn(fs, 'ansible-playbook -i localhost, -c local site.yml').exitCode).toBe(127);
    expect(runOn(fs, 'apt-get install -y ansible\ncommand -v ansible-playbook').exitCode).toBe(0);
    expect(runOn(fs, 'cd /stage/ansible\nansible-playbook -i localhost, -c local missing.yml').exitCode).toBe(1);
    const played = runOn(fs, 'cd /stage/ansible\nansible-playbook -i localhost, -c local -e @/stage/vars.json site.yml');
    expect(played.exitCode).toBe(0);
    expect(played.lines.map((line) => line.text)).toContain('PLAY RECAP ***');
  });
});
