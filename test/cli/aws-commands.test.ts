/**
 * `bakery build`, `list`, `status` and `logs` against AWS: each test runs the CLI in its own process, as a
 * person would, with the Step Functions and CloudWatch Logs calls answered from a described account.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateMachineArn } from './fixtures/aws-world';
import { COMMAND_IDS, INSTANCE_ID } from './fixtures/bake-history';
import { account, ROOT } from './fixtures/run-bakery';
import { bakeryTags, bakeryWorld, LOG_GROUP, SM_ARN, STAGING_BUCKET, STATE_MACHINE } from './fixtures/worlds';

const FAST = ['--interval', '0.01'];

function jsonLines(text: string): any[] {
  return text.trim().split('\n').map((line) => JSON.parse(line));
}

function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain('Error:');
}

describe('bakery build --follow', () => {
  test('a succeeding bake: phases, steps n/m, the running step\'s output, then the manifest; exit code 0', () => {
    // No log streams: the step's lines come from its checks' output tails alone.
    const aws = account(bakeryWorld({ logs: {} }));
    const run = aws.run('build', 'nginx', '--follow', ...FAST, '--name', 'nginx-b1');

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Started build nginx-b1 of recipe nginx on BakeryStateMachine/);
    expect(run.stdout).toContain('https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/'
      + `arn:aws:states:us-east-1:123456789012:execution:${STATE_MACHINE}:nginx-b1`);
    for (const phase of ['prepare', 'launch', 'wait-for-agent', 'provision', 'stop', 'create-image', 'distribute', 'cleanup']) {
      expect(run.stdout).toMatch(new RegExp(`^  \\d\\d:\\d\\d:\\d\\d  ${phase} +ok +\\d+\\.\\d s`, 'm'));
    }
    expect(run.stdout).toContain('step 1/3 started: shell: install nginx');
    expect(run.stdout).toContain('step 2/3 started: shell: enable nginx');
    expect(run.stdout).toContain('step 3/3 shell      Success (exit 0) 20 s');
    // Every line of output once, in order, although the checks return overlapping tails.
    const output = run.stdout.split('\n').filter((line) => line.startsWith('           | ')).map((line) => line.slice(13));
    expect(output).toEqual([
      'Reading package lists...', 'Building dependency tree...', 'Setting up nginx (1.24.0-2ubuntu7) ...',
      'Created symlink nginx.service', 'nginx: configuration file /etc/nginx/nginx.conf test is successful', 'hello from step 3',
    ]);
    expect(run.stdout.indexOf('| Setting up nginx')).toBeLessThan(run.stdout.indexOf('step 1/3 shell      Success'));
    expect(run.stdout).toContain('SUCCEEDED in 4 min 32 s: ami-0f1e2d3c4b5a69788 (nginx-20261125101500, us-east-1)');
    const manifest = JSON.parse(run.stdout.slice(run.stdout.indexOf('\n{') + 1));
    expect(manifest).toMatchObject({ status: 'SUCCEEDED', buildId: 'nginx-b1', recipe: 'nginx', leakedResources: [] });

    const [start] = aws.calls('StartExecution');
    expect(start.input).toMatchObject({ stateMachineArn: SM_ARN, name: 'nginx-b1' });
    expect(JSON.parse(start.input.input)).toEqual({ recipeName: 'nginx' });
    // The history is read newest first, page after page, and each poll asks only for what is new.
    const reads = aws.calls('GetExecutionHistory').map((call) => call.input);
    expect(reads.every((input) => input.reverseOrder === true)).toBe(true);
    expect(reads.some((input) => input.nextToken)).toBe(true);
    expect(aws.calls('DescribeExecution').length).toBeGreaterThan(5);
  });

  test('while a step runs, its lines come from its log streams as it writes them, and the checks\' tails repeat none', () => {
    const streamOf = (stream: string) => `${COMMAND_IDS[0]}/${INSTANCE_ID}/aws-runShellScript/${stream}`;
    const aws = account(bakeryWorld({
      logs: {
        [LOG_GROUP]: {
          [streamOf('stdout')]: [
            { timestamp: 1000, message: 'Reading package lists...' },
            { timestamp: 2000, message: 'Building dependency tree...' },
            { timestamp: 3000, message: 'Setting up nginx (1.24.0-2ubuntu7) ...' },
          ],
        },
      },
    }));
    const run = aws.run('build', 'nginx', '--follow', ...FAST, '--name', 'nginx-b6');

    expect(run.code).toBe(0);
    const output = run.stdout.split('\n').filter((line) => line.startsWith('           | ')).map((line) => line.slice(13));
    expect(output.slice(0, 3)).toEqual(['Reading package lists...', 'Building dependency tree...', 'Setting up nginx (1.24.0-2ubuntu7) ...']);
    expect(output.filter((line) => line === 'Setting up nginx (1.24.0-2ubuntu7) ...')).toHaveLength(1);
    expect(run.stdout.indexOf('| Reading package lists...')).toBeLessThan(run.stdout.indexOf('step 1/3 shell      Success'));
    expect(aws.calls('GetLogEvents').map((call) => call.input.logStreamName)).toContain(streamOf('stdout'));
  });

  test('a failing bake: the failure with its output tail, the manifest, where the whole output is; exit code 1', () => {
    const run = account(bakeryWorld()).run('build', 'web', '--follow', ...FAST, '--name', 'web-b2');

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^  \d\d:\d\d:\d\d  provision +FAILED /m);
    expect(run.stdout).toContain('step 2/3 started: shell: enable nginx');
    expect(run.stdout).toContain('FAILED after 1 min 41 s in phase provision (step 2): ProvisioningStepFailed');
    expect(run.stdout).toContain('  step 2 of 3 (shell: enable nginx) ended Failed (Failed) with exit code 1 after 20 s.');
    expect(run.stdout).toContain('  nginx: [emerg] unknown directive "server_tokens_x"');
    expect(run.stdout).toContain('The whole output of step 2: bakery logs web-b2 --step 2');
    const manifest = JSON.parse(run.stdout.slice(run.stdout.indexOf('\n{') + 1));
    expect(manifest).toMatchObject({ status: 'FAILED', buildId: 'web-b2', error: { phase: 'provision', step: 2 } });
  });

  test('--json: one JSON object per line, ending with the manifest', () => {
    const run = account(bakeryWorld()).run('build', 'nginx', '--follow', '--json', ...FAST, '--name', 'nginx-b3');

    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines[0]).toMatchObject({ event: 'started', buildId: 'nginx-b3', recipe: 'nginx', stateMachine: STATE_MACHINE });
    expect(lines.filter((line) => line.event === 'phase').map((line) => line.phase))
      .toEqual(['prepare', 'launch', 'wait-for-agent', 'provision', 'stop', 'create-image', 'distribute', 'cleanup']);
    expect(lines.filter((line) => line.event === 'step-started').map((line) => `${line.step}/${line.count}`)).toEqual(['1/3', '2/3', '3/3']);
    expect(lines.filter((line) => line.event === 'step').map((line) => line.status)).toEqual(['Success', 'Success', 'Success']);
    expect(lines.find((line) => line.event === 'output')).toEqual({ event: 'output', step: 1, lines: ['Reading package lists...', 'Building dependency tree...'] });
    expect(lines[lines.length - 1]).toMatchObject({ event: 'finished', status: 'SUCCEEDED', succeeded: true, manifest: { status: 'SUCCEEDED', buildId: 'nginx-b3' } });
  });

  test('a bake that needs no rebuild (SKIPPED) is a success, followed or not', () => {
    const aws = account(bakeryWorld());
    const run = aws.run('build', 'nginx-skip', '--follow', ...FAST, '--name', 'skip-b4');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SKIPPED in 2 s, no rebuild needed: the newest image of recipe nginx (ami-0aaaabbbbccccdddd) was baked');
    expect(run.stdout).toContain('current image: ami-0aaaabbbbccccdddd (nginx-20261124101500, us-east-1)');

    const unfollowed = aws.run('build', 'nginx-skip', ...FAST, '--name', 'skip-b5');
    expect(unfollowed.code).toBe(0);
    expect(unfollowed.stdout).toMatch(/^Started build skip-b5 of recipe nginx-skip on .*\n {2}console: https:.*\nSKIPPED in 2 s, no rebuild needed: /);
  });
});

describe('bakery build', () => {
  test('an unknown recipe name: the RecipeNotFound cause as one line and a hint, exit code 1, no stack trace', () => {
    const run = account(bakeryWorld()).run('build', 'nope', '--name', 'nope-1');

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'bakery: RecipeNotFound: recipe "nope" is not registered (no SSM parameter /cdk-ami-bakery/dev/recipes/nope)\n'
      + 'hint: register the recipe with bakery.addRecipe() in your CDK app and deploy, or bake a recipe file: bakery build ./recipe.json\n',
    );
    expectNoStackTrace(run.stderr);
  });

  test('a recipe file with overrides: checked, sent whole, the overrides as dotted paths; prints the build id and the console link', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bakery-build-'));
    const file = join(dir, 'adhoc.json');
    const recipe = { schemaVersion: 1, name: 'adhoc', source: { amiId: 'ami-0123456789abcdef0' }, steps: [{ shell: { commands: ['echo hello'] } }] };
    writeFileSync(file, JSON.stringify(recipe));
    const aws = account(bakeryWorld());
    const run = aws.run('build', file, ...FAST, '--override', 'instance.types=["t3.large"]', '-o', 'keepOnFailure=true', '-o', 'ami.description=nightly build');

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [start] = aws.calls('StartExecution');
    expect(start.input.name).toMatch(/^adhoc-\d{14}-[0-9a-f]{4}$/);
    expect(JSON.parse(start.input.input)).toEqual({
      recipe,
      overrides: { instance: { types: ['t3.large'] }, keepOnFailure: true, ami: { description: 'nightly build' } },
    });
    expect(run.stdout).toContain(`Started build ${start.input.name} of recipe adhoc on ${STATE_MACHINE}`);
    expect(run.stdout).toContain('console: https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states:');
    expect(run.stdout).toContain(`follow:  bakery status ${start.input.name} --follow`);
  });

  test('an invalid recipe file is refused before anything starts; --json prints one object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bakery-build-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, name: 'bad', source: { amiId: 'ami-1' }, steps: [] }));
    const aws = account(bakeryWorld());
    const bad = aws.run('build', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^bakery: ${file} is not a valid recipe, so no bake was started: 2 problem\\(s\\): source.amiId: `));
    expect(bad.stderr).toContain(`hint: bakery validate ${file} lists every problem`);
    expect(aws.calls('StartExecution')).toEqual([]);

    const started = aws.run('build', 'nginx', '--json', ...FAST, '--name', 'nginx-b5');
    expect(started.code).toBe(0);
    expect(jsonLines(started.stdout)).toEqual([expect.objectContaining({ buildId: 'nginx-b5', recipe: 'nginx', status: 'RUNNING', consoleUrl: expect.any(String) })]);
  });

  test('a recipe with files: they are staged once in the bakery\'s staging location and the bake names them by s3:// URI', () => {
    const aws = account(bakeryWorld());
    const recipe = join(ROOT, 'examples/recipes/web-files/recipe.json');

    const first = aws.run('build', recipe, ...FAST, '--name', 'files-1');
    const puts = aws.calls('PutObject').length;
    const again = aws.run('build', recipe, ...FAST, '--name', 'files-2');

    expect(first.code).toBe(0);
    expect(first.stderr).toBe(`Staged scripts/install-nginx.sh, files/nginx.conf, files/site/, ansible/, scripts/check-site.sh in s3://${STAGING_BUCKET}/staging/\n`);
    const steps = JSON.parse(aws.calls('StartExecution')[0].input.input).recipe.steps;
    const uri = (name: string) => new RegExp(`^s3://${STAGING_BUCKET}/staging/[0-9a-f]{64}/${name}$`);
    expect(steps.map((step: any) => (step.script ?? step.file ?? step.ansible)?.source).filter(Boolean)).toEqual([
      expect.stringMatching(uri('install-nginx\\.sh')), expect.stringMatching(uri('nginx\\.conf')), expect.stringMatching(uri('site/')),
      expect.stringMatching(uri('ansible/')), expect.stringMatching(uri('check-site\\.sh')),
    ]);
    expect(aws.calls('PutObject').map((call) => call.input.Key)).toContainEqual(expect.stringMatching(/^staging\/[0-9a-f]{64}\/ansible\/roles\/hardening\/tasks\/main\.yml$/));
    expect(puts).toBe(11);
    expect(again.code).toBe(0);
    expect(aws.calls('PutObject')).toHaveLength(puts);
  });

  test('a recipe naming a file that is not there is refused before any call', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bakery-build-'));
    const file = join(dir, 'files.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, name: 'files', source: { amiId: 'ami-0123456789abcdef0' }, steps: [{ script: { source: 'setup.sh' } }] }));
    const aws = account(bakeryWorld());

    const run = aws.run('build', file);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`steps[0].script.source: setup.sh does not exist (looked for ${join(dir, 'setup.sh')}); paths are relative to the recipe file`);
    expect(aws.calls()).toEqual([]);
  });

  test('usage errors: a bad --override, a bad --name; exit code 2', () => {
    const aws = account(bakeryWorld());
    const override = aws.run('build', 'nginx', '--override', 'instance.types');
    expect(override.code).toBe(2);
    expect(override.stderr).toMatch(/^bakery: --override "instance.types" is not key=value\nhint: write --override path.to.field=value/);
    const name = aws.run('build', 'nginx', '--name', 'no spaces please');
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('bakery: build id "no spaces please" is not a valid execution name');
  });
});

describe('bakery list', () => {
  test('newest first: build id, recipe, status, start, duration, AMI ids (region:ami for copies)', () => {
    const run = account(bakeryWorld()).run('list');

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^BUILD ID +RECIPE +STATUS +STARTED +DURATION +AMIS$/);
    const columns = ['RECIPE', 'STATUS', 'STARTED', 'DURATION', 'AMIS'].map((title) => lines[0].indexOf(title));
    const rows = lines.slice(1).map((line) => [line.slice(0, columns[0]), ...columns.map((start, index) => line.slice(start, columns[index + 1]))]
      .map((cell) => cell.trim()));
    expect(rows.map((row) => row.slice(0, 3))).toEqual([
      ['nginx-running', 'nginx', 'RUNNING'],
      ['web-1', 'web', 'FAILED'],
      ['nginx-old', 'nginx', 'SUCCEEDED'],
      ['nginx-skip', 'nginx', 'SKIPPED'],
    ]);
    expect(rows[2]).toEqual(['nginx-old', 'nginx', 'SUCCEEDED', '2026-11-25 10:15', '4 min 32 s', 'us-east-1:ami-0f1e2d3c4b5a69788 eu-west-1:ami-0c0de000000000001']);
    expect(rows[1][5]).toBe('-');
    expect(rows[3][5]).toBe('ami-0aaaabbbbccccdddd');
  });

  test('--json, --recipe and --limit', () => {
    const run = account(bakeryWorld()).run('list', '--json', '--recipe', 'nginx', '--limit', '2');

    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout);
    expect(rows.map((row: any) => row.buildId)).toEqual(['nginx-running', 'nginx-old']);
    expect(rows[1]).toEqual({
      buildId: 'nginx-old',
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:${STATE_MACHINE}:nginx-old`,
      recipe: 'nginx',
      status: 'SUCCEEDED',
      startDate: '2026-11-25T10:15:00.000Z',
      stopDate: expect.any(String),
      seconds: 272,
      amis: [{ region: 'us-east-1', amiId: 'ami-0f1e2d3c4b5a69788' }, { region: 'eu-west-1', amiId: 'ami-0c0de000000000001' }],
    });
  });
});

describe('bakery status', () => {
  test('a running build: phase, step n of m, the last lines of output', () => {
    const run = account(bakeryWorld()).run('status', 'nginx-running');

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Build +nginx-running$/m);
    expect(run.stdout).toContain('RUNNING in provision, step 1 of 3 (Check provisioning step)');
    expect(run.stdout).toContain('  │ Building dependency tree...');
    expect(run.stdout).toContain('Follow it: bakery status nginx-running --follow');
  });

  test('an ended build: the manifest in short; --json has status, phase and manifest', () => {
    const aws = account(bakeryWorld());
    const failed = aws.run('status', 'web-1');
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(/^Steps +1 shell Success 20 s$/m);
    expect(failed.stdout).toContain('FAILED after 1 min 41 s in phase provision (step 2): ProvisioningStepFailed');

    const succeeded = JSON.parse(aws.run('status', 'nginx-old', '--json').stdout);
    expect(succeeded).toMatchObject({ buildId: 'nginx-old', recipe: 'nginx', status: 'SUCCEEDED', succeeded: true, seconds: 272 });
    expect(succeeded.manifest.artifacts).toHaveLength(2);
    const running = JSON.parse(aws.run('status', 'nginx-running', '--json').stdout);
    expect(running).toMatchObject({ status: 'RUNNING', phase: 'provision', step: 1, stepCount: 3, outputTail: ['Reading package lists...', 'Building dependency tree...'] });
    const missing = aws.run('status', 'no-such-build');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`bakery: no build no-such-build on state machine ${STATE_MACHINE}\n`
      + 'hint: bakery list shows the recent builds (check --region and --profile too)\n');
  });
});

describe('bakery logs', () => {
  test('--step 2: standard output and error of the step\'s command in time order, from the tagged log group, page by page', () => {
    const aws = account(bakeryWorld());
    const run = aws.run('logs', 'web-1', '--step', '2');

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe([
      '+ systemctl enable nginx', 'Synchronizing state of nginx.service', 'Created symlink nginx.service', '+ nginx -t',
      'nginx: [emerg] unknown directive "server_tokens_x"', '',
    ].join('\n'));
    const reads = aws.calls('GetLogEvents').map((call) => call.input);
    expect(new Set(reads.map((input) => `${input.logGroupName} ${input.logStreamName}`))).toEqual(new Set([
      `${LOG_GROUP} 22222222-2222-4222-8222-222222222222/i-0123456789abcdef0/aws-runShellScript/stdout`,
      `${LOG_GROUP} 22222222-2222-4222-8222-222222222222/i-0123456789abcdef0/aws-runShellScript/stderr`,
    ]));
    expect(reads.every((input) => input.startFromHead === true)).toBe(true);
    expect(reads.filter((input) => input.nextToken).length).toBeGreaterThan(1);
  });

  test('every step with a header each; --json lines; a step that never ran', () => {
    const aws = account(bakeryWorld());
    const all = aws.run('logs', 'web-1');
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^==> step 1 of 3: command 11111111-1111-4111-8111-111111111111 on i-0123456789abcdef0 <==\n==> step 2 of 3: command 2/);
    expect(all.stderr).toContain('bakery: no output in /aws/cdk-ami-bakery/dev/command-output for step 1');

    const json = jsonLines(aws.run('logs', 'web-1', '--step', '2', '--json').stdout);
    expect(json[1]).toEqual({
      step: 2, commandId: '22222222-2222-4222-8222-222222222222', timestamp: 2000, message: 'Synchronizing state of nginx.service', stream: 'stderr',
    });

    const never = aws.run('logs', 'web-1', '--step', '3');
    expect(never.code).toBe(1);
    expect(never.stderr).toBe('bakery: step 3 of build web-1 has not started (2 step(s) started)\nhint: bakery status web-1 shows where it is\n');
  });
});

describe('finding the bakery', () => {
  test('no state machine tagged as a bakery: one line and a hint, exit code 1', () => {
    const run = account(bakeryWorld({ stateMachines: [{ arn: stateMachineArn('Other'), name: 'Other', tags: {} }] })).run('list');

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('bakery: no bakery state machine in us-east-1 (none is tagged cdk-ami-bakery:bakery)\n'
      + 'hint: deploy an AmiBakery in this account and region, pass --region or --profile for the one it is in, or pass --state-machine <arn>\n');
  });

  test('several bakeries: each is named, and --bakery or --state-machine chooses one', () => {
    const world = bakeryWorld({
      stateMachines: [
        { arn: SM_ARN, name: STATE_MACHINE, tags: bakeryTags('dev') },
        { arn: stateMachineArn('ProdBakery'), name: 'ProdBakery', tags: bakeryTags('prod') },
      ],
    });
    const aws = account(world);
    const several = aws.run('list');
    expect(several.code).toBe(1);
    expect(several.stderr).toBe(`bakery: 2 bakery state machines in us-east-1: ${STATE_MACHINE} (--bakery dev), ProdBakery (--bakery prod)\n`
      + 'hint: choose one with --bakery <bakeryId> or --state-machine <arn>\n');

    const chosen = aws.run('--bakery', 'dev', 'list', '--limit', '1');
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toContain('nginx-running');

    const before = aws.calls('ListStateMachines').length;
    const direct = aws.run('status', 'nginx-old', '--state-machine', SM_ARN);
    expect(direct.code).toBe(0);
    expect(aws.calls('ListStateMachines')).toHaveLength(before);

    const wrong = aws.run('list', '--bakery', 'qa');
    expect(wrong.stderr).toBe('bakery: no bakery "qa" in us-east-1 (bakeries here: dev, prod)\nhint: check --bakery, --region and --profile\n');
  });
});
