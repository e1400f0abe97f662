import { Duration, Token } from 'aws-cdk-lib';
import { ISecurityGroup, ISubnet } from 'aws-cdk-lib/aws-ec2';
import { IRole } from 'aws-cdk-lib/aws-iam';
import { REGION } from './distribution-rules';
import { AdHocBounds } from './recipe-policy';

/** What ad-hoc recipes (a bake started with `{"recipe": {...}}`) may do. Whatever is not listed is refused before anything is launched. */
export interface AdHocRecipeBounds {
  /**
   * Owners of the images ad-hoc recipes may bake from: account ids, `self` (the bakery's account) or `amazon`.
   * @default ['self', 'amazon']
   */
  readonly sourceImageOwners?: string[];
  /**
   * Regions ad-hoc recipes may copy their images to (`distribution.regions`).
   * @default - none: ad-hoc images stay in the bakery's region
   */
  readonly copyRegions?: string[];
  /**
   * Accounts ad-hoc images may be shared with (`distribution.sharing.accounts`).
   * @default - none
   */
  readonly shareWithAccounts?: string[];
  /**
   * Organizations ad-hoc images may be shared with, by ARN.
   * @default - none
   */
  readonly shareWithOrganizationArns?: string[];
  /**
   * Organizational units ad-hoc images may be shared with, by ARN.
   * @default - none
   */
  readonly shareWithOrganizationalUnitArns?: string[];
  /**
   * Let ad-hoc recipes make their images public (`distribution.sharing.public`).
   * @default false
   */
  readonly allowPublic?: boolean;
  /**
   * SSM parameter name prefix, such as `/images/ad-hoc/`: ad-hoc recipes may point parameters under it at their
   * images (`distribution.ssmParameter`, in the bakery's region and `copyRegions`) and name parameters under it
   * as their source.
   * @default - ad-hoc recipes point no parameter at their images, and name only public `/aws/service/` parameters as their source
   */
  readonly parameterPrefix?: string;
  /**
   * Roles ad-hoc recipes may name in `distribution.ssmParameterRoles`, to write the parameter in other accounts.
   * @default - none
   */
  readonly parameterRoles?: IRole[];
  /**
   * Subnets ad-hoc recipes may launch into (`instance.subnetIds`).
   * @default - the bakery's own: the subnets of its `vpc`, or the default VPC's
   */
  readonly subnets?: ISubnet[];
  /**
   * Security groups ad-hoc recipes may put the build instance in (`instance.securityGroupIds`).
   * @default - the bakery's own
   */
  readonly securityGroups?: ISecurityGroup[];
  /**
   * The longest ad-hoc recipes may keep a failed build's instance (`keepOnFailureHours`); zero refuses `keepOnFailure`.
   * @default Duration.hours(24)
   */
  readonly maxKeepOnFailure?: Duration;
}

const ACCOUNT_ID = /^\d{12}$/;
const PARAMETER_PREFIX = /^(\/[A-Za-z0-9_.-]+)+\/$/;

/**
 * Whether a bakery accepts ad-hoc recipes (inline documents in the execution input), and within which bounds.
 * Registered recipes (`addRecipe`) are always accepted; ad-hoc ones only with `AdHocRecipes.allow()`.
 */
export class AdHocRecipes {
  /** Accept ad-hoc recipes within these bounds; names of registered recipes stay theirs. */
  public static allow(bounds: AdHocRecipeBounds = {}): AdHocRecipes {
    checkBounds(bounds);
    return new AdHocRecipes(bounds);
  }

  /** Refuse ad-hoc recipes: bakes run registered recipes only. */
  public static deny(): AdHocRecipes {
    return new AdHocRecipes(undefined);
  }

  private constructor(private readonly bounds: AdHocRecipeBounds | undefined) {}

  /** True when ad-hoc recipes are accepted. */
  public get allowed(): boolean {
    return this.bounds !== undefined;
  }

  /**
   * The bounds as Prepare reads them; undefined when ad-hoc recipes are refused.
   * @internal
   */
  public _render(): AdHocBounds | undefined {
    const bounds = this.bounds;
    if (!bounds) return undefined;
    return {
      sourceImageOwners: bounds.sourceImageOwners ?? ['self', 'amazon'],
      copyRegions: bounds.copyRegions ?? [],
      sharing: {
        accounts: bounds.shareWithAccounts ?? [],
        organizationArns: bounds.shareWithOrganizationArns ?? [],
        organizationalUnitArns: bounds.shareWithOrganizationalUnitArns ?? [],
        allowPublic: bounds.allowPublic ?? false,
      },
      ...(bounds.parameterPrefix ? { parameterPrefix: bounds.parameterPrefix } : {}),
      parameterRoles: (bounds.parameterRoles ?? []).map((role) => role.roleArn),
      ...(bounds.subnets ? { subnetIds: bounds.subnets.map((subnet) => subnet.subnetId) } : {}),
      ...(bounds.securityGroups ? { securityGroupIds: bounds.securityGroups.map((group) => group.securityGroupId) } : {}),
      maxKeepOnFailureHours: Math.floor((bounds.maxKeepOnFailure ?? Duration.hours(24)).toHours({ integral: false })),
    };
  }
}

function checkBounds(bounds: AdHocRecipeBounds): void {
  const problems = [
    ...invalid(bounds.copyRegions, REGION, 'copyRegions', 'a region name such as "eu-west-1"'),
    ...invalid(bounds.shareWithAccounts, ACCOUNT_ID, 'shareWithAccounts', 'a 12-digit account id'),
    ...parameterPrefixProblems(bounds.parameterPrefix),
    ...keepProblems(bounds.maxKeepOnFailure),
  ];
  if ((bounds.sourceImageOwners ?? ['self']).length === 0) problems.push('sourceImageOwners must name at least one owner, such as "self" or "amazon"');
  if (problems.length > 0) throw new Error(`AdHocRecipes.allow(): ${problems.join('; ')}.`);
}

function invalid(values: readonly string[] | undefined, pattern: RegExp, field: string, expected: string): string[] {
  return (values ?? []).flatMap((value, index) => (Token.isUnresolved(value) || pattern.test(value) ? [] : [`${field}[${index}] must be ${expected} (got "${value}")`]));
}

function parameterPrefixProblems(prefix: string | undefined): string[] {
  if (prefix === undefined || Token.isUnresolved(prefix)) return [];
  if (!PARAMETER_PREFIX.test(prefix)) return [`parameterPrefix must be a parameter path such as "/images/ad-hoc/", starting and ending with "/" (got "${prefix}")`];
  if (/^\/(aws|ssm|cdk-ami-bakery)\//i.test(prefix)) {
    return [`parameterPrefix "${prefix}" is reserved (AWS's own parameters, or the bakery's registered recipes); choose a path of your own such as "/images/ad-hoc/"`];
  }
  return [];
}

function keepProblems(maxKeep: Duration | undefined): string[] {
  if (maxKeep === undefined || maxKeep.isUnresolved()) return [];
  const hours = maxKeep.toHours({ integral: false });
  return hours < 0 || hours > 168 ? [`maxKeepOnFailure must be between zero and 7 days (got ${maxKeep.toHumanString()})`] : [];
}
