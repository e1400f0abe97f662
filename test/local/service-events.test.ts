import { ec2, errorOf, FakeClock, launch, setup } from './helpers';
import { SimulatedAccount } from '../../local/model';
import type { ServiceEvent } from '../../local/model/service-events';
import { awaitToken } from '../../local/task-token-tasks';

let account: SimulatedAccount;
let clock: FakeClock;
let events: { at: number; event: ServiceEvent }[];

function listen(): void {
  events = [];
  account.serviceEvents.subscribe((event) => events.push({ at: Date.now(), event }));
}

afterEach(() => clock.uninstall());

describe('EC2\'s and SSM\'s EventBridge events in the simulator', () => {
  beforeEach(() => {
    ({ account, clock } = setup());
    listen();
  });

  test('an instance\'s state changes arrive as EC2 Instance State-change Notifications, a moment after each change', () => {
    const id = launch(account);
    clock.tick(30_000);
    ec2(account, 'StopInstances', { InstanceIds: [id] });
    clock.tick(120_000);

    expect(events.map(({ event }) => event.detail)).toEqual([
      { 'instance-id': id, 'state': 'running' },
      { 'instance-id': id, 'state': 'stopping' },
      { 'instance-id': id, 'state': 'stopped' },
    ]);
    const [running] = events;
    expect(running.event).toMatchObject({
      'source': 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', 'region': 'us-east-1', 'account': account.accountId,
    });
    // Delivered 0.5 to 2 s after the change it reports.
    const lag = running.at - Date.parse(running.event.time);
    expect(lag).toBeGreaterThanOrEqual(500);
    expect(lag).toBeLessThanOrEqual(2_000);
  });

  test('a change called off sends nothing: an instance terminated while it boots never reports running', () => {
    const id = launch(account);
    clock.tick(2_000);
    ec2(account, 'TerminateInstances', { InstanceIds: [id] });
    clock.tick(60_000);

    expect(events.map(({ event }) => event.detail.state)).toEqual(['shutting-down', 'terminated']);
  });

  test('a new image reports available as EC2 AMI State Change', () => {
    const id = launch(account);
    clock.tick(30_000);
    const { ImageId } = ec2(account, 'CreateImage', { InstanceId: id, Name: 'baked-1', NoReboot: true });
    clock.tick(30 * 60_000);

    const image = events.find(({ event }) => event['detail-type'] === 'EC2 AMI State Change');
    expect(image?.event).toMatchObject({ source: 'aws.ec2', detail: { ImageId, State: 'available' } });
  });

  test('nothing is scheduled while no bake listens', () => {
    ({ account, clock } = (clock.uninstall(), setup()));
    launch(account);

    expect(clock.countTimers()).toBe(0);
  });
});

describe('event faults', () => {
  test('event:drop loses every event', () => {
    ({ account, clock } = setup({ faults: ['event:drop'] }));
    listen();
    launch(account);
    clock.tick(60_000);

    expect(events).toEqual([]);
  });

  test('event:late delivers each one to five minutes late', () => {
    ({ account, clock } = setup({ faults: ['event:late'] }));
    listen();
    launch(account);
    clock.tick(10 * 60_000);

    expect(events).toHaveLength(1);
    const lag = events[0].at - Date.parse(events[0].event.time);
    expect(lag).toBeGreaterThanOrEqual(60_000);
    expect(lag).toBeLessThanOrEqual(302_000);
  });

  test('event:ahead delivers each one to five seconds before DescribeInstances shows the change', () => {
    ({ account, clock } = setup({ faults: ['event:ahead'] }));
    events = [];
    const seen: string[] = [];
    account.serviceEvents.subscribe((event) => {
      const { Reservations } = ec2(account, 'DescribeInstances', { InstanceIds: [String(event.detail['instance-id'])] });
      seen.push(`${String(event.detail.state)} while described ${Reservations[0].Instances[0].State.Name}`);
      events.push({ at: Date.now(), event });
    });
    launch(account);
    clock.tick(60_000);

    expect(seen).toEqual(['running while described pending']);
    const lead = Date.parse(events[0].event.time) - events[0].at;
    expect(lead).toBeGreaterThanOrEqual(1_000);
    expect(lead).toBeLessThanOrEqual(5_000);
  });
});

describe('task tokens', () => {
  beforeEach(() => ({ account, clock } = setup()));

  test('a token task times out its timeout after it started: the time its function took counts', async () => {
    const started = Date.now();
    const { token, outcome } = account.taskTokens.issue('build-1', started + 60_000);
    clock.tick(20_000); // the function's invocation
    const waiting = awaitToken(account.taskTokens, token, outcome, started + 60_000);
    const settled = jest.fn();
    waiting.catch((error: Error) => settled(error.name));

    await clock.tickAsync(39_000);
    expect(settled).not.toHaveBeenCalled();
    await clock.tickAsync(1_000);
    expect(settled).toHaveBeenCalledWith('States.Timeout');
  });

  test('SendTaskSuccess settles the task once; a second send, or one after the timeout, answers TaskTimedOut', async () => {
    const { token, outcome } = account.taskTokens.issue('build-1', Date.now() + 60_000);
    expect(token.length).toBeGreaterThan(256);

    account.invoke('sfn', 'SendTaskSuccess', { taskToken: token, output: '{"done":true}' });

    await expect(outcome).resolves.toEqual({ status: 'succeeded', output: { done: true } });
    expect(errorOf(() => account.invoke('sfn', 'SendTaskSuccess', { taskToken: token, output: '{}' })).name).toBe('TaskTimedOut');
    const late = account.taskTokens.issue('build-1', Date.now() + 1_000);
    clock.tick(2_000);
    expect(errorOf(() => account.invoke('sfn', 'SendTaskFailure', { taskToken: late.token, error: 'E' })).name).toBe('TaskTimedOut');
  });

  test('SendTaskFailure settles it with the error and cause; output that is not JSON is refused', async () => {
    const { token, outcome } = account.taskTokens.issue('build-1', Date.now() + 60_000);

    expect(errorOf(() => account.invoke('sfn', 'SendTaskSuccess', { taskToken: token, output: 'not json' })).name).toBe('InvalidOutput');
    account.invoke('sfn', 'SendTaskFailure', { taskToken: token, error: 'InstanceLost', cause: 'gone' });

    await expect(outcome).resolves.toEqual({ status: 'failed', error: 'InstanceLost', cause: 'gone' });
  });
});
