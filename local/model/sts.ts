/**
 * STS: AssumeRole into a role of another account of the simulated world that trusts the calling account (the
 * roles a peer was given by `SimulatedAccount.addPeer`), and GetCallerIdentity. Any other role is refused with
 * AccessDenied, phrased as STS does; malformed requests get STS's ValidationError.
 */
import type { AssumeRoleRequest, AssumeRoleResponse, GetCallerIdentityResponse } from '@aws-sdk/client-sts';
import type { OperationContext } from './context';
import { stsError } from './errors';
import { hashString, Prng } from './ids';

/** Which roles the calling account may assume. */
export interface RoleDirectory {
  /** True when the account `accountId` of the simulated world has a role of that name that trusts the calling account. */
  canAssume(accountId: string, roleName: string): boolean;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;
/** A role's default maximum session (MaxSessionDuration), in seconds. */
const MAX_SESSION_SECONDS = 3600;
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Who the simulated account's own code calls as (the role of the function making the calls). */
export function callerArn(accountId: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/SimulatedCaller/simulated-session`;
}

function validationError(value: unknown, member: string, constraint: string): never {
  const shown = value === undefined ? 'null' : `'${String(value)}'`;
  throw stsError('ValidationError', `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`);
}

function checkRequest(input: AssumeRoleRequest): { roleArn: string; session: string; seconds: number } {
  const roleArn = input.RoleArn;
  if (roleArn === undefined) validationError(roleArn, 'roleArn', 'Member must not be null');
  if (roleArn.length < 20) validationError(roleArn, 'roleArn', 'Member must have length greater than or equal to 20');
  const session = input.RoleSessionName;
  if (session === undefined) validationError(session, 'roleSessionName', 'Member must not be null');
  if (session.length < 2) validationError(session, 'roleSessionName', 'Member must have length greater than or equal to 2');
  if (session.length > 64) validationError(session, 'roleSessionName', 'Member must have length less than or equal to 64');
  if (!SESSION_NAME.test(session)) validationError(session, 'roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
  const seconds = input.DurationSeconds ?? MAX_SESSION_SECONDS;
  if (seconds < 900) validationError(seconds, 'durationSeconds', 'Member must have value greater than or equal to 900');
  if (seconds > MAX_SESSION_SECONDS) throw stsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  return { roleArn, session, seconds };
}

function randomText(prng: Prng, alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[prng.int(0, alphabet.length - 1)]).join('');
}

export function assumeRole(ctx: OperationContext, input: AssumeRoleRequest, roles: RoleDirectory): AssumeRoleResponse {
  const { roleArn, session, seconds } = checkRequest(input);
  const match = ROLE_ARN.exec(roleArn);
  if (!match || !roles.canAssume(match[1], match[2])) {
    throw stsError('AccessDenied', `User: ${callerArn(ctx.accountId)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      { httpStatusCode: 403 });
  }
  const [, accountId, roleName] = match;
  const roleId = `AROA${randomText(new Prng(hashString(roleArn)), UPPER_ALNUM, 17)}`;
  return {
    Credentials: {
      AccessKeyId: `ASIA${randomText(ctx.prng, UPPER_ALNUM, 16)}`,
      SecretAccessKey: randomText(ctx.prng, SECRET_CHARS, 40),
      SessionToken: `IQoJb3JpZ2luX2Vj${randomText(ctx.prng, SECRET_CHARS, 300)}`,
      Expiration: new Date(ctx.now + seconds * 1000),
    },
    AssumedRoleUser: { AssumedRoleId: `${roleId}:${session}`, Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${session}` },
    SourceIdentity: input.SourceIdentity,
  };
}

export function getCallerIdentity(ctx: OperationContext): GetCallerIdentityResponse {
  return {
    UserId: `AROA${randomText(new Prng(hashString(callerArn(ctx.accountId))), UPPER_ALNUM, 17)}:simulated-session`,
    Account: ctx.accountId,
    Arn: callerArn(ctx.accountId),
  };
}
