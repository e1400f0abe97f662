/**
 * Whoever may only start bakes cannot make the runner do what the app did not declare. The runner's synthesized
 * policies, evaluated as IAM would, allow parameters, roles, copies and networks that registered recipes or the
 * ad-hoc bounds name, and nothing else; each "may not" is paired with the "may" of a declared one, so a denial
 * proves the scope, not a typo in an ARN. What IAM cannot express (sharing targets, retention, keepOnFailure)
 * Prepare enforces: test/lambda/prepare-policy.test.ts and test/workflow/ad-hoc-recipes.test.ts.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Role } from 'aws-cdk-lib/aws-iam';
import { Alias, Key } from 'aws-cdk-lib/aws-kms';
import { ACCOUNT, REGION, Runner, runnersOf, whoMay } from './iam-evaluation';
import { allStatements, bakeryStack } from './stack';
import { AdHocRecipes, AmiBakery, ProvisionStep, SourceImage } from '../../src';

const PARTNER = '444455556666';
const DECLARED_ROLE = `arn:aws:iam::${PARTNER}:role/ami-parameter-writer`;
const AD_HOC_ROLE = `arn:aws:iam::${PARTNER}:role/ad-hoc-parameter-writer`;
const AD_HOC_SUBNET = 'subnet-0adc0adc0adc0adc0';
const AD_HOC_GROUP = 'sg-0adc0adc0adc0adc0';

function registerWeb(bakery: AmiBakery): void {
  bakery.addRecipe('Web', {
    source: SourceImage.fromSsmParameter('/images/golden/base'),
    steps: [ProvisionStep.shell({ commands: ['true'] })],
    kmsKey: Alias.fromAliasName(bakery, 'ImageKey', 'alias/images'),
    distribution: {
      regions: ['eu-central-1'],
      kmsKeys: [Key.fromKeyArn(bakery, 'CopyKey', `arn:aws:kms:eu-central-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`)],
      sharing: { accounts: [PARTNER] },
      ssmParameterName: '/images/web/latest',
      ssmParameterRoles: [DECLARED_ROLE],
    },
  });
}

/** A bakery in a VPC with one registered recipe, and ad-hoc recipes within bounds. */
const { template, bakery } = bakeryStack((scope: Stack) => ({
  vpc: new Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 1 }),
  adHocRecipes: AdHocRecipes.allow({
    copyRegions: ['us-east-2'],
    parameterPrefix: '/images/ad-hoc/',
    parameterRoles: [Role.fromRoleArn(scope, 'AdHocRole', AD_HOC_ROLE)],
    subnets: [Subnet.fromSubnetId(scope, 'AdHocSubnet', AD_HOC_SUBNET)],
    securityGroups: [SecurityGroup.fromSecurityGroupId(scope, 'AdHocGroup', AD_HOC_GROUP)],
  }),
}), registerWeb);
const RUNNERS = runnersOf(template);

/** A stack whose bakery registers the recipe and allows nothing ad hoc, in the default VPC. */
const DEFAULTS = bakeryStack({}, registerWeb);
const DEFAULT_RUNNERS = runnersOf(DEFAULTS.template);

const parameter = (name: string, region = REGION) => `arn:aws:ssm:${region}:${ACCOUNT}:parameter${name}`;
const may = (request: { action: string; resource: string; context?: Record<string, string | string[]> }, runners: Runner[] = RUNNERS) =>
  whoMay(runners, request);

describe('what the synthesized policies hold', () => {
  test.each([['a bakery with ad-hoc bounds', template], ['a bakery of registered recipes', DEFAULTS.template]])('%s: no wildcard parameter, role or managed policy', (_what, synthesized: Template) => {
    const statements = allStatements(synthesized);
    const resourcesOf = (action: string) => statements.filter((statement) => [statement.Action].flat().includes(action))
      .flatMap((statement) => [statement.Resource].flat()).map((resource) => JSON.stringify(resource));
    for (const resource of resourcesOf('ssm:PutParameter')) expect(resource).not.toMatch(/parameter\/\*"/);
    for (const resource of resourcesOf('sts:AssumeRole')) expect(resource).not.toMatch(/role\/\*|iam::\*/);
    expect(JSON.stringify(synthesized.toJSON())).not.toContain('AmazonSSMManagedInstanceCore');
  });

  test('no role may be assumed when no recipe or bound names one', () => {
    const { template: bare } = bakeryStack({ adHocRecipes: AdHocRecipes.allow() });
    expect(allStatements(bare).filter((statement) => [statement.Action].flat().includes('sts:AssumeRole'))).toEqual([]);
  });
});

describe('(a) SSM parameters: only the registered recipes\' names in their regions, and the ad-hoc prefix', () => {
  const writers = ['abort-cleanup', 'cleanup-failure', 'distribute', 'sweep-orphans'];

  test('the registered recipe\'s parameter, in the bakery\'s region and its copy region', async () => {
    expect(await may({ action: 'ssm:PutParameter', resource: parameter('/images/web/latest') })).toEqual(writers);
    expect(await may({ action: 'ssm:PutParameter', resource: parameter('/images/web/latest', 'eu-central-1') })).toEqual(writers);
    expect(await may({ action: 'ssm:DeleteParameter', resource: parameter('/images/web/latest') })).toEqual(writers);
  });

  test('no other parameter: not /images/prod/latest, not the registered one in another region, not the bakery\'s recipes', async () => {
    for (const resource of [
      parameter('/images/prod/latest'), parameter('/images/web/latest', 'ap-south-1'), parameter(`/cdk-ami-bakery/${bakery.bakeryId}/recipes/web`),
      parameter('/images/ad-hoc'), parameter('/images/ad-hoc/web', 'ap-south-1'),
    ]) {
      expect(await may({ action: 'ssm:PutParameter', resource })).toEqual([]);
      expect(await may({ action: 'ssm:DeleteParameter', resource })).toEqual([]);
    }
  });

  test('ad-hoc recipes write under their prefix, in the bakery\'s region and their copy regions', async () => {
    expect(await may({ action: 'ssm:PutParameter', resource: parameter('/images/ad-hoc/web') })).toEqual(writers);
    expect(await may({ action: 'ssm:PutParameter', resource: parameter('/images/ad-hoc/web', 'us-east-2') })).toEqual(writers);
  });

  test('without ad-hoc bounds there is no prefix', async () => {
    expect(await may({ action: 'ssm:PutParameter', resource: parameter('/images/ad-hoc/web') }, DEFAULT_RUNNERS)).toEqual([]);
    expect(await may({ action: 'ssm:PutParameter', resource: parameter('/images/web/latest') }, DEFAULT_RUNNERS)).toEqual(writers);
  });

  test('Prepare reads the public parameters, the registered sources, and the ad-hoc prefix: no other parameter', async () => {
    const reads = (resource: string) => may({ action: 'ssm:GetParameter', resource });
    expect(await reads(parameter('/images/golden/base'))).toEqual(['prepare']);
    // Registered recipes are in the recipe catalog, an S3 object, not in parameters.
    expect(await reads(parameter(`/cdk-ami-bakery/${bakery.bakeryId}/recipes/web`))).toEqual([]);
    expect(await reads(parameter('/images/ad-hoc/base'))).toContain('prepare');
    expect(await reads(parameter('/app/database/password'))).toEqual([]);
  });
});

describe('(b) roles: only those the recipes or the bounds name', () => {
  const assume = (resource: string, runners?: Runner[]) => may({ action: 'sts:AssumeRole', resource }, runners);

  test('the declared roles may be assumed to write the parameter in other accounts', async () => {
    expect(await assume(DECLARED_ROLE)).toEqual(['cleanup-failure', 'distribute']);
    expect(await assume(AD_HOC_ROLE)).toEqual(['cleanup-failure', 'distribute']);
  });

  test('no other role, in this account or another', async () => {
    for (const role of [`arn:aws:iam::${PARTNER}:role/Admin`, `arn:aws:iam::${ACCOUNT}:role/Admin`, 'arn:aws:iam::999988887777:role/ami-parameter-writer']) {
      expect(await assume(role)).toEqual([]);
    }
    expect(await assume(AD_HOC_ROLE, DEFAULT_RUNNERS)).toEqual([]);
  });
});

describe('(e) network: only the declared subnets and security groups', () => {
  const ec2 = (resource: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${resource}`;
  const resolvedIds = (type: string) => Object.keys(template.findResources(type));

  test('the bakery\'s own subnets and group, and the ad-hoc ones', async () => {
    const subnets = resolvedIds('AWS::EC2::Subnet').filter((id) => id.includes('Private'));
    expect(subnets.length).toBe(2);
    for (const subnet of subnets) expect(await may({ action: 'ec2:RunInstances', resource: ec2(`subnet/${subnet}`) })).toEqual(['launch']);
    const group = resolvedIds('AWS::EC2::SecurityGroup').find((id) => id.startsWith('BakeryBuildInstanceSecurityGroup'))!;
    expect(await may({ action: 'ec2:RunInstances', resource: ec2(`security-group/${group}`) })).toEqual(['launch']);
    expect(await may({ action: 'ec2:RunInstances', resource: ec2(`subnet/${AD_HOC_SUBNET}`) })).toEqual(['launch']);
    expect(await may({ action: 'ec2:RunInstances', resource: ec2(`security-group/${AD_HOC_GROUP}`) })).toEqual(['launch']);
  });

  test('no other subnet or group of the account', async () => {
    expect(await may({ action: 'ec2:RunInstances', resource: ec2('subnet/subnet-0123456789abcdef0') })).toEqual([]);
    expect(await may({ action: 'ec2:RunInstances', resource: ec2('security-group/sg-0123456789abcdef0') })).toEqual([]);
    const publicSubnet = resolvedIds('AWS::EC2::Subnet').find((id) => id.includes('Public'))!;
    expect(await may({ action: 'ec2:RunInstances', resource: ec2(`subnet/${publicSubnet}`) })).toEqual([]);
  });

  test('in the default VPC, which IAM cannot name, any subnet: Prepare refuses those not declared', async () => {
    expect(await may({ action: 'ec2:RunInstances', resource: ec2('subnet/subnet-0123456789abcdef0') }, DEFAULT_RUNNERS)).toEqual(['launch']);
  });
});

describe('copies: only into the declared regions', () => {
  const tagged = { ['aws:RequestTag/cdk-ami-bakery:bakery']: bakery.bakeryId, 'aws:TagKeys': ['cdk-ami-bakery:bakery'] };
  const copyInto = (region: string, runners?: Runner[]) =>
    may({ action: 'ec2:CopyImage', resource: `arn:aws:ec2:${region}::image/ami-0123456789abcdef0`, context: tagged }, runners);

  test('the registered recipe\'s region and the ad-hoc copy regions', async () => {
    expect(await copyInto('eu-central-1')).toEqual(['copy-image']);
    expect(await copyInto('us-east-2')).toEqual(['copy-image']);
  });

  test('no other region', async () => {
    expect(await copyInto('ap-south-1')).toEqual([]);
    expect(await copyInto('us-east-2', DEFAULT_RUNNERS)).toEqual([]);
  });
});
