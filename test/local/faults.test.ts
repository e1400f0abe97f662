import { ec2, errorOf, launch, onlineInstance, send, setup, ssm, waitForInvocation, FakeClock } from './helpers';
import { faultRuleProblems, FaultRuleError, FaultSet, parseFaultRule, parseFaults } from '../../local/faults';
import { SimulatedAccount } from '../../local/model';

let account: SimulatedAccount;
let clock: FakeClock;

afterEach(() => clock?.uninstall());

test('rules are parsed from lists and comma-separated strings', () => {
  expect(parseFaults(['step:2:fail', 'api:RunInstances:throttle:5,agent:never-online', 'image:fail', 'capacity:t3.small'])).toEqual([
    { kind: 'step-fail', step: 2, text: 'step:2:fail' },
    { kind: 'throttle', operation: 'RunInstances', count: 5, text: 'api:RunInstances:throttle:5' },
    { kind: 'agent-never-online', text: 'agent:never-online' },
    { kind: 'image-fail', text: 'image:fail' },
    { kind: 'capacity', instanceType: 't3.small', text: 'capacity:t3.small' },
  ]);
  expect(parseFaults('api:GetParameterCommand:error')).toEqual([{ kind: 'error', operation: 'GetParameter', text: 'api:GetParameterCommand:error' }]);
  expect(parseFaults('copy:eu-west-1:fail,copy:ap-southeast-2:never-available')).toEqual([
    { kind: 'copy-fail', region: 'eu-west-1', text: 'copy:eu-west-1:fail' },
    { kind: 'copy-never-available', region: 'ap-southeast-2', text: 'copy:ap-southeast-2:never-available' },
  ]);
  expect(parseFaults(['api:CopyImage:throttle', 'api:AssumeRole:error', 'api:GetObject:throttle:1']).map((r) => r.kind)).toEqual(['throttle', 'error', 'throttle']);
  expect(parseFaults('snapshot-in-use:600')).toEqual([{ kind: 'snapshot-in-use', seconds: 600, text: 'snapshot-in-use:600' }]);
});

test.each([
  ['step:zero:fail', /step number/],
  ['api:LaunchRockets:error', /not an operation the simulator answers/],
  ['api:RunInstances:explode', /expected 'throttle/],
  ['agent:sleepy', /never-online/],
  ['copy:mars:fail', /copy:<region>:fail/],
  ['copy:eu-west-1:explode', /copy:<region>:never-available/],
  ['weather:rain', /unknown fault kind 'weather'/],
  ['snapshot-in-use:soon', /the seconds/],
  ['snapshot-in-use', /snapshot-in-use:<seconds>/],
])('a bad rule %s names itself and the valid forms', (rule, reason) => {
  const error = errorOf(() => parseFaults([rule]));
  expect(error).toBeInstanceOf(FaultRuleError);
  expect(error.message).toContain(`'${rule}'`);
  expect(error.message).toMatch(reason);
  expect(error.message).toContain('api:<Operation>:throttle[:<count>]');
});

test('the account refuses bad rules when it is created', () => {
  expect(() => new SimulatedAccount({ faults: ['step:1:crash'] })).toThrow(FaultRuleError);
});

test('api throttle: the first calls fail with RequestLimitExceeded, then calls succeed', () => {
  ({ account, clock } = setup({ faults: ['api:RunInstances:throttle:2', 'api:GetParameter:throttle:1'] }));
  expect(errorOf(() => ssm(account, 'GetParameter', { Name: '/x' })).name).toBe('ThrottlingException');
  const first = errorOf(() => launch(account));
  expect(first).toMatchObject({ name: 'RequestLimitExceeded', httpStatusCode: 503, throttling: true });
  expect(errorOf(() => launch(account)).name).toBe('RequestLimitExceeded');
  expect(launch(account)).toMatch(/^i-/);
  expect(account.callCount('RunInstances')).toBe(3);
  expect(account.calls.filter((c) => c.error === 'RequestLimitExceeded')).toHaveLength(2);
});

test('api error: a hard, injected error on every call', () => {
  ({ account, clock } = setup({ faults: 'api:DescribeImages:error' }));
  for (let i = 0; i < 5; i++) {
    const error = errorOf(() => ec2(account, 'DescribeImages', { Owners: ['self'] }));
    expect(error.name).toBe('UnauthorizedOperation');
    expect(error.message).toMatch(/injected/);
  }
});

test('step:n:fail fails the n-th SendCommand with an error naming the fault', () => {
  ({ account, clock } = setup({ faults: ['step:2:fail'] }));
  const id = onlineInstance(account, clock);
  expect(waitForInvocation(account, clock, send(account, id, ['echo one']), id).Status).toBe('Success');
  const second = waitForInvocation(account, clock, send(account, id, ['echo two']), id);
  expect(second).toMatchObject({ Status: 'Failed', ResponseCode: 1 });
  expect(second.StandardErrorContent).toContain('step:2:fail');
  expect(waitForInvocation(account, clock, send(account, id, ['echo three']), id).Status).toBe('Success');
});

test('agent:never-online keeps every instance out of SSM', () => {
  ({ account, clock } = setup({ faults: ['agent:never-online'] }));
  const id = launch(account);
  clock.tick(10 * 60_000);
  expect(ssm(account, 'DescribeInstanceInformation', {}).InstanceInformationList).toEqual([]);
  expect(errorOf(() => send(account, id, ['true'])).name).toBe('InvalidInstanceId');
});

test('image:fail makes the image fail with a reason, and its snapshots stay', () => {
  ({ account, clock } = setup({ faults: ['image:fail'] }));
  const id = launch(account);
  clock.tick(30_000);
  const { ImageId } = ec2(account, 'CreateImage', { InstanceId: id, Name: 'broken', NoReboot: true });
  clock.tick(60 * 60_000);
  const image = ec2(account, 'DescribeImages', { ImageIds: [ImageId] }).Images[0];
  expect(image.State).toBe('failed');
  expect(image.StateReason.Message).toMatch(/image:fail/);
  const snapshotId = image.BlockDeviceMappings[0].Ebs.SnapshotId;
  ec2(account, 'DeregisterImage', { ImageId });
  expect(ec2(account, 'DescribeSnapshots', { OwnerIds: ['self'] }).Snapshots.map((s: any) => s.SnapshotId)).toEqual([snapshotId]);
});

test('capacity:<type> refuses that instance type only', () => {
  ({ account, clock } = setup({ faults: ['capacity:t3.small'] }));
  expect(errorOf(() => launch(account)).name).toBe('InsufficientInstanceCapacity');
  expect(launch(account, { InstanceType: 't3a.small' })).toMatch(/^i-/);
});

test('api faults reach S3 and STS calls with their own errors', () => {
  ({ account, clock } = setup({ faults: ['api:GetObject:throttle:1', 'api:AssumeRole:error'] }));
  account.createBucket('manifests');
  expect(errorOf(() => account.invoke('s3', 'GetObject', { Bucket: 'manifests', Key: 'x' }))).toMatchObject({ name: 'SlowDown', httpStatusCode: 503 });
  expect(errorOf(() => account.invoke('s3', 'GetObject', { Bucket: 'manifests', Key: 'x' })).name).toBe('NoSuchKey');
  const denied = errorOf(() => account.invoke('sts', 'AssumeRole', { RoleArn: 'arn:aws:iam::210987654321:role/x', RoleSessionName: 'ab' }));
  expect(denied).toMatchObject({ name: 'AccessDenied', httpStatusCode: 403, message: expect.stringContaining('injected') });
});

describe('faultRuleProblems', () => {
  const shell = (name: string) => ({ shell: { name, commands: ['true'] } });
  /** A Linux recipe (AWS's public Ubuntu parameter) with three steps. */
  const nginx = {
    schemaVersion: 1,
    name: 'nginx',
    source: { ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' },
    steps: [shell('install'), shell('enable'), shell('smoke test')],
  };

  test('rules that name real steps, tests and runner functions pass, as do rules about things known only during the bake', () => {
    expect(faultRuleProblems(['step:1:fail', 'step:3:hang', 'lambda:run-step:crash', 'lambda:sweep-orphans:crash', 'copy:eu-west-1:fail',
      'capacity:m5.large', 'download:fail', 'api:RunInstances:throttle', 'agent:never-online'], nginx)).toEqual([]);
  });

  test('a step past the recipe\'s steps names the rule and how many steps there are', () => {
    expect(faultRuleProblems(['step:9:fail', 'step:4:hang'], nginx)).toEqual([
      'fault rule \'step:9:fail\' names step 9, but recipe "nginx" has 3 steps; use step:1 to step:3',
      'fault rule \'step:4:hang\' names step 4, but recipe "nginx" has 3 steps; use step:1 to step:3',
    ]);
  });

  test('step rules count every command of the bake: tests, onFailure steps and, when the build may be Windows, sysprep', () => {
    const tested = { ...nginx, tests: [shell('curl')], onFailure: [shell('collect logs')] };
    expect(faultRuleProblems('step:5:fail', tested)).toEqual([]);
    expect(faultRuleProblems('step:6:fail', tested)).toEqual([
      'fault rule \'step:6:fail\' names step 6, but a bake of recipe "nginx" sends at most 5 commands '
        + '(3 steps, 1 test, 1 onFailure step), counted from 1',
    ]);
    const powershell = { powershell: { commands: ['Install-WindowsFeature IIS'] } };
    const windows = { name: 'iis', source: { amiId: 'ami-0123456789abcdef0' }, steps: [powershell] };
    expect(faultRuleProblems('step:2:fail', windows)).toEqual([]);
    expect(faultRuleProblems('step:3:fail', windows)).toEqual([
      'fault rule \'step:3:fail\' names step 3, but a bake of recipe "iis" sends at most 2 commands (1 step, 1 Windows sysprep step), counted from 1',
    ]);
    expect(faultRuleProblems('step:2:fail', { ...windows, windows: { sysprep: false } })).toHaveLength(1);
    // A shell step: Prepare refuses a Windows source before anything runs, so no sysprep step follows.
    expect(faultRuleProblems('step:2:fail', { ...windows, source: { amiId: 'ami-0123456789abcdef0' }, steps: [shell('x')] })).toHaveLength(1);
  });

  test('a test past the recipe\'s tests is refused when the build instance cannot come from an image this account baked', () => {
    expect(faultRuleProblems('test:1:fail', nginx)).toEqual(['fault rule \'test:1:fail\' names test 1, but recipe "nginx" has no tests']);
    expect(faultRuleProblems('test:3:fail', { ...nginx, tests: [shell('a'), shell('b')] })).toEqual([
      'fault rule \'test:3:fail\' names test 3, but recipe "nginx" has 2 tests; use test:1 to test:2',
    ]);
    // An AMI id may be one this account baked (--state): commands to the build instance then count as tests.
    const ownSource = { ...nginx, source: { amiId: 'ami-0123456789abcdef0' } };
    expect(faultRuleProblems('test:3:fail', ownSource)).toEqual([]);
    expect(faultRuleProblems('test:5:fail', ownSource)).toEqual(['fault rule \'test:5:fail\' names test 5, but recipe "nginx" has no tests']);
  });

  test('a runner step that does not exist is named with the ones that do', () => {
    const [problem] = faultRuleProblems(['lambda:nosuch:crash'], nginx);
    expect(problem).toMatch(/^fault rule 'lambda:nosuch:crash' names runner step 'nosuch', which does not exist; the runner steps are prepare, /);
    expect(problem).toContain('run-step');
  });

  test('takes parsed rules too, refuses unreadable ones as parseFaults does, and leaves a recipe without a list of steps to validation', () => {
    expect(faultRuleProblems(parseFaults('step:4:fail'), nginx)).toHaveLength(1);
    expect(() => faultRuleProblems(['step:x:fail'], nginx)).toThrow(FaultRuleError);
    expect(faultRuleProblems(['step:9:fail', 'test:9:fail'], { name: 'broken', steps: 'all of them' })).toEqual([]);
    expect(faultRuleProblems(['step:9:fail'], null)).toEqual([]);
  });
});

describe('fault rules for AWS bad days', () => {
  test.each([
    ['consistency:5', { kind: 'consistency', seconds: 5 }],
    ['api:TerminateInstances:throttle-for:900', { kind: 'throttle-for', operation: 'TerminateInstances', seconds: 900 }],
    ['api:DeleteSnapshot:error-for:60', { kind: 'error-for', operation: 'DeleteSnapshot', seconds: 60 }],
    ['step:2:delivery-timeout', { kind: 'step-ending', step: 2, ending: 'delivery-timeout' }],
    ['step:1:delayed', { kind: 'step-ending', step: 1, ending: 'delayed' }],
    ['capacity:t3.small:us-east-1a', { kind: 'zone-capacity', instanceType: 't3.small', zone: 'us-east-1a' }],
    ['unsupported:t3.small:use1-az3', { kind: 'unsupported', instanceType: 't3.small', zone: 'use1-az3' }],
    ['vcpu-limit:4', { kind: 'vcpu-limit', vcpus: 4 }],
    ['lambda:launch:service-error', { kind: 'lambda-service-error', step: 'launch', count: 1 }],
    ['lambda:check-copy:service-error:3', { kind: 'lambda-service-error', step: 'check-copy', count: 3 }],
  ])('%s is read', (text, expected) => {
    expect(parseFaultRule(text)).toEqual({ ...expected, text });
  });

  test.each([
    ['consistency:soon', /the seconds must be a whole number/],
    ['step:1:exploded', /step:<n>:<ending>.*delivery-timeout/],
    ['capacity:t3.small:mars', /capacity:<instanceType>:<zone>/],
    ['vcpu-limit', /vcpu-limit:<vcpus>/],
    ['lambda:launch:service-error:0', /the count must be a whole number/],
    ['api:RunInstances:throttle-for', /throttle-for:<seconds>/],
  ])('%s is refused with the valid forms', (text, message) => {
    expect(() => parseFaultRule(text)).toThrow(message);
  });

  test('an outage rule answers every call for its length from the first call, then lets calls through', () => {
    const faults = new FaultSet(['api:TerminateInstances:throttle-for:60']);
    expect(faults.apiFault('ec2', 'TerminateInstances', 1_000)?.name).toBe('RequestLimitExceeded');
    expect(faults.apiFault('ec2', 'TerminateInstances', 60_999)?.name).toBe('RequestLimitExceeded');
    expect(faults.apiFault('ec2', 'TerminateInstances', 61_000)).toBeUndefined();
    expect(faults.apiFault('ec2', 'DescribeInstances', 1_000)).toBeUndefined();
  });

  test('a Lambda service error rule fails the first count invocations of its function only', () => {
    const faults = new FaultSet(['lambda:launch:service-error:2']);
    expect([1, 2, 3].map(() => faults.lambdaServiceError('launch'))).toEqual(['lambda:launch:service-error:2', 'lambda:launch:service-error:2', undefined]);
    expect(faults.lambdaServiceError('prepare')).toBeUndefined();
  });

  test('zone rules name a zone by name or id', () => {
    const faults = new FaultSet(['capacity:t3.small:us-east-1a', 'unsupported:t3.micro:use1-az6']);
    expect(faults.noCapacity('t3.small', ['us-east-1a', 'use1-az4'])).toBe(true);
    expect(faults.noCapacity('t3.small', ['us-east-1b', 'use1-az6'])).toBe(false);
    expect(faults.unsupportedIn('t3.micro', ['us-east-1e', 'use1-az6'])).toBe(true);
  });

  test('a service error rule naming no runner function is a problem', () => {
    expect(faultRuleProblems(['lambda:nosuch:service-error'], { steps: [] })).toEqual([expect.stringContaining("runner step 'nosuch'")]);
  });
});
