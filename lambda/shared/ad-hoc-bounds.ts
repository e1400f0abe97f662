/**
 * The bounds an app sets on ad-hoc recipes (`AdHocRecipes.allow()`), checked by Prepare on the document before
 * any EC2 call, and on the source image once it is resolved. Each problem names the field, the bound and the fix.
 */
import type { Image } from '@aws-sdk/client-ec2';
import { DEFAULT_KEEP_ON_FAILURE_HOURS } from './recipe-defaults';
import type { RecipeDocument } from './recipe-schema';
import { AdHocBounds, PUBLIC_PARAMETER_PREFIX } from '../../src/recipe/recipe-policy';

/** The bakery's own network, which ad-hoc recipes may use unless the bounds name another. */
export interface BakeryNetwork {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

const FIX = 'register the recipe with addRecipe(), or widen AdHocRecipes.allow() in the CDK app';

/** Everything in the document outside the bounds. */
export function adHocProblems(recipe: RecipeDocument, bounds: AdHocBounds, network: BakeryNetwork): string[] {
  const distribution = recipe.distribution;
  const sharing = distribution?.sharing;
  return [
    ...sourceProblems(recipe, bounds),
    ...outside('distribution.regions', distribution?.regions, bounds.copyRegions, 'copyRegions'),
    ...outside('distribution.sharing.accounts', sharing?.accounts, bounds.sharing.accounts, 'shareWithAccounts'),
    ...outside('distribution.sharing.organizationArns', sharing?.organizationArns, bounds.sharing.organizationArns, 'shareWithOrganizationArns'),
    ...outside('distribution.sharing.organizationalUnitArns', sharing?.organizationalUnitArns, bounds.sharing.organizationalUnitArns,
      'shareWithOrganizationalUnitArns'),
    ...(sharing?.public === true && !bounds.sharing.allowPublic
      ? [`distribution.sharing.public: this bakery does not let ad-hoc recipes make images public (allowPublic); ${FIX}`] : []),
    ...parameterProblems(distribution?.ssmParameter, bounds.parameterPrefix),
    ...outside('distribution.ssmParameterRoles', distribution?.ssmParameterRoles, bounds.parameterRoles, 'parameterRoles'),
    ...outside('instance.subnetIds', recipe.instance?.subnetIds, bounds.subnetIds ?? network.subnetIds,
      bounds.subnetIds ? 'subnets' : 'subnets, by default the bakery\'s own'),
    ...outside('instance.securityGroupIds', recipe.instance?.securityGroupIds, bounds.securityGroupIds ?? network.securityGroupIds,
      bounds.securityGroupIds ? 'securityGroups' : 'securityGroups, by default the bakery\'s own'),
    ...keepProblems(recipe, bounds.maxKeepOnFailureHours),
  ];
}

/** The problem with a resolved source image whose owner is outside `sourceImageOwners`, if any. */
export function sourceOwnerProblem(image: Image, bounds: AdHocBounds, account: string): string | undefined {
  if (ownerAllowed(bounds.sourceImageOwners, image, account)) return undefined;
  const owner = image.ImageOwnerAlias ? `${image.OwnerId} (${image.ImageOwnerAlias})` : image.OwnerId;
  return `source: image ${image.ImageId} belongs to ${owner}, outside this bakery's bounds for ad-hoc recipes ` +
    `(sourceImageOwners: ${bounds.sourceImageOwners.join(', ')}); ${FIX}`;
}

function ownerAllowed(owners: readonly string[], image: Image, account: string): boolean {
  return owners.some((owner) => owner === image.OwnerId || (owner === 'self' && image.OwnerId === account)
    || (image.ImageOwnerAlias !== undefined && owner === image.ImageOwnerAlias));
}

function sourceProblems(recipe: RecipeDocument, bounds: AdHocBounds): string[] {
  const parameter = recipe.source.ssmParameter;
  const prefixes = [PUBLIC_PARAMETER_PREFIX, ...(bounds.parameterPrefix ? [bounds.parameterPrefix] : [])];
  if (parameter !== undefined && !prefixes.some((prefix) => parameter.startsWith(prefix))) {
    return [`source.ssmParameter: ${parameter} is outside this bakery's bounds for ad-hoc recipes, which may name parameters under ` +
      `${prefixes.join(' or ')} (parameterPrefix); ${FIX}`];
  }
  const owners = recipe.source.filter?.owners ?? [];
  return owners.flatMap((owner, index) => (bounds.sourceImageOwners.includes(owner) ? [] : [
    `source.filter.owners[${index}]: "${owner}" is outside this bakery's bounds for ad-hoc recipes (sourceImageOwners: ` +
    `${bounds.sourceImageOwners.join(', ')}); ${FIX}`,
  ]));
}

function parameterProblems(name: string | undefined, prefix: string | undefined): string[] {
  if (name === undefined) return [];
  if (prefix === undefined) return [`distribution.ssmParameter: this bakery lets ad-hoc recipes point no SSM parameter at their images (parameterPrefix); ${FIX}`];
  if (name.startsWith(prefix)) return [];
  return [`distribution.ssmParameter: ${name} is outside this bakery's bounds for ad-hoc recipes, which may write parameters under ${prefix} (parameterPrefix); ${FIX}`];
}

function keepProblems(recipe: RecipeDocument, maxHours: number): string[] {
  if (recipe.keepOnFailure !== true) return [];
  const hours = recipe.keepOnFailureHours ?? DEFAULT_KEEP_ON_FAILURE_HOURS;
  if (hours <= maxHours) return [];
  const field = recipe.keepOnFailureHours === undefined ? 'keepOnFailure' : 'keepOnFailureHours';
  return [maxHours === 0
    ? `${field}: this bakery does not let ad-hoc recipes keep a failed build's instance (maxKeepOnFailure); ${FIX}`
    : `${field}: ${hours} hours is longer than this bakery lets ad-hoc recipes keep a failed build's instance (maxKeepOnFailure: ` +
      `${maxHours} hours); set keepOnFailureHours to at most ${maxHours}, or ${FIX}`];
}

/** The entries of `values` not in `allowed`, one problem each. */
function outside(field: string, values: readonly string[] | undefined, allowed: readonly string[], bound: string): string[] {
  return (values ?? []).flatMap((value, index) => (allowed.includes(value) ? [] : [
    `${field}[${index}]: ${value} is outside this bakery's bounds for ad-hoc recipes (${bound}: ${allowed.join(', ') || 'none'}); ${FIX}`,
  ]));
}
