/**
 * The runner functions' environment: the names the construct sets and the handlers read (at call time, so one
 * process can run every step with different settings, as the simulator does).
 *
 * | variable | used by | meaning |
 * | --- | --- | --- |
 * | `BAKERY_ID` | prepare | id of the `AmiBakery` construct; tagged on everything a bake creates |
 * | `RECIPE_CATALOG_BUCKET`, `RECIPE_CATALOG_KEY` | prepare | the S3 object of the recipe catalog, the registered recipes' documents |
 * | `RECIPE_CATALOG_VALUES` | prepare | JSON array: the deployed values of the catalog's placeholders (tokens at synth) |
 * | `INSTANCE_PROFILE_NAME` | launch | instance profile of the build instance (what the SSM agent needs) |
 * | `SUBNET_IDS` | launch | comma list of subnets to try when the recipe names none (may be empty: default VPC) |
 * | `SECURITY_GROUP_IDS` | launch | comma list of security groups when the recipe names none (may be empty) |
 * | `OUTPUT_LOG_GROUP` | run-step, check-step | CloudWatch Logs group that receives the full command output (optional) |
 * | `MAX_BAKE_SECONDS` | sweep-orphans | the state machine's timeout: nothing older belongs to a running bake |
 * | `MANIFEST_BUCKET` | finish, cleanup-failure | S3 bucket that receives a copy of every manifest (optional) |
 * | `MANIFEST_PREFIX` | finish, cleanup-failure | key prefix of those manifests (default `manifests/`) |
 * | `COPY_REGIONS` | sweep-orphans | comma list of the regions the registered recipes and the ad-hoc bounds copy to |
 * | `STATE_MACHINE_ARN` | sweep-orphans | the bakery's state machine: only its executions' resources are swept |
 * | `COMMAND_DOCUMENTS` | prepare | comma list of the SSM documents beyond the bundled catalog that registered recipes run |
 * | `STAGING_LOCATION` | prepare, run-step | `s3://<bucket>/staging/`: where the files of script, file and ansible steps are staged |
 * | `STAGED_FILES_DOCUMENT` | run-step | the bakery's SSM document that downloads staged files, checks them and runs a step with them |
 * | `RECIPE_POLICY` | prepare | JSON: the account, the fields `overrides` may change, and the bounds of ad-hoc recipes (none: refused) |
 * | `BAKERY_STEP` | logger, simulator | the step the function runs (`STEP_NAMES`), shown in every log line |
 * | `WAIT_REGISTRY` | run-step, the checks that events wake | `s3://<bucket>/waits/`: where waiting tasks register their tokens |
 *
 * Lambda sets `AWS_REGION`, which prepare and finish read as the region the bake runs in.
 */
export const BAKERY_ENV = {
  bakeryId: 'BAKERY_ID',
  recipeCatalogBucket: 'RECIPE_CATALOG_BUCKET',
  recipeCatalogKey: 'RECIPE_CATALOG_KEY',
  recipeCatalogValues: 'RECIPE_CATALOG_VALUES',
  instanceProfileName: 'INSTANCE_PROFILE_NAME',
  subnetIds: 'SUBNET_IDS',
  securityGroupIds: 'SECURITY_GROUP_IDS',
  outputLogGroup: 'OUTPUT_LOG_GROUP',
  maxBakeSeconds: 'MAX_BAKE_SECONDS',
  manifestBucket: 'MANIFEST_BUCKET',
  manifestPrefix: 'MANIFEST_PREFIX',
  copyRegions: 'COPY_REGIONS',
  stateMachineArn: 'STATE_MACHINE_ARN',
  commandDocuments: 'COMMAND_DOCUMENTS',
  stagingLocation: 'STAGING_LOCATION',
  stagedFilesDocument: 'STAGED_FILES_DOCUMENT',
  recipePolicy: 'RECIPE_POLICY',
  step: 'BAKERY_STEP',
  waitRegistry: 'WAIT_REGISTRY',
} as const;
