/**
 * `distribution.ssmParameter`: a parameter of that name, in every region that holds the image, set to the
 * image id there (data type `aws:ec2:image`, so launch templates can use `resolve:ssm:`), in this account and
 * in the accounts of `distribution.ssmParameterRoles`. A failed bake puts back what the parameters held before
 * (the newest earlier value whose image still exists), or deletes a parameter it created.
 */
import type { Image } from '@aws-sdk/client-ec2';
import {
  DeleteParameterCommand, GetParameterCommand, GetParameterHistoryCommand, ParameterHistory, PutParameterCommand, SSMClient,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { ssm, ssmAs, TemporaryCredentials } from './clients/ssm';
import { sts } from './clients/sts';
import { isAwsErrorNamed, ParameterNotUpdated } from './errors';
import { describeImage } from './images';
import { logger } from './logger';
import type { Artifact, BuildContext, PublishedParameter } from './types';

/** Where one parameter is written: a region, in this account or through a role in another. */
export interface ParameterTarget {
  readonly region: string;
  readonly imageId: string;
  readonly roleArn?: string;
}

/** Every parameter the recipe asks for: each artifact's region, in this account and through each role. */
export function parameterTargets(build: BuildContext, artifacts: readonly Artifact[]): ParameterTarget[] {
  if (!build.recipe.distribution?.ssmParameter) return [];
  const roles = [undefined, ...build.recipe.distribution.ssmParameterRoles ?? []];
  return roles.flatMap((roleArn) => artifacts.map((artifact) => ({ region: artifact.region, imageId: artifact.amiId, roleArn })));
}

/** The account id of a role ARN (`arn:aws:iam::<account>:role/<name>`). */
export function accountOfRole(roleArn: string): string {
  return roleArn.split(':')[4] ?? '';
}

/** Assumes each role once per invocation. */
export class ParameterClients {
  private readonly credentials = new Map<string, Promise<TemporaryCredentials>>();

  constructor(private readonly buildId: string) {}

  /** The SSM client for a target: this account's in its region, or one acting through the target's role. */
  async for(target: Pick<ParameterTarget, 'region' | 'roleArn'>): Promise<SSMClient> {
    if (!target.roleArn) return ssm(target.region);
    let credentials = this.credentials.get(target.roleArn);
    if (!credentials) {
      credentials = this.assume(target.roleArn);
      this.credentials.set(target.roleArn, credentials);
    }
    return ssmAs(target.roleArn, target.region, await credentials);
  }

  private async assume(roleArn: string): Promise<TemporaryCredentials> {
    logger.info('Assuming role to write the SSM parameter in another account', { roleArn });
    const { Credentials } = await sts().send(new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: `cdk-ami-bakery-${this.buildId}`.slice(0, 64).replace(/[^\w+=,.@-]/g, '-'),
      DurationSeconds: 900,
    }));
    return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
  }
}

/** How long Distribute waits for SSM to store the new values: it checks `aws:ec2:image` values asynchronously. */
export const CONFIRM_SECONDS = 30;
const CONFIRM_INTERVAL_MS = 2_000;

/** Sets the parameter to the target's image id; SSM stores the new version once its image check passes. */
export async function writeParameter(clients: ParameterClients, name: string, target: ParameterTarget): Promise<PublishedParameter> {
  const client = await clients.for(target);
  logger.info('Setting the SSM parameter to the new image', { name, region: target.region, roleArn: target.roleArn, imageId: target.imageId });
  const { Version } = await client.send(new PutParameterCommand({
    Name: name, Value: target.imageId, Type: 'String', DataType: 'aws:ec2:image', Overwrite: true,
  }));
  return { name, region: target.region, value: target.imageId, version: Version ?? 0, ...roleFields(target.roleArn) };
}

/**
 * Waits (at most `CONFIRM_SECONDS` in all) until every written parameter holds its new version. SSM drops a
 * value whose image it cannot see; that ends the step with `ParameterNotUpdated`, and the failure cleanup puts
 * the parameters back.
 */
export async function confirmParameters(clients: ParameterClients, written: readonly PublishedParameter[]): Promise<void> {
  const pending = await unstored(clients, written, CONFIRM_SECONDS);
  if (pending.length > 0) throw notStored(pending[0]);
}

/** The written parameters SSM has not stored within `seconds` (none once every new version is there). */
async function unstored(clients: ParameterClients, written: readonly PublishedParameter[], seconds: number): Promise<PublishedParameter[]> {
  const deadline = Date.now() + seconds * 1000;
  let pending = [...written];
  for (;;) {
    const stored = await Promise.all(pending.map((parameter) => isStored(clients, parameter)));
    pending = pending.filter((_, index) => !stored[index]);
    if (pending.length === 0 || Date.now() >= deadline) return pending;
    await new Promise((resolve) => setTimeout(resolve, CONFIRM_INTERVAL_MS));
  }
}

async function isStored(clients: ParameterClients, parameter: PublishedParameter): Promise<boolean> {
  const client = await clients.for(parameter);
  try {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: parameter.name }));
    return Parameter?.Value === parameter.value && (Parameter.Version ?? 0) >= parameter.version;
  } catch (error) {
    if (isAwsErrorNamed(error, 'ParameterNotFound')) return false;
    throw error;
  }
}

function notStored(parameter: PublishedParameter): ParameterNotUpdated {
  const account = parameter.accountId ? `account ${parameter.accountId}` : 'this account';
  return new ParameterNotUpdated(`SSM did not store ${parameter.value} in ${parameter.name} in ${parameter.region} (${account}) within ` +
    `${CONFIRM_SECONDS} s: its aws:ec2:image check found no such image visible there. Share the image with that account ` +
    '(distribution.sharing), or check that the parameter is not a text parameter (its data type cannot change).');
}

function roleFields(roleArn: string | undefined): Partial<PublishedParameter> {
  return roleArn ? { roleArn, accountId: accountOfRole(roleArn) } : {};
}

/** How long a restore waits for SSM to accept an earlier value before it tries the next one. */
export const RESTORE_CONFIRM_SECONDS = 10;

const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * After a failed bake: where the parameter holds one of the build's images, puts back the newest earlier value
 * that is not one of them and whose image still exists (SSM refuses an `aws:ec2:image` value it cannot see, and
 * would leave the parameter on the build's image), or deletes the parameter when the bake created it or no earlier
 * image is left. Returns what it changed.
 */
export async function restoreParameter(clients: ParameterClients, name: string, target: ParameterTarget, buildImageIds: readonly string[]):
Promise<string | undefined> {
  const client = await clients.for(target);
  const current = await currentValue(client, name);
  if (current === undefined || !buildImageIds.includes(current)) return undefined;
  const earlier = await earlierValues(client, name, buildImageIds);
  for (const value of earlier) {
    if (await putBack(clients, name, target, value)) {
      // An AMI id is named; anything else the parameter held before is not repeated (it may be a secret).
      return `restored ${name} in ${target.region} to ${AMI_ID.test(value) ? value : 'its earlier value'}`;
    }
  }
  logger.info('Deleting the SSM parameter the failed bake pointed at its image', {
    name, region: target.region, roleArn: target.roleArn, createdByTheBake: earlier.length === 0,
  });
  await client.send(new DeleteParameterCommand({ Name: name }));
  return `deleted ${name} in ${target.region}${earlier.length > 0 ? ' (no earlier value names an image that still exists)' : ''}`;
}

/** True when the parameter in this account and region names one of `imageIds`, or an image that no longer exists. */
export async function namesImageLeftOrGone(clients: ParameterClients, name: string, region: string, imageIds: readonly string[]): Promise<boolean> {
  const current = await readParameter(clients, name, { region });
  if (current === undefined || !AMI_ID.test(current)) return false;
  return imageIds.includes(current) || !isUsable(await describeImage(current, region));
}

/**
 * Where the parameter in this account names an image that no longer exists (the bake deregistered the recipe's
 * older image of the same name, `ami.forceDeregister`, and then failed), puts back the newest earlier value whose
 * image still exists, or deletes the parameter. Returns what it changed.
 */
export async function repairDanglingParameter(clients: ParameterClients, name: string, region: string): Promise<string | undefined> {
  const current = await readParameter(clients, name, { region });
  if (current === undefined || !AMI_ID.test(current) || isUsable(await describeImage(current, region))) return undefined;
  return restoreParameter(clients, name, { region, imageId: current }, [current]);
}

/**
 * Puts one earlier value back; true once SSM stored it. In this account an image that no longer exists is
 * skipped at once, and one that exists but that SSM has not stored yet (its aws:ec2:image check is slow) throws,
 * so the cleanup tries again later instead of moving on to an older value or deleting the parameter. Through a
 * role (whose account this one cannot look into) SSM's own check decides.
 */
async function putBack(clients: ParameterClients, name: string, target: ParameterTarget, value: string): Promise<boolean> {
  if (!target.roleArn && AMI_ID.test(value) && !isUsable(await describeImage(value, target.region))) {
    logger.info('Skipping an earlier value of the SSM parameter: its image no longer exists', { name, region: target.region, imageId: value });
    return false;
  }
  // The value is not logged: the parameter may have held something other than an AMI id.
  logger.info('Putting back the SSM parameter\'s earlier value', { name, region: target.region, roleArn: target.roleArn });
  const client = await clients.for(target);
  const { Version } = await client.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', DataType: 'aws:ec2:image', Overwrite: true }));
  const written = { name, region: target.region, value, version: Version ?? 0, ...roleFields(target.roleArn) };
  const stored = (await unstored(clients, [written], RESTORE_CONFIRM_SECONDS)).length === 0;
  if (!stored && !target.roleArn && AMI_ID.test(value)) {
    throw new ParameterNotUpdated(`SSM has not yet stored the earlier value ${value} of ${name} in ${target.region}, `
      + `whose image exists, within ${RESTORE_CONFIRM_SECONDS} s; the parameter is put back on the next try`);
  }
  return stored;
}

function isUsable(image: Image | undefined): boolean {
  return image !== undefined && image.State !== 'deregistered' && image.State !== 'failed';
}

/** The value a parameter holds now, or undefined when there is no such parameter. */
export async function readParameter(clients: ParameterClients, name: string, target: Pick<ParameterTarget, 'region' | 'roleArn'>):
Promise<string | undefined> {
  return currentValue(await clients.for(target), name);
}

async function currentValue(client: SSMClient, name: string): Promise<string | undefined> {
  try {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: name }));
    return Parameter?.Value;
  } catch (error) {
    if (isAwsErrorNamed(error, 'ParameterNotFound')) return undefined;
    throw error;
  }
}

/** The values in the parameter's history that are not one of the build's images, newest first, each once. */
async function earlierValues(client: SSMClient, name: string, buildImageIds: readonly string[]): Promise<string[]> {
  const versions: ParameterHistory[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new GetParameterHistoryCommand({ Name: name, NextToken }));
    versions.push(...page.Parameters ?? []);
    NextToken = page.NextToken;
  } while (NextToken);
  const values = versions
    .sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0))
    .map((version) => version.Value)
    .filter((value): value is string => value !== undefined && !buildImageIds.includes(value));
  return [...new Set(values)];
}
