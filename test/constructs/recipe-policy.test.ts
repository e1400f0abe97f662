/**
 * What a bakery lets a bake's input do beyond naming a registered recipe, checked at synth and written for
 * Prepare (`RECIPE_POLICY`): no field that decides where an image goes, who may use it, what is deleted, which role
 * is assumed, where the build instance runs or how long it stays can ever be overridden.
 */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Subnet } from 'aws-cdk-lib/aws-ec2';
import { bakeryStack } from './stack';
import { AdHocRecipes } from '../../src';
import { PROTECTED_FIELDS } from '../../src/recipe/overridable-fields';

function policyOf(template: Template): any {
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  const prepare: any = functions.find((fn: any) => fn.Properties.Environment.Variables.BAKERY_STEP === 'prepare');
  const value = prepare.Properties.Environment.Variables.RECIPE_POLICY;
  return JSON.parse(typeof value === 'string' ? value : JSON.stringify(value));
}

describe('allowOverrides', () => {
  test('by default no field, and ad-hoc recipes refused: the policy names only the account', () => {
    const { template } = bakeryStack();
    expect(policyOf(template)).toEqual({ account: '111122223333', allowOverrides: [] });
  });

  test('named fields are written for Prepare', () => {
    const { template } = bakeryStack({ allowOverrides: ['ami.description', 'ami.tags', 'instance.types'] });
    expect(policyOf(template).allowOverrides).toEqual(['ami.description', 'ami.tags', 'instance.types']);
  });

  test.each(Object.keys(PROTECTED_FIELDS))('%s can never be allowed, and the error says why', (field) => {
    expect(() => bakeryStack({ allowOverrides: [field] })).toThrow(new RegExp(`^AmiBakery: allowOverrides: "${field.replace('.', '\\.')}" can never be overridden: ${PROTECTED_FIELDS[field].replace(/[()]/g, '\\$&')}\\.$`));
  });

  test('a field that holds a protected one is refused, pointing at the fields beneath it', () => {
    expect(() => bakeryStack({ allowOverrides: ['ami'] })).toThrow(
      '"ami" holds "ami.forceDeregister", which can never be overridden (it decides which images are deleted); name the fields beneath it instead, such as "ami.name"');
    expect(() => bakeryStack({ allowOverrides: ['distribution.regions'] })).toThrow(/"distribution\.regions" can never be overridden: it decides where the image goes/);
  });

  test('an unknown field is refused, listing those that can be overridden', () => {
    expect(() => bakeryStack({ allowOverrides: ['ami.descripton'] })).toThrow(/"ami\.descripton" is not a recipe field that can be overridden; use one of description, steps/);
  });

  test('a field beneath an overridable one is accepted', () => {
    expect(() => bakeryStack({ allowOverrides: ['ami.tags.Team', 'timeouts.agentOnlineSeconds'] })).not.toThrow();
  });
});

describe('AdHocRecipes', () => {
  test('allow() with no bounds: images of the account and Amazon only, no copies, sharing, parameters or roles, a day\'s keep', () => {
    const { template } = bakeryStack({ adHocRecipes: AdHocRecipes.allow() });
    expect(policyOf(template).adHoc).toEqual({
      sourceImageOwners: ['self', 'amazon'],
      copyRegions: [],
      sharing: { accounts: [], organizationArns: [], organizationalUnitArns: [], allowPublic: false },
      parameterRoles: [],
      maxKeepOnFailureHours: 24,
    });
  });

  test('declared bounds are written as Prepare checks them, subnets by id', () => {
    const { template } = bakeryStack((stack) => ({
      adHocRecipes: AdHocRecipes.allow({
        copyRegions: ['eu-central-1'],
        shareWithAccounts: ['444455556666'],
        allowPublic: true,
        parameterPrefix: '/images/ad-hoc/',
        subnets: [Subnet.fromSubnetId(stack, 'Subnet', 'subnet-0123456789abcdef0')],
        maxKeepOnFailure: Duration.hours(4),
      }),
    }));
    expect(policyOf(template).adHoc).toMatchObject({
      copyRegions: ['eu-central-1'],
      sharing: { accounts: ['444455556666'], allowPublic: true },
      parameterPrefix: '/images/ad-hoc/',
      subnetIds: ['subnet-0123456789abcdef0'],
      maxKeepOnFailureHours: 4,
    });
    expect(AdHocRecipes.allow().allowed).toBe(true);
    expect(AdHocRecipes.deny().allowed).toBe(false);
  });

  test.each([
    [{ copyRegions: ['Frankfurt'] }, 'copyRegions[0] must be a region name such as "eu-west-1" (got "Frankfurt")'],
    [{ shareWithAccounts: ['4444'] }, 'shareWithAccounts[0] must be a 12-digit account id (got "4444")'],
    [{ parameterPrefix: '/' }, 'parameterPrefix must be a parameter path such as "/images/ad-hoc/", starting and ending with "/" (got "/")'],
    [{ parameterPrefix: 'images' }, 'parameterPrefix must be a parameter path such as "/images/ad-hoc/"'],
    [{ parameterPrefix: '/cdk-ami-bakery/' }, 'parameterPrefix "/cdk-ami-bakery/" is reserved'],
    [{ parameterPrefix: '/aws/service/' }, 'parameterPrefix "/aws/service/" is reserved'],
    [{ maxKeepOnFailure: Duration.days(8) }, 'maxKeepOnFailure must be between zero and 7 days (got 8 days)'],
    [{ sourceImageOwners: [] }, 'sourceImageOwners must name at least one owner'],
  ])('bad bounds fail at synth: %j', (bounds, message) => {
    expect(() => AdHocRecipes.allow(bounds)).toThrow(message);
  });
});
