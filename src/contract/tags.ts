/**
 * The tag keys of the bakery: on everything a bake creates (so cleanup, the audit in the last step and the orphan
 * sweeper find it even after an abort), and on the state machine (read by the CLI). IAM conditions, the handlers,
 * the simulator, the CLI and the recipe schema (which keeps recipes from setting them) all use these.
 */

/** Prefix of every tag key of the bakery; recipes may not set tags under it. */
export const BAKERY_TAG_PREFIX = 'cdk-ami-bakery:';

/** The tag naming the bakery (its `bakeryId`): the runner's IAM conditions match on it. */
export const BAKERY_TAG = `${BAKERY_TAG_PREFIX}bakery`;

/** The tag on the state machine naming the log group that receives the provisioning commands' output (read by the CLI). */
export const OUTPUT_LOG_GROUP_TAG = `${BAKERY_TAG_PREFIX}output-log-group`;

/** The tag on the state machine naming the staging location (`s3://<bucket>/staging/`), where the CLI uploads a recipe's files. */
export const STAGING_LOCATION_TAG = `${BAKERY_TAG_PREFIX}staging-location`;

/** The object tag that makes a staged file expire (what `bakery build` uploads; a CDK recipe's files stay). */
export const EXPIRES_TAG = `${BAKERY_TAG_PREFIX}expires`;

/** The bakery's own tag keys. */
export const TAG_KEYS = {
  /** Id of the `AmiBakery` construct that ran the bake. */
  bakery: BAKERY_TAG,
  /** The build id (the Step Functions execution name). */
  buildId: `${BAKERY_TAG_PREFIX}build-id`,
  /** The recipe name. */
  recipe: `${BAKERY_TAG_PREFIX}recipe`,
  /** The source AMI id (images and snapshots only). */
  sourceAmi: `${BAKERY_TAG_PREFIX}source-ami`,
  /** A hash of the recipe document the image was baked from (images and snapshots only; `rebuild: "whenSourceChanges"`). */
  recipeHash: `${BAKERY_TAG_PREFIX}recipe-hash`,
  /**
   * The SSM parameter the bake points at its images (`distribution.ssmParameter`, when it fits in a tag), so
   * cleanup after a stop or a timeout can put the parameter back.
   */
  ssmParameter: `${BAKERY_TAG_PREFIX}ssm-parameter`,
  /** Set by the final cleanup on the image a bake handed over; the orphan sweeper never touches those. */
  artifact: `${BAKERY_TAG_PREFIX}artifact`,
  /** The regions the image is copied to (space-separated), so cleanup after an abort knows where to look. */
  copyRegions: `${BAKERY_TAG_PREFIX}copy-regions`,
  /** `true` on an image whose tests passed (and its snapshots and copies), `false` on one a failed test left (`keepUntestedImage`). */
  tested: `${BAKERY_TAG_PREFIX}tested`,
  /** ISO time until which an instance kept for inspection (`keepOnFailure`) is left alone. */
  keepUntil: `${BAKERY_TAG_PREFIX}keep-until`,
  /** `true` on everything an ad-hoc recipe (an inline document) made; retention and forceDeregister keep the two kinds apart. */
  adHoc: `${BAKERY_TAG_PREFIX}ad-hoc`,
} as const;
