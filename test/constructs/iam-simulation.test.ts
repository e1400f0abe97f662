import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, decide, REGION, Request, Runner, runnersOf, simulation, whoMay as whoMayIn, withoutConditions } from './iam-evaluation';
import { bakeryStack } from './stack';
import { resolveIntrinsics } from '../../local/template-resolver';
import { STEP_NAMES } from '../../src/contract';

/**
 * Evaluates the synthesized runner policies as IAM would, with tokens resolved for the test stack's account and
 * region. Each "may not" is paired with a "may": a request that differs only in the tag, the role or the
 * service, so a denial proves the condition or the resource scope denies it, not a typo in an ARN.
 */

const TAG = 'cdk-ami-bakery:bakery';
const INSTANCE = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;
const VOLUME = `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0123456789abcdef0`;
const IMAGE = `arn:aws:ec2:${REGION}::image/ami-0123456789abcdef0`;
const SNAPSHOT = `arn:aws:ec2:${REGION}::snapshot/snap-0123456789abcdef0`;

const { template, bakery } = bakeryStack();
const OTHER_BAKERY = `${bakery.bakeryId}-other`;
const RUNNERS = runnersOf(template);
/** The same roles with every Condition removed: what the policies would allow without their tag checks. */
const UNCONDITIONED = withoutConditions(RUNNERS);

/** The steps whose roles IAM allows the request, sorted. */
function whoMay(request: Request, runners: Runner[] = RUNNERS): Promise<string[]> {
  return whoMayIn(runners, request);
}

/** The steps whose policies name the action at all, whatever the resource or condition. */
function holders(action: string): string[] {
  return RUNNERS
    .filter((runner) => runner.policies.some(({ policy }) => policy.Statement.some((statement) => [statement.Action].flat().includes(action))))
    .map((runner) => runner.step)
    .sort();
}

const resourceTag = (value: string) => ({ [`aws:ResourceTag/${TAG}`]: value });
const requestTag = (value: string) => ({ [`aws:RequestTag/${TAG}`]: value, 'aws:TagKeys': [TAG] });

describe('runner IAM, evaluated', () => {
  test('the simulation sees every policy of the runner roles: inline only, no managed policies', () => {
    expect(RUNNERS.map((runner) => runner.step).sort()).toEqual([...STEP_NAMES].sort());
    for (const runner of RUNNERS) {
      expect(runner.policies.length).toBeGreaterThan(0);
      expect(template.toJSON().Resources[runner.roleName].Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('no statement has a wildcard action, NotAction or NotResource, or denies anything', () => {
    const statements = RUNNERS.flatMap((runner) => runner.policies.flatMap(({ policy }) => policy.Statement));
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.length).toBeGreaterThan(10);
    for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    for (const statement of statements) {
      expect(statement).toEqual(expect.not.objectContaining({ NotAction: expect.anything() }));
      expect(statement).toEqual(expect.not.objectContaining({ NotResource: expect.anything() }));
      expect(statement.Effect).toBe('Allow');
    }
  });

  describe.each([
    ['ec2:TerminateInstances', INSTANCE, ['cleanup-failure', 'finish']],
    ['ec2:StopInstances', INSTANCE, ['stop']],
    ['ec2:CreateImage', INSTANCE, ['create-image']],
    ['ec2:DeregisterImage', IMAGE, ['cleanup-failure', 'create-image']],
    ['ec2:DeleteSnapshot', SNAPSHOT, ['cleanup-failure', 'create-image']],
    ['ec2:ModifyImageAttribute', IMAGE, ['check-image']],
  ])('%s on %s', (action, resource, steps) => {
    // Cleanup steps come and go; the workflow's own steps that need the action must keep it.
    const expectedHolders = holders(action);

    test('the steps that hold it may, on a resource carrying this bakery\'s tag', async () => {
      expect(expectedHolders).toEqual(expect.arrayContaining(steps));
      expect(await whoMay({ action, resource, context: resourceTag(bakery.bakeryId) })).toEqual(expectedHolders);
    });

    test('no step may on an untagged resource, or one tagged for another bakery', async () => {
      expect(await whoMay({ action, resource })).toEqual([]);
      expect(await whoMay({ action, resource, context: resourceTag(OTHER_BAKERY) })).toEqual([]);
    });

    test('it is the tag condition that denies: without conditions the same requests would be allowed', async () => {
      expect(await whoMay({ action, resource }, UNCONDITIONED)).toEqual(expectedHolders);
      expect(await whoMay({ action, resource, context: resourceTag(OTHER_BAKERY) }, UNCONDITIONED)).toEqual(expectedHolders);
    });
  });

  test.each([INSTANCE, VOLUME])('RunInstances creates %s only with this bakery\'s tag in the request', async (resource) => {
    const action = 'ec2:RunInstances';
    expect(await whoMay({ action, resource, context: requestTag(bakery.bakeryId) })).toEqual(['launch']);
    expect(await whoMay({ action, resource })).toEqual([]);
    expect(await whoMay({ action, resource, context: requestTag(OTHER_BAKERY) })).toEqual([]);
    expect(await whoMay({ action, resource }, UNCONDITIONED)).toEqual(['launch']);
  });

  test('CreateTags only while launching: no step can tag an existing instance into the bakery', async () => {
    const action = 'ec2:CreateTags';
    const tagging = requestTag(bakery.bakeryId);
    expect(await whoMay({ action, resource: INSTANCE, context: { ...tagging, 'ec2:CreateAction': 'RunInstances' } })).toEqual(['launch']);
    expect(await whoMay({ action, resource: INSTANCE, context: tagging })).toEqual([]);
    expect(await whoMay({ action, resource: INSTANCE, context: tagging }, UNCONDITIONED)).toEqual(['cleanup-failure', 'launch']);
  });

  test('the failure cleanup may only mark one of this bakery\'s instances as kept for inspection', async () => {
    const action = 'ec2:CreateTags';
    const keepUntil = { 'aws:TagKeys': ['cdk-ami-bakery:keep-until'] };
    expect(await whoMay({ action, resource: INSTANCE, context: { ...resourceTag(bakery.bakeryId), ...keepUntil } })).toEqual(['cleanup-failure']);
    expect(await whoMay({ action, resource: INSTANCE, context: { ...resourceTag(OTHER_BAKERY), ...keepUntil } })).toEqual([]);
    expect(await whoMay({ action, resource: INSTANCE, context: { ...resourceTag(bakery.bakeryId), 'aws:TagKeys': ['cdk-ami-bakery:bakery'] } })).toEqual([]);
  });

  describe('iam:PassRole', () => {
    const instanceRole = `arn:aws:iam::${ACCOUNT}:role/${Object.keys(template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'ec2.amazonaws.com' } }] } },
    }))[0]}`;
    const toEc2 = { 'iam:PassedToService': 'ec2.amazonaws.com' };

    test('launch may pass the instance role, to EC2 only', async () => {
      expect(await whoMay({ action: 'iam:PassRole', resource: instanceRole, context: toEc2 })).toEqual(['launch']);
      expect(await whoMay({ action: 'iam:PassRole', resource: instanceRole, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } })).toEqual([]);
      expect(await whoMay({ action: 'iam:PassRole', resource: instanceRole, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, UNCONDITIONED)).toEqual(['launch']);
    });

    test('no step may pass any other role: not the runners\' own, the state machine\'s, or an admin role', async () => {
      const otherRoles = [
        ...Object.keys(template.findResources('AWS::IAM::Role')).map((id) => `arn:aws:iam::${ACCOUNT}:role/${id}`).filter((arn) => arn !== instanceRole),
        `arn:aws:iam::${ACCOUNT}:role/Admin`,
        `arn:aws:iam::${ACCOUNT}:role/${bakery.bakeryId}`,
      ];
      expect(otherRoles.length).toBeGreaterThan(RUNNERS.length);
      for (const role of otherRoles) {
        expect(await whoMay({ action: 'iam:PassRole', resource: role, context: toEc2 }, UNCONDITIONED)).toEqual([]);
      }
    });
  });

  describe('ssm:SendCommand', () => {
    const action = 'ssm:SendCommand';
    const shellScript = `arn:aws:ssm:${REGION}::document/AWS-RunShellScript`;
    const ssmTag = (value: string) => ({ [`ssm:resourceTag/${TAG}`]: value, ...resourceTag(value) });

    test('run-step may run commands on an instance carrying this bakery\'s tag', async () => {
      expect(await whoMay({ action, resource: INSTANCE, context: ssmTag(bakery.bakeryId) })).toEqual(['run-step']);
    });

    test('no step may run commands on an untagged instance, or one of another bakery', async () => {
      expect(await whoMay({ action, resource: INSTANCE })).toEqual([]);
      expect(await whoMay({ action, resource: INSTANCE, context: ssmTag(OTHER_BAKERY) })).toEqual([]);
      expect(await whoMay({ action, resource: INSTANCE }, UNCONDITIONED)).toEqual(['run-step']);
    });

    // AWS-owned documents' ARNs name no account, which the simulator's resource-type data does not accept:
    // evaluate these without its input validation.
    test('only the AWS documents the bakery knows, and no document of the account no recipe names', () => {
      const whoMayRun = (resource: string) => RUNNERS
        .filter((runner) => runUnsafeSimulation(simulation(runner, { action, resource }), { simulationMode: 'Strict' }) === 'Allowed')
        .map((runner) => runner.step);
      expect(whoMayRun(shellScript)).toEqual(['run-step']);
      expect(whoMayRun(`arn:aws:ssm:${REGION}::document/AWS-RunPatchBaseline`)).toEqual(['run-step']);
      expect(whoMayRun(`arn:aws:ssm:${REGION}::document/AWS-RunInspecChecks`)).toEqual([]);
      expect(whoMayRun(`arn:aws:ssm:${REGION}:${ACCOUNT}:document/AWS-RunShellScript`)).toEqual([]);
      expect(whoMayRun(`arn:aws:ssm:${REGION}:${ACCOUNT}:document/Team-Harden`)).toEqual([]);
    });
  });

  test('only the sweeper may describe executions, and only those of this bakery\'s state machine; none may start, stop or list them', async () => {
    const stateMachine = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const execution = (machine: string, name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine}:${name}`;
    expect(await whoMay({ action: 'states:DescribeExecution', resource: execution(stateMachine, 'web-20261125-1a2b') })).toEqual(['sweep-orphans']);
    expect(await whoMay({ action: 'states:DescribeExecution', resource: execution('OtherStateMachine', 'web-20261125-1a2b') })).toEqual([]);
    for (const action of ['states:StartExecution', 'states:ListExecutions']) {
      expect(await whoMay({ action, resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${stateMachine}` })).toEqual([]);
    }
    expect(await whoMay({ action: 'states:StopExecution', resource: execution(stateMachine, 'web-20261125-1a2b') })).toEqual([]);
  });

  test('each step writes logs to its own log group only', async () => {
    const stream = (group: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:log-stream:2025/01/01/[$LATEST]0123456789abcdef`;
    for (const runner of RUNNERS) {
      expect(await whoMay({ action: 'logs:PutLogEvents', resource: stream(runner.logGroupName) })).toEqual([runner.step]);
    }
    const commandOutput = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.startsWith('BakeryCommandOutput'))!;
    expect(await whoMay({ action: 'logs:PutLogEvents', resource: stream(commandOutput) })).toEqual([]);
    expect(await whoMay({ action: 'logs:CreateLogGroup', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:any` })).toEqual([]);
  });
});

describe('the build instances\' role, evaluated', () => {
  const resources = template.toJSON().Resources;
  const resolve = (value: unknown) => resolveIntrinsics(value, { account: ACCOUNT, region: REGION, resources }) as any;
  const roleName = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('BakeryInstanceRole'))!;
  const bucket: string = resolve({ Ref: Object.keys(template.findResources('AWS::S3::Bucket')).find((id) => id.startsWith('BakeryStaging'))! });
  // Its inline policies: it has no managed policy.
  const instance: Runner = {
    step: 'build-instance',
    roleName,
    logGroupName: '',
    policies: Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleName))
      .map(([name, policy]) => ({ name, policy: resolve(policy.Properties.PolicyDocument) })),
  };

  test('runs the SSM agent, and reads no parameter or document of the account: provisioning commands cannot read secrets through it', async () => {
    const instanceArn = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;
    expect(await decide(instance, { action: 'ssm:UpdateInstanceInformation', resource: instanceArn })).toBe('Allowed');
    expect(await decide(instance, { action: 'ec2messages:GetMessages', resource: '*' })).toBe('Allowed');
    expect(await decide(instance, { action: 'ssmmessages:OpenControlChannel', resource: '*' })).toBe('Allowed');
    for (const action of ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath']) {
      expect(await decide(instance, { action, resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/database/password` })).toBe('ImplicitlyDenied');
    }
    expect(await decide(instance, { action: 'ssm:GetDocument', resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:document/Internal-Runbook` })).toBe('ImplicitlyDenied');
    expect(await decide(instance, { action: 'kms:Decrypt', resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` })).toBe('ImplicitlyDenied');
  });

  test('reads objects under the staging prefix, and nothing else of any bucket; writes none', async () => {
    expect(await decide(instance, { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/staging/${'a'.repeat(64)}/nginx.conf` })).toBe('Allowed');
    expect(await decide(instance, { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/manifests/web.json` })).toBe('ImplicitlyDenied');
    expect(await decide(instance, { action: 's3:GetObject', resource: `arn:aws:s3:::other-bucket/staging/${'a'.repeat(64)}/nginx.conf` })).toBe('ImplicitlyDenied');
    expect(await decide(instance, { action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/staging/${'a'.repeat(64)}/nginx.conf` })).toBe('ImplicitlyDenied');
    expect(await decide(instance, { action: 's3:DeleteObject', resource: `arn:aws:s3:::${bucket}/staging/${'a'.repeat(64)}/nginx.conf` })).toBe('ImplicitlyDenied');
  });
});
