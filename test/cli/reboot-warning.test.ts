/**
 * `bakery validate` warns about a shell step that reboots the instance itself (`reboot`, `shutdown -r now`): SSM
 * then reports the step as failed. The recipe stays valid; the warning points to the command and to the reboot step.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bakeryOffline, ROOT } from './fixtures/run-bakery';
import { recipeWarnings } from '../../lambda/shared/validate-recipe';

const NGINX = JSON.parse(readFileSync(join(ROOT, 'examples/recipes/nginx.json'), 'utf8'));

function recipeFile(steps: unknown[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bakery-reboot-warning-')), 'recipe.json');
  writeFileSync(path, JSON.stringify({ ...NGINX, steps }));
  return path;
}

describe('bakery validate and a reboot inside a shell step', () => {
  test('warns, naming the command and the step to use instead, and still exits 0', () => {
    const run = bakeryOffline('validate', recipeFile([
      { shell: { commands: ['apt-get update -y'] } },
      { shell: { commands: ['apt-get upgrade -y'] } },
      { shell: { commands: ['echo upgraded', 'shutdown -r now'] } },
    ]));

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('valid recipe "nginx"');
    expect(run.stdout).toContain('  warning: steps[2].shell.commands[1]: "shutdown -r now" restarts the instance under SSM, which then reports the step as failed; '
      + 'use a { "reboot": {} } step (or exit 194) instead');
  });

  test('says nothing about a recipe that reboots with a reboot step', () => {
    const run = bakeryOffline('validate', recipeFile([{ shell: { commands: ['apt-get upgrade -y'] } }, { reboot: {} }]));

    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('  warning:');
  });
});

describe('recipeWarnings', () => {
  const warned = (command: string) => recipeWarnings({ ...NGINX, steps: [{ shell: { commands: [command] } }] }).length > 0;

  test.each(['reboot', 'sudo reboot', '/sbin/reboot', 'apt-get -y upgrade && reboot', 'systemctl reboot', 'systemctl --no-block reboot',
    'init 6', 'shutdown -r +0', 'shutdown --reboot now', 'apt-get -y upgrade\nreboot', 'set -e\n  sudo reboot\n',
    'if [ -f /var/run/reboot-required ]; then reboot; fi', 'for i in 1; do shutdown -r now; done'])('warns about %j', (command) => {
    expect(warned(command)).toBe(true);
  });

  test.each(['echo reboot', 'shutdown -h now', 'systemctl restart nginx', 'rebooted=1', 'exit 194', 'echo done\necho reboot later'])('leaves %j alone', (command) => {
    expect(warned(command)).toBe(false);
  });

  test('looks at tests and onFailure too', () => {
    const warnings = recipeWarnings({ ...NGINX, tests: [{ shell: { commands: ['reboot'] } }], onFailure: [{ shell: { commands: ['init 6'] } }] });

    expect(warnings.map((warning) => warning.split(':')[0])).toEqual(['tests[0].shell.commands[0]', 'onFailure[0].shell.commands[0]']);
  });
});
