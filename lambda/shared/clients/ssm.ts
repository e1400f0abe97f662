/** The handlers' SSM clients: by region, one that never repeats a call, and ones acting through a role in another account. */
import { SSMClient } from '@aws-sdk/client-ssm';
import { announce, CLIENT_CONFIG, forget, remember } from './registry';

/** Temporary credentials, as STS AssumeRole returns them. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** Clients acting through a role, by region and role, with the access key they were made with. */
const assumed = new Map<string, { readonly client: SSMClient; readonly accessKeyId: string }>();

/** The SSM client of a region (the bakery's own when none is named). */
export function ssm(region?: string): SSMClient {
  if (!region) return remember('ssm', () => new SSMClient(CLIENT_CONFIG));
  return remember(`ssm:${region}`, () => new SSMClient({ ...CLIENT_CONFIG, region }), { region });
}

/**
 * An SSM client of the bakery's region that makes one attempt per call, for a call the SDK must not repeat on its
 * own: SendCommand has no idempotency token, so a send whose answer was lost (a 5xx, a timeout) may have reached the
 * instance, and only run-step's check for a command it already sent may decide to send again.
 */
export function ssmSingleAttempt(): SSMClient {
  return remember('ssm:single-attempt', () => new SSMClient({ ...CLIENT_CONFIG, maxAttempts: 1 }));
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
  const client = new SSMClient({ ...CLIENT_CONFIG, region, credentials });
  assumed.set(key, { client, accessKeyId: credentials.accessKeyId });
  announce(client, { region, roleArn });
  return client;
}
