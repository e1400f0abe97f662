/**
 * Where the handlers' AWS clients are kept. Each service has its own module (`./ec2`, `./ssm`, ...), so a
 * handler's bundle loads only the SDK clients it calls: loading a client package is most of a cold start.
 *
 * Clients are created once per process so a warm Lambda reuses their connections: one per service for the
 * bakery's own region (from `AWS_REGION` when the first call is made), one per service and other region for
 * copies, and SSM clients acting through a role in another account.
 *
 * Other code that needs to see or answer the handlers' calls attaches an SDK v3 middleware to these clients
 * through `onEveryClient`, which reaches the clients made so far and every one made later; handlers never
 * know about it.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';

/**
 * The SDK's adaptive retry with three attempts: a throttled call backs off and the client slows its own sending
 * rate, while a Lambda waits seconds at most. What outlasts three attempts fails the invocation, and the state
 * machine's Retry (minutes of backoff with jitter, shown in the execution history) takes over.
 */
export const SDK_MAX_ATTEMPTS = 3;
/** The configuration every handler client starts from. */
export const CLIENT_CONFIG = { retryMode: 'adaptive', maxAttempts: SDK_MAX_ATTEMPTS } as const;

export type AwsClient = EC2Client | SSMClient | S3Client | STSClient | CloudWatchLogsClient | SFNClient;

/** What a client is for: its region (none: the bakery's own) and, for another account, the role it acts as. */
export interface ClientScope {
  readonly region?: string;
  readonly roleArn?: string;
}

type ClientHook = (client: AwsClient, scope: ClientScope) => void;

const made: { client: AwsClient; scope: ClientScope }[] = [];
const kept = new Map<string, AwsClient>();
const hooks = new Set<ClientHook>();

/**
 * Calls `hook` for every client made so far and every client made from now on (e.g. to attach a
 * middleware). Returns a function that stops calling it for new clients.
 */
export function onEveryClient(hook: ClientHook): () => void {
  hooks.add(hook);
  made.forEach(({ client, scope }) => hook(client, scope));
  return () => hooks.delete(hook);
}

/** The client kept under `key`, made by `create` (and announced to the hooks) on first use. */
export function remember<C extends AwsClient>(key: string, create: () => C, scope: ClientScope = {}): C {
  let client = kept.get(key) as C | undefined;
  if (!client) {
    client = create();
    kept.set(key, client);
    announce(client, scope);
  }
  return client;
}

/** Keeps a new client and tells the hooks about it. */
export function announce(client: AwsClient, scope: ClientScope): void {
  made.push({ client, scope });
  hooks.forEach((hook) => hook(client, scope));
}

/** Stops reaching a client that was replaced (its hooks stay attached to it). */
export function forget(client: AwsClient): void {
  const index = made.findIndex((entry) => entry.client === client);
  if (index >= 0) made.splice(index, 1);
}
