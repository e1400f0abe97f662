import { runScript } from '../../local/model/commands';
import { Prng } from '../../local/model/ids';

function run(script: string, files = new Set<string>()) {
  const result = runScript(script, files, new Prng(7));
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
