/**
 * The AWS clients every handler shares, created once per process so a warm Lambda reuses their
 * connections: one per service for the bakery's own region (from `AWS_REGION` when the first call is
 * made), one per service and other region for copies, and SSM clients acting through a role in
 * another account.
 *
 * Other code that needs to see or answer the handlers' calls attaches an SDK v3 middleware to these
 * clients through `onEveryClient`, which reaches the clients made so far and every one made later;
 * handlers never know about it.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

/**
 * The SDK's adaptive retry with three attempts: a throttled call backs off and the client slows its own sending
 * rate, while a Lambda waits seconds at most. What outlasts three attempts fails the invocation, and the state
 * machine's Retry (minutes of backoff with jitter, shown in the execution history) takes over.
 */
export const SDK_MAX_ATTEMPTS = 3;
const config = { retryMode: 'adaptive', maxAttempts: SDK_MAX_ATTEMPTS };

export type AwsClient = EC2Client | SSMClient | S3Client | STSClient | CloudWatchLogsClient | SFNClient;

/** What a client is for: its region (none: the bakery's own) and, for another account, the role it acts as. */
export interface ClientScope {
  readonly region?: string;
  readonly roleArn?: string;
}

/** Temporary credentials, as STS AssumeRole returns them. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

type ClientHook = (client: AwsClient, scope: ClientScope) => void;

/** The shared clients of the bakery's own region, by service. */
export const clients = {
  ec2: new EC2Client(config),
  ssm: new SSMClient(config),
  s3: new S3Client(config),
  sts: new STSClient(config),
  logs: new CloudWatchLogsClient(config),
} as const;

const made: { client: AwsClient; scope: ClientScope }[] = Object.values(clients).map((client) => ({ client, scope: {} }));
const regional = new Map<string, AwsClient>();
/** Clients acting through a role, by region and role, with the access key they were made with. */
const assumed = new Map<string, { readonly client: SSMClient; readonly accessKeyId: string }>();
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

function remember<C extends AwsClient>(key: string, create: () => C, scope: ClientScope): C {
  let client = regional.get(key) as C | undefined;
  if (!client) {
    client = create();
    regional.set(key, client);
    announce(client, scope);
  }
  return client;
}

/** Keeps a new client and tells the hooks about it. */
function announce(client: AwsClient, scope: ClientScope): void {
  made.push({ client, scope });
  hooks.forEach((hook) => hook(client, scope));
}

/** The EC2 client of a region (the bakery's own when none is named). */
export function ec2(region?: string): EC2Client {
  if (!region) return clients.ec2;
  return remember(`ec2:${region}`, () => new EC2Client({ ...config, region }), { region });
}

/** The SSM client of a region (the bakery's own when none is named). */
export function ssm(region?: string): SSMClient {
  if (!region) return clients.ssm;
  return remember(`ssm:${region}`, () => new SSMClient({ ...config, region }), { region });
}

/**
 * An SSM client of the bakery's region that makes one attempt per call, for a call the SDK must not repeat on its
 * own: SendCommand has no idempotency token, so a send whose answer was lost (a 5xx, a timeout) may have reached the
 * instance, and only run-step's check for a command it already sent may decide to send again.
 */
export function ssmSingleAttempt(): SSMClient {
  return remember('ssm:single-attempt', () => new SSMClient({ ...config, maxAttempts: 1 }), {});
}

/**
 * An SSM client in a region of another account, acting with credentials of a role assumed there. New credentials
 * (a later bake's) replace the client kept for that role and region, so a warm Lambda keeps one per pair.
 */
export function ssmAs(roleArn: string, region: string, credentials: TemporaryCredentials): SSMClient {
  const key = `ssm:${region}:${roleArn}`;
  const kept = assumed.get(key);
  if (kept?.accessKeyId === credentials.accessKeyId) return kept.client;
  if (kept) forget(kept.client);
  const client = new SSMClient({ ...config, region, credentials });
  assumed.set(key, { client, accessKeyId: credentials.accessKeyId });
  announce(client, { region, roleArn });
  return client;
}

function forget(client: AwsClient): void {
  const index = made.findIndex((entry) => entry.client === client);
  if (index >= 0) made.splice(index, 1);
}

/** The shared S3 client. */
export function s3(): S3Client {
  return clients.s3;
}

/** The shared CloudWatch Logs client. */
export function logs(): CloudWatchLogsClient {
  return clients.logs;
}

/** The Step Functions client, made on first use: only the orphan sweeper asks the bakery's executions. */
export function sfn(): SFNClient {
  return remember('sfn', () => new SFNClient(config), {});
}

/** The shared STS client. */
export function sts(): STSClient {
  return clients.sts;
}
