/**
 * What every AWS client of the CLI is made with: the region and profile from `--region` and `--profile`,
 * else the standard chain (AWS_REGION, AWS_PROFILE, ~/.aws/config, SSO, instance roles...).
 */
import { CliError } from '../errors';

export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
}

/** Client configuration: the SDK's own credential chain, for the named profile when there is one. */
export function clientConfig(options: AwsOptions): { region?: string; profile?: string; maxAttempts: number } {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    maxAttempts: 5,
  };
}

/** Error names AWS uses for a caller it does not accept, with what the person can do about each. */
const CREDENTIAL_ERRORS: Record<string, string> = {
  UnrecognizedClientException: 'the access key is not valid in this account or region; check --profile and --region',
  InvalidSignatureException: 'the secret key does not match the access key; check the credentials of the profile',
  ExpiredTokenException: 'the session expired; sign in again (aws sso login) or refresh the credentials',
  ExpiredToken: 'the session expired; sign in again (aws sso login) or refresh the credentials',
  AccessDeniedException: 'the caller needs permission for this call; grant it with bakery.grantStartBake(principal) or use another --profile',
};

/**
 * A failed SDK call turned into an error a person can act on; `operation` names the call. Errors a caller
 * expects (e.g. ExecutionDoesNotExist) are handled by that caller before this.
 */
export function awsFailure(operation: string, error: unknown, options: AwsOptions = {}): Error {
  if (error instanceof CliError) return error;
  const name = (error as { name?: string })?.name ?? '';
  const message = (error as Error)?.message ?? String(error);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    const hint = options.profile
      ? `check that profile ${options.profile} is in ~/.aws/config and signed in (aws sso login --profile ${options.profile})`
      : 'sign in (aws configure, aws sso login) or pass --profile <name> for a profile in ~/.aws/config';
    return new CliError(`no AWS credentials found (${firstSentence(message)})`, hint, 1, error);
  }
  if (/region is missing/i.test(message)) {
    return new CliError('no AWS region set', 'pass --region <region>, set AWS_REGION, or set a region in your AWS profile', 1, error);
  }
  if (name === 'ProviderError' || name === 'TokenProviderError') {
    return new CliError(`cannot get AWS credentials: ${firstSentence(message)}`, 'check the profile (--profile) and sign in again (aws sso login)', 1, error);
  }
  const hint = CREDENTIAL_ERRORS[name];
  if (hint) return new CliError(`AWS refused ${operation}: ${name}: ${firstSentence(message)}`, hint, 1, error);
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException') {
    return new CliError(`AWS throttled ${operation}`, 'wait a moment and run the command again', 1, error);
  }
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|socket hang up/.test(message)) {
    return new CliError(`cannot reach AWS for ${operation}: ${firstSentence(message)}`, 'check the network connection and --region', 1, error);
  }
  return new CliError(`${operation} failed: ${name ? `${name}: ` : ''}${firstSentence(message)}`,
    'run the command again with --debug for the full error', 1, error);
}

function firstSentence(message: string): string {
  return message.split('\n')[0].trim();
}
