import { advanceSeconds, awsError, freezeTime, T0 } from './fixtures';
import { AGENT_SCHEDULES } from '../../lambda/launch';
import { deepMerge } from '../../lambda/shared/deep-merge';
import * as errors from '../../lambda/shared/errors';
import { toTransient, TransientAwsError } from '../../lambda/shared/errors';
import { renderAmiName } from '../../lambda/shared/name-template';
import { inlineOutputTruncated, lastLines, outputTail } from '../../lambda/shared/output-tail';
import { enterPhase, phaseSeconds } from '../../lambda/shared/phases';
import { nextPoll, pollExpired, startPoll, overrideWaitSchedules } from '../../lambda/shared/poll';
import { rebootCommands } from '../../lambda/shared/reboot-script';
import { shellQuote } from '../../lambda/shared/step-script';
import { buildIdFilter, tagValue, toTagList } from '../../lambda/shared/tags';

beforeEach(() => freezeTime());
afterEach(() => jest.useRealTimers());

describe('poll', () => {
  test('waits grow by 1.5 up to the maximum', () => {
    let poll = startPoll({ loop: 'agent', firstSeconds: 10, maxSeconds: 30, budgetSeconds: 600 });
    const waits = [poll.seconds];
    for (let i = 0; i < 4; i++) {
      poll = nextPoll(poll);
      waits.push(poll.seconds);
    }

    expect(waits).toEqual([10, 15, 23, 30, 30]);
    expect(poll.attempts).toBe(4);
  });

  test('the SSM agent\'s wait checks first when an instance could be online, then every few seconds, growing slowly', () => {
    let poll = startPoll({ loop: 'agent', ...AGENT_SCHEDULES.linux, budgetSeconds: 600 });
    const waits = [poll.seconds];
    for (let i = 0; i < 8; i++) {
      poll = nextPoll(poll);
      waits.push(poll.seconds);
    }

    expect(waits).toEqual([25, 3, 4, 5, 6, 6, 6, 6, 6]);
  });

  test('a long budget stretches the longest wait, so the loop stays far below the execution history limit', () => {
    const poll = startPoll({ loop: 'step', firstSeconds: 5, maxSeconds: 30, budgetSeconds: 172_800 + 300 });

    expect(poll.maxSeconds).toBe(289);
    expect(startPoll({ loop: 'step', firstSeconds: 5, maxSeconds: 30, budgetSeconds: 3600 }).maxSeconds).toBe(30);
  });

  test('the budget is spent once its seconds have passed since the start', () => {
    const poll = startPoll({ loop: 'step', firstSeconds: 5, maxSeconds: 30, budgetSeconds: 60 });

    advanceSeconds(59);
    expect(pollExpired(poll)).toBe(false);
    advanceSeconds(1);
    expect(pollExpired(poll)).toBe(true);
  });

  test('another waiter policy respaces the loops it names, with its own growth, until it is put back', () => {
    const stop = overrideWaitSchedules((loop, own) => (loop === 'agent' ? { firstSeconds: 15, maxSeconds: 120, growth: 2 } : own));
    const waits: number[] = [];
    let step;
    try {
      let agent = startPoll({ loop: 'agent', firstSeconds: 10, maxSeconds: 30, budgetSeconds: 600 });
      waits.push(agent.seconds);
      for (let i = 0; i < 4; i++) {
        agent = nextPoll(agent);
        waits.push(agent.seconds);
      }
      step = startPoll({ loop: 'step', firstSeconds: 5, maxSeconds: 30, budgetSeconds: 600 });
    } finally {
      stop();
    }

    expect(waits).toEqual([15, 30, 60, 120, 120]);
    expect(step).toMatchObject({ seconds: 5, maxSeconds: 30 });
    expect(step.growth).toBeUndefined();
    expect(startPoll({ loop: 'agent', firstSeconds: 10, maxSeconds: 30, budgetSeconds: 600 })).toMatchObject({ seconds: 10, maxSeconds: 30 });
  });
});

describe('phases', () => {
  test('entering the phase the list ends with keeps its start (a retried step)', () => {
    const phases = enterPhase([], 'launch');
    advanceSeconds(5);

    expect(enterPhase(phases, 'launch')).toEqual([{ name: 'launch', startedAt: T0.toISOString() }]);
    expect(enterPhase(phases, 'wait-for-agent')).toHaveLength(2);
  });

  test('a phase lasts until the next starts; the last until now', () => {
    const phases = enterPhase([], 'prepare');
    advanceSeconds(3);
    const later = enterPhase(phases, 'launch');
    advanceSeconds(10);

    expect(phaseSeconds(later)).toEqual([{ name: 'prepare', seconds: 3 }, { name: 'launch', seconds: 10 }]);
  });
});

describe('renderAmiName', () => {
  test('replaces every placeholder, in UTC', () => {
    expect(renderAmiName('{{recipe}}/{{date}}/{{timestamp}}/{{buildId}}', { recipe: 'web', buildId: 'b-1', now: new Date('2025-12-31T23:59:58Z') }))
      .toBe('web/2025-12-31/20251231235958/b-1');
  });

  test('replaces characters EC2 refuses in substituted values and cuts to 128 characters', () => {
    expect(renderAmiName('x-{{buildId}}', { recipe: 'web', buildId: 'a+b=c' })).toBe('x-a-b-c');
    expect(renderAmiName('{{buildId}}', { recipe: 'web', buildId: 'b'.repeat(200) })).toHaveLength(128);
  });
});

describe('rebootCommands', () => {
  test('reboots once through exit code 194, guarded by a marker per build and step', () => {
    expect(rebootCommands('exec-1', 3)).toEqual([
      'if [ -f /var/lib/cdk-ami-bakery/reboot-exec-1-3 ]; then exit 0; fi',
      'mkdir -p /var/lib/cdk-ami-bakery',
      'touch /var/lib/cdk-ami-bakery/reboot-exec-1-3',
      'exit 194',
    ]);
  });

  test('keeps characters that need shell quoting out of the marker path', () => {
    expect(rebootCommands("a'b (c)", 1)[2]).toBe('touch /var/lib/cdk-ami-bakery/reboot-a_b__c_-1');
  });
});

describe('output tail', () => {
  test('takes the last lines of stdout followed by stderr, without trailing blank lines', () => {
    expect(outputTail('1\n2\n3\n\n', 'e1\n')).toBe(Array.from({ length: 3 }, (_, i) => `${i + 1}`).concat('e1').join('\n'));
    expect(lastLines(Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n'))).toHaveLength(20);
    expect(outputTail('', '')).toBe('');
  });

  test('knows when SSM cut the inline output', () => {
    expect(inlineOutputTruncated('x'.repeat(24000), '')).toBe(true);
    expect(inlineOutputTruncated('x', 'y'.repeat(7999))).toBe(false);
  });
});

describe('toTransient', () => {
  test('turns server-side AWS errors into TransientAwsError and leaves the rest alone', () => {
    const server = awsError('ServiceUnavailable', 'busy', 'server');
    const client = awsError('InvalidParameterValue', 'bad');

    expect(toTransient(server)).toBeInstanceOf(TransientAwsError);
    expect(toTransient(server)).toMatchObject({ name: 'TransientAwsError', message: 'ServiceUnavailable: busy' });
    expect(toTransient(client)).toBe(client);
  });
});

describe('deepMerge', () => {
  test('merges objects key by key and replaces arrays', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] }, d: 1 });
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});

describe('tags', () => {
  test('converts maps to EC2 tag lists and filters by build id', () => {
    const list = toTagList({ a: '1', b: '2' });

    expect(list).toEqual([{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
    expect(tagValue(list, 'b')).toBe('2');
    expect(buildIdFilter('exec-1')).toEqual([{ Name: 'tag:cdk-ami-bakery:build-id', Values: ['exec-1'] }]);
  });
});

describe('shellQuote', () => {
  test('wraps in single quotes and escapes single quotes', () => {
    expect(shellQuote("it's $HOME")).toBe("'it'\\''s $HOME'");
  });
});

describe('error classes', () => {
  test('every error class reaches Step Functions under its exported name, even when a bundler renames classes', () => {
    const classes = Object.entries(errors).filter(([, value]) => typeof value === 'function' && value.prototype instanceof errors.BakeryError);

    expect(classes.length).toBeGreaterThanOrEqual(17);
    for (const [exportedName, ErrorClass] of classes) {
      const error = new (ErrorClass as new (message: never) => Error)([] as never);
      expect(error.name).toBe(exportedName);
      expect(error).toBeInstanceOf(Error);
    }
  });
});
