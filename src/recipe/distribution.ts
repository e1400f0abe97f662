import { Duration } from 'aws-cdk-lib';
import { IKey } from 'aws-cdk-lib/aws-kms';

/** Who may launch a recipe's AMIs (and copy their snapshots), in every region that holds one. */
export interface SharingOptions {
  /**
   * AWS account ids (12 digits) that may launch the AMIs; their snapshots get `createVolumePermission` too.
   * @default - no accounts
   */
  readonly accounts?: string[];
  /**
   * AWS Organizations organization ARNs whose accounts may launch the AMIs.
   * @default - no organizations
   */
  readonly organizationArns?: string[];
  /**
   * Organizational unit ARNs whose accounts may launch the AMIs.
   * @default - no OUs
   */
  readonly organizationalUnitArns?: string[];
  /**
   * Let every AWS account launch the AMIs. Refused unless `allowPublic` is also true, and EC2 only makes
   * unencrypted AMIs public (`RecipeOptions.encrypted: false`).
   * @default false
   */
  readonly makePublic?: boolean;
  /**
   * Confirms that `makePublic` is intended.
   * @default false
   */
  readonly allowPublic?: boolean;
}

/** Where a recipe's AMI goes after it is made: copies, sharing and SSM parameters. */
export interface DistributionOptions {
  /**
   * Regions to copy each new AMI to, all at once (not the bakery's own region). A copy that fails fails the
   * bake, and every copy is removed.
   * @default - no copies
   */
  readonly regions?: string[];
  /**
   * The KMS keys that encrypt the copies: at most one per region of `regions`, each used for the copy in its own
   * region (import a key of another region with `Key.fromKeyArn()`). The bakery is allowed to use each through EC2
   * when the recipe is added.
   * @default - each region's default EBS key
   */
  readonly kmsKeys?: IKey[];
  /**
   * Who may launch the AMIs.
   * @default - only this account
   */
  readonly sharing?: SharingOptions;
  /**
   * An SSM parameter set to the new AMI id (data type `aws:ec2:image`) in every region that holds it, for
   * `resolve:ssm:` in launch templates.
   * @default - no parameter
   */
  readonly ssmParameterName?: string;
  /**
   * Role ARNs in other accounts the bakery assumes to write `ssmParameterName` there too; each account must be
   * one the AMIs are shared with.
   * @default - this account only
   */
  readonly ssmParameterRoles?: string[];
  /**
   * How long to wait for each copy to become available.
   * @default Duration.hours(2)
   */
  readonly copyTimeout?: Duration;
}
