/**
 * What a bakery lets a bake's input do beyond naming a registered recipe, as the construct writes it at synth
 * (environment variable `BAKERY_ENV.recipePolicy` of the Prepare step) and Prepare enforces it: the bounds IAM cannot
 * express, such as the accounts an image may be shared with.
 */

/** The accounts, organizations and OUs ad-hoc images may be shared with. */
export interface SharingBounds {
  readonly accounts: string[];
  readonly organizationArns: string[];
  readonly organizationalUnitArns: string[];
  readonly allowPublic: boolean;
}

/** Bounds of ad-hoc (`{"recipe": ...}`) documents. */
export interface AdHocBounds {
  /** Account ids, `self` or `amazon`. */
  readonly sourceImageOwners: string[];
  readonly copyRegions: string[];
  readonly sharing: SharingBounds;
  /** Parameter name prefix (ending in `/`) for `distribution.ssmParameter` and `source.ssmParameter`; none: no parameter. */
  readonly parameterPrefix?: string;
  /** Role ARNs `distribution.ssmParameterRoles` may name. */
  readonly parameterRoles: string[];
  /** Subnets and security groups the document may name; absent: only the bakery's own (`SUBNET_IDS`, `SECURITY_GROUP_IDS`). */
  readonly subnetIds?: string[];
  readonly securityGroupIds?: string[];
  /** The longest `keepOnFailureHours`; 0: `keepOnFailure` is refused. */
  readonly maxKeepOnFailureHours: number;
}

export interface RecipePolicy {
  /** The bakery's account: `self` among the source image owners. */
  readonly account: string;
  /** Document paths `overrides` may change (see `OVERRIDABLE_FIELDS`). */
  readonly allowOverrides: string[];
  /** Absent: inline documents are refused. */
  readonly adHoc?: AdHocBounds;
}

/** The parameter names public to every account, which any recipe may name as its source. */
export const PUBLIC_PARAMETER_PREFIX = '/aws/service/';
