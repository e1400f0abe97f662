import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** What every log group of a bakery shares. */
export interface LogGroupSettings {
  readonly retention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Encrypts the log data; CloudWatch Logs must be allowed to use it (`letLogsUseKey`). */
  readonly encryptionKey?: IKey;
}

/** One of the bakery's log groups, with its retention, removal policy and key. */
export function bakeryLogGroup(scope: Construct, id: string, settings: LogGroupSettings): LogGroup {
  return new LogGroup(scope, id, { retention: settings.retention, removalPolicy: settings.removalPolicy, encryptionKey: settings.encryptionKey });
}

/**
 * Lets CloudWatch Logs of this region use the key for this account's log groups, as AWS documents it. A key of
 * this app gets the statement in its key policy; an imported key's policy must already hold it.
 */
export function letLogsUseKey(scope: Construct, key: IKey): void {
  const stack = Stack.of(scope);
  key.addToResourcePolicy(new PolicyStatement({
    principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      },
    },
  }));
}
