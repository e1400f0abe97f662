/**
 * Evaluates the synthesized runner policies as IAM would, with tokens resolved for the test stack's account and
 * region (`bakeryStack()`), through `@cloud-copilot/iam-simulate` in its strict mode.
 */
import { runSimulation, Simulation } from '@cloud-copilot/iam-simulate';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveIntrinsics } from '../../local/template-resolver';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

/** A runner step's role and the policies attached to it, with every token resolved. */
export interface Runner {
  readonly step: string;
  readonly roleName: string;
  readonly logGroupName: string;
  readonly policies: { name: string; policy: { Statement: any[] } }[];
}

export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

/** Every runner function's role, with the inline policies attached to it. */
export function runnersOf(synthesized: Template): Runner[] {
  const resources = synthesized.toJSON().Resources;
  const resolve = (value: unknown) => resolveIntrinsics(value, { account: ACCOUNT, region: REGION, resources }) as any;
  const policies = Object.entries(synthesized.findResources('AWS::IAM::Policy'));
  return Object.values(synthesized.findResources('AWS::Lambda::Function')).map((fn) => {
    const roleName: string = fn.Properties.Role['Fn::GetAtt'][0];
    return {
      step: fn.Properties.Environment.Variables.BAKERY_STEP,
      roleName,
      logGroupName: resolve(fn.Properties.LoggingConfig.LogGroup),
      policies: policies
        .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleName))
        .map(([name, policy]) => ({ name, policy: resolve(policy.Properties.PolicyDocument) })),
    };
  });
}

/** The same roles with every Condition removed: what the policies would allow without their tag checks. */
export function withoutConditions(runners: readonly Runner[]): Runner[] {
  return runners.map((runner) => ({
    ...runner,
    policies: runner.policies.map(({ name, policy }) => ({
      name,
      policy: { ...policy, Statement: policy.Statement.map(({ Condition: _condition, ...statement }) => statement) },
    })),
  }));
}

export function simulation(runner: Runner, { action, resource, context = {} }: Request): Simulation {
  return {
    request: {
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${runner.roleName}/${runner.step}`,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: context,
    },
    identityPolicies: runner.policies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
}

/** IAM's decision for one runner; input the simulator cannot evaluate fails the test instead of being ignored. */
export async function decide(runner: Runner, request: Request): Promise<string> {
  const response = await runSimulation(simulation(runner, request), { simulationMode: 'Strict' });
  const about = `simulation of ${request.action} on ${request.resource}`;
  if (response.resultType === 'error') throw new Error(`${about} failed: ${JSON.stringify(response.errors)}`);
  if (response.resultType !== 'single') throw new Error(`${about} was not a single-resource request`);
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) throw new Error(`${about} ignored context keys ${ignored.join(', ')}`);
  return response.overallResult;
}

/** The steps whose roles IAM allows the request, sorted. */
export async function whoMay(runners: readonly Runner[], request: Request): Promise<string[]> {
  const decisions = await Promise.all(runners.map(async (runner) => [runner.step, await decide(runner, request)] as const));
  return decisions.filter(([, decision]) => decision === 'Allowed').map(([step]) => step).sort();
}
