/**
 * What the bakery deploys for steps that bring files (`script`, `file`, `ansible`): a private staging
 * bucket whose `staging/` objects expire, and an SSM document of its own that downloads a step's layout
 * with `aws:downloadContent` (the instance role's credentials, no AWS CLI on the image) and runs the
 * step's script with it. The instance role may read the staging prefix and nothing else in S3.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { IGrantable, IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnDocument } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import {
  formatStagingLocation, STAGED_RUN_STEP, STAGED_RUN_STEP_WINDOWS, STAGING_DIRECTORY, STAGING_PREFIX, WINDOWS_STAGING_DIRECTORY,
} from './staging-location';
import { EXPIRES_TAG } from '../contract';
import { EXECUTION_TIMEOUT_48H_PATTERN } from '../recipe/aws-documents';
import { WAIT_REGISTRY_PREFIX } from '../workflow/wait-events';

export interface StagingProps {
  readonly bakeryId: string;
  readonly instanceRole: IRole;
  readonly expiration: Duration;
  readonly removalPolicy: RemovalPolicy;
}

export interface Staging {
  readonly bucket: IBucket;
  /** `s3://<bucket>/staging/`. */
  readonly location: string;
  /** The name of the staged-files document. */
  readonly documentName: string;
}

export function createStaging(scope: Construct, props: StagingProps): Staging {
  const bucket = new Bucket(scope, 'Staging', {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    removalPolicy: props.removalPolicy,
    // What bakery build uploads is tagged to expire; what a CDK recipe ships stays while its stack does.
    // A wait's registration outlives its bake only when the bake ended mid-wait; a day later it is gone.
    lifecycleRules: [
      { prefix: STAGING_PREFIX, tagFilters: { [EXPIRES_TAG]: 'true' }, expiration: props.expiration },
      { prefix: WAIT_REGISTRY_PREFIX, expiration: Duration.days(1) },
    ],
  });
  grantStagedRead(bucket, props.instanceRole);
  // aws:downloadContent lists a folder's objects before it downloads them.
  props.instanceRole.addToPrincipalPolicy(new PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [`${STAGING_PREFIX}*`] } },
  }));
  const documentName = `cdk-ami-bakery-${props.bakeryId}-staged-files`.slice(0, 128);
  new CfnDocument(scope, 'StagedFilesDocument', {
    name: documentName,
    documentType: 'Command',
    documentFormat: 'JSON',
    updateMethod: 'NewVersion',
    content: stagedFilesDocument(bucket.bucketName, Stack.of(scope).region),
  });
  return { bucket, location: formatStagingLocation({ bucket: bucket.bucketName, prefix: STAGING_PREFIX }), documentName };
}

/** Lets `grantee` read the objects under the staging prefix, and nothing else (no wildcard actions). */
export function grantStagedRead(bucket: IBucket, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${STAGING_PREFIX}*`)] }));
}

/** The document's content: download the layout, then run the step's commands with it (a shell script on Linux, PowerShell on Windows). */
function stagedFilesDocument(bucketName: string, region: string): Record<string, unknown> {
  return {
    schemaVersion: '2.2',
    description: 'cdk-ami-bakery: downloads a step\'s staged files from the bakery\'s staging location, checks them, and runs the step',
    parameters: {
      sourceUrl: {
        type: 'String',
        description: 'The layout\'s prefix in the staging location, as an https URL',
        allowedPattern: `^https://s3\\.${region}\\.amazonaws\\.com/${bucketName}/${STAGING_PREFIX}[0-9a-f]{64}/$`,
      },
      downloadDirectory: {
        type: 'String',
        description: 'Where the layout is downloaded on the instance',
        allowedPattern: `^(${STAGING_DIRECTORY}/|${WINDOWS_STAGING_DIRECTORY.replace(/\\/g, '\\\\')}\\\\)[0-9a-f]{64}$`,
      },
      commands: { type: 'StringList', description: 'The script that checks the files and runs the step' },
      executionTimeout: { type: 'String', description: 'Seconds the step may run', default: '3600', allowedPattern: EXECUTION_TIMEOUT_48H_PATTERN },
    },
    mainSteps: [
      {
        action: 'aws:downloadContent',
        name: 'downloadStagedFiles',
        inputs: { sourceType: 'S3', sourceInfo: '{"path": "{{ sourceUrl }}"}', destinationPath: '{{ downloadDirectory }}' },
      },
      {
        action: 'aws:runShellScript',
        name: STAGED_RUN_STEP,
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: { runCommand: '{{ commands }}', timeoutSeconds: '{{ executionTimeout }}' },
      },
      {
        action: 'aws:runPowerShellScript',
        name: STAGED_RUN_STEP_WINDOWS,
        precondition: { StringEquals: ['platformType', 'Windows'] },
        inputs: { runCommand: '{{ commands }}', timeoutSeconds: '{{ executionTimeout }}' },
      },
    ],
  };
}
