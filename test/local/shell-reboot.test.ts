/**
 * A shell step that reboots the instance itself (`reboot`, `shutdown -r now`, `systemctl reboot`, `init 6`) instead
 * of exiting 194: the script stops there, the instance restarts (agent ConnectionLost), and once the agent is back
 * SSM reports the command Failed without an exit code. Commands after the reboot never run.
 */
import { agentOf, FakeClock, onlineInstance, send, setup, ssm, waitForInvocation } from './helpers';
import type { SimulatedAccount } from '../../local/model';
import { isRebootCommand } from '../../local/model/commands';

let account: SimulatedAccount;
let clock: FakeClock;

beforeEach(() => ({ account, clock } = setup()));
afterEach(() => clock.uninstall());

describe('a reboot inside a shell script', () => {
  test.each(['reboot', 'sudo shutdown -r now', 'systemctl reboot', 'init 6', '/sbin/reboot'])('"%s" ends the command Failed once the agent is back', (command) => {
    const id = onlineInstance(account, clock);

    const result = waitForInvocation(account, clock, send(account, id, ['echo before', command, 'echo after']), id);

    expect(result).toMatchObject({ Status: 'Failed', StatusDetails: 'Failed', ResponseCode: -1 });
    expect(result.StandardOutputContent).toContain('before');
    expect(result.StandardOutputContent).not.toContain('+ echo after');
    expect(result.StandardErrorContent).toContain('exit 194');
  });

  test('the command stays InProgress while the instance restarts, with the agent ConnectionLost', () => {
    const id = onlineInstance(account, clock);
    const commandId = send(account, id, ['reboot']);

    clock.tick(10_000);

    expect(ssm(account, 'GetCommandInvocation', { CommandId: commandId, InstanceId: id }).Status).toBe('InProgress');
    expect(agentOf(account, id)).toBe('ConnectionLost');
    clock.tick(60_000);
    expect(agentOf(account, id)).toBe('Online');
  });

  test('what the script did before the reboot stays on the instance', () => {
    const id = onlineInstance(account, clock);
    waitForInvocation(account, clock, send(account, id, ['touch /etc/upgraded', 'reboot']), id);

    const check = waitForInvocation(account, clock, send(account, id, ['test -f /etc/upgraded']), id);

    expect(check.Status).toBe('Success');
  });
});

describe('isRebootCommand', () => {
  test.each([['reboot'], ['shutdown', '-r', 'now'], ['shutdown', '--reboot'], ['systemctl', 'reboot'], ['init', '6'], ['/usr/sbin/reboot']])(
    '%s reboots', (...args) => expect(isRebootCommand(args)).toBe(true));

  test.each([['shutdown', '-h', 'now'], ['systemctl', 'restart', 'nginx'], ['init', '3'], ['echo', 'reboot']])(
    '%s does not', (...args) => expect(isRebootCommand(args)).toBe(false));
});
