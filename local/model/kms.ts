/**
 * KMS keys as EBS encryption names them. The AWS managed key of a region (`aws/ebs`) is written as the ARN
 * of its alias, so code can tell it from customer managed keys: snapshots encrypted with it cannot be shared
 * with other accounts. An encrypted snapshot without a key id was encrypted with it too.
 */

/** The ARN of the AWS managed EBS key of an account's region. */
export function awsManagedEbsKeyArn(region: string, accountId: string): string {
  return `arn:aws:kms:${region}:${accountId}:alias/aws/ebs`;
}

/** True for the AWS managed EBS key, in any of the ways a request or a record may name it (or none at all). */
export function isAwsManagedEbsKey(kmsKeyId: string | undefined): boolean {
  return kmsKeyId === undefined || kmsKeyId === 'alias/aws/ebs' || /^arn:aws:kms:[^:]*:\d{12}:alias\/aws\/ebs$/.test(kmsKeyId);
}

/** A key id, alias, key ARN or alias ARN as a full ARN in the account's region. */
export function kmsKeyArn(keyId: string, region: string, accountId: string): string {
  if (keyId.startsWith('arn:')) return keyId;
  if (keyId.startsWith('alias/')) return `arn:aws:kms:${region}:${accountId}:${keyId}`;
  return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
}
