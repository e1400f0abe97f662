/**
 * Only the bakery announces its bakes, and only the principals a recipe granted may start it by event: the
 * bakery's event bus policy, evaluated as IAM would against principals whose own policies allow
 * `events:PutEvents` on every bus (as broad developer or CI roles often do).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Template } from 'aws-cdk-lib/assertions';
import { Group, Role, ServicePrincipal, User } from 'aws-cdk-lib/aws-iam';
import { ACCOUNT, REGION } from './iam-evaluation';
import { bakeryStack } from './stack';
import { resolveIntrinsics } from '../../local/template-resolver';
import { ProvisionStep, SourceImage } from '../../src';

const web = { recipeName: 'web', source: SourceImage.ubuntu(), steps: [ProvisionStep.shell({ commands: ['true'] })] };
const { template } = bakeryStack({}, (bakery, stack) => {
  bakery.addRecipe('Web', web).grantStartBake(new Role(stack, 'Ci', { assumedBy: new ServicePrincipal('codebuild.amazonaws.com') }));
  bakery.addRecipe('Api', { ...web, recipeName: 'api' });
});
const resources = template.toJSON().Resources;
const resolve = (value: unknown) => resolveIntrinsics(value, { account: ACCOUNT, region: REGION, resources }) as any;
const busId = Object.keys(template.findResources('AWS::Events::EventBus'))[0];
const BUS = resolve({ 'Fn::GetAtt': [busId, 'Arn'] });
const role = (prefix: string) => `arn:aws:iam::${ACCOUNT}:role/${Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith(prefix))}`;

/** The bus's resource policy, as CloudFormation puts it together from its statements. */
function busPolicy(synthesized: Template): any {
  const statements = Object.values(synthesized.findResources('AWS::Events::EventBusPolicy')).map((policy: any) => resolve(policy.Properties.Statement));
  return { Version: '2012-10-17', Statement: statements };
}

/** IAM's decision for a principal whose identity policy allows PutEvents on every bus. */
async function putEvents(principal: string, source: string, detailType: string): Promise<string> {
  const response = await runSimulation({
    request: {
      principal,
      action: 'events:PutEvents',
      resource: { resource: BUS, accountId: ACCOUNT },
      contextVariables: { 'events:source': [source], 'events:detail-type': [detailType], 'aws:PrincipalArn': principal },
    },
    identityPolicies: [{ name: 'broad', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: '*' }] } }],
    resourcePolicy: busPolicy(template),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, { simulationMode: 'Strict' });
  if (response.resultType !== 'single') throw new Error(`simulation failed: ${JSON.stringify(response)}`);
  return response.overallResult;
}

describe('the bakery\'s event bus', () => {
  test('only the state machine\'s role may announce a bake', async () => {
    expect(await putEvents(role('BakeryStateMachineRole'), 'cdk-ami-bakery', 'Bake Succeeded')).toBe('Allowed');
    expect(await putEvents(role('Ci'), 'cdk-ami-bakery', 'Bake Succeeded')).toBe('ExplicitlyDenied');
    expect(await putEvents(`arn:aws:iam::${ACCOUNT}:role/Developer`, 'cdk-ami-bakery', 'Bake Failed')).toBe('ExplicitlyDenied');
  });

  test('only the principals granted a recipe may put its start events', async () => {
    expect(await putEvents(role('Ci'), 'cdk-ami-bakery.start', 'Start Bake: web')).toBe('Allowed');
    expect(await putEvents(`arn:aws:iam::${ACCOUNT}:role/Developer`, 'cdk-ami-bakery.start', 'Start Bake: web')).toBe('ExplicitlyDenied');
  });

  test('a recipe no one was granted has no start rule, so its start events start nothing', () => {
    const startRules = Object.values(template.findResources('AWS::Events::Rule')).filter((rule: any) => rule.Properties.EventPattern?.source?.[0] === 'cdk-ami-bakery.start');
    expect(startRules.map((rule: any) => rule.Properties.EventPattern['detail-type'])).toEqual([['Start Bake: web']]);
  });

  test('a start grant names its principal by ARN: a group cannot be named, and is refused at synth', () => {
    expect(() => bakeryStack({}, (bakery, stack) => bakery.addRecipe('Web', web).grantStartBake(new Group(stack, 'Operators'))))
      .toThrow(/grantStartBake \(Start Bake: web\): grant it to a role or a user/);
    expect(() => bakeryStack({}, (bakery, stack) => bakery.addRecipe('Web', web).grantStartBake(new User(stack, 'Operator')))).not.toThrow();
  });
});
