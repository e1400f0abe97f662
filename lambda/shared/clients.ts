/**
 * The AWS clients every handler shares: one `EC2Client` and one `SSMClient` per process, created
 * at module scope so a warm Lambda reuses their connections. The region comes from `AWS_REGION`
 * when the first call is made.
 *
 * Other code that needs to see or answer the handlers' calls attaches an SDK v3 middleware to these
 * same instances, e.g. `clients.ec2.middlewareStack.add(mw, { step: 'initialize', ... })` or
 * `ec2().middlewareStack.add(...)`; handlers never know about it.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';

/**
 * One attempt per call: the state machine's Retry (with backoff and jitter) is the only retry layer, so
 * no Lambda sits waiting between SDK retries and a retried call shows in the execution history.
 */
const config = { maxAttempts: 1 };

/** The shared clients, by service. */
export const clients = {
  ec2: new EC2Client(config),
  ssm: new SSMClient(config),
} as const;

/** The shared EC2 client. */
export function ec2(): EC2Client {
  return clients.ec2;
}

/** The shared SSM client. */
export function ssm(): SSMClient {
  return clients.ssm;
}
