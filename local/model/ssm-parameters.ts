/**
 * Parameter Store: the public `/aws/service/...` parameters of the catalog plus what the account
 * puts. `aws:ec2:image` values are checked like AWS does: the format at once, the existence of
 * the AMI asynchronously (PutParameter succeeds, but an unknown AMI leaves the parameter as it was).
 * Every version is kept for GetParameterHistory; DeleteParameter removes the parameter and its history.
 */
import type {
  DeleteParameterRequest, GetParameterHistoryRequest, GetParameterHistoryResult, GetParameterRequest, GetParameterResult, ParameterHistory,
  PutParameterRequest, PutParameterResult,
} from '@aws-sdk/client-ssm';
import type { OperationContext } from './context';
import { ssmError } from './errors';
import type { ParameterRecord, ParameterVersion, RegionState } from './records';
import { visibleImage } from './visibility';

const NAME_PATTERN = /^[a-zA-Z0-9_.\-/]+$/;
const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** A note about an `aws:ec2:image` value that failed the asynchronous validation. */
export interface ParameterValidationFailure {
  readonly name: string;
  readonly value: string;
  readonly at: number;
  readonly region: string;
}

function arnOf(ctx: OperationContext, record: ParameterVersion): string {
  const owner = record.name.startsWith('/aws/') ? '' : ctx.accountId;
  const path = record.name.startsWith('/') ? record.name : `/${record.name}`;
  return `arn:aws:ssm:${ctx.region.name}:${owner}:parameter${path}`;
}

/** Splits `name:version` selectors off the parameter name. */
function parseSelector(raw: string): { name: string; version?: number } {
  const match = /^(.*):(\d+)$/.exec(raw);
  return match ? { name: match[1], version: Number(match[2]) } : { name: raw };
}

export function getParameter(ctx: OperationContext, input: GetParameterRequest): GetParameterResult {
  const raw = input.Name ?? '';
  const { name, version } = parseSelector(raw.replace(/^arn:aws:ssm:[^:]*:[^:]*:parameter/, ''));
  const current = ctx.region.parameters.get(name);
  const record = version === undefined || version === current?.version ? current : current?.history?.find((v) => v.version === version);
  if (!record) throw ssmError('ParameterNotFound', `Parameter ${raw} not found.`);
  return {
    Parameter: {
      Name: record.name,
      Type: record.type as 'String',
      Value: record.value,
      Version: record.version,
      LastModifiedDate: new Date(record.lastModified),
      ARN: arnOf(ctx, record),
      DataType: record.dataType,
    },
  };
}

/** Data types SSM never changes a parameter to or from (any other data type may change into another). */
const FIXED_DATA_TYPES = ['aws:ec2:image', 'aws:ssm:integration'];

function changesFixedDataType(from: string, to: string): boolean {
  return from !== to && (FIXED_DATA_TYPES.includes(from) || FIXED_DATA_TYPES.includes(to));
}

function checkName(name: string): void {
  if (!name || name.length > 1011 || !NAME_PATTERN.test(name)) {
    throw ssmError('ValidationException', `Parameter name ${name} is not valid: it must be 1 to 1011 characters of a-zA-Z0-9_.-/`);
  }
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw ssmError('ValidationException', 'No access to reserved parameter name: '
      + `${name}. Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive).`);
  }
}

function checkImageValue(ctx: OperationContext, input: PutParameterRequest, failures: ParameterValidationFailure[]): boolean {
  if (input.Type !== undefined && input.Type !== 'String') {
    throw ssmError('ValidationException', 'The aws:ec2:image data type is supported for String parameters only.');
  }
  const value = input.Value ?? '';
  if (!AMI_ID.test(value)) {
    throw ssmError('ValidationException', `Parameter value ${value} is not a valid AMI ID for data type aws:ec2:image.`);
  }
  const visible = visibleImage(ctx, value) !== undefined;
  if (!visible) failures.push({ name: input.Name ?? '', value, at: ctx.now, region: ctx.region.name });
  return visible;
}

export function putParameter(
  ctx: OperationContext,
  input: PutParameterRequest,
  failures: ParameterValidationFailure[],
): PutParameterResult {
  const name = input.Name ?? '';
  checkName(name);
  const existing = ctx.region.parameters.get(name);
  if (existing && !input.Overwrite) {
    throw ssmError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  }
  if (!existing && !input.Type) throw ssmError('ValidationException', 'A parameter type is required when you create a parameter.');
  if (input.Value === undefined || input.Value.length === 0 || input.Value.length > 4096) {
    throw ssmError('ValidationException', 'Parameter value must be 1 to 4096 characters long.');
  }
  const dataType = input.DataType ?? existing?.dataType ?? 'text';
  if (!['text', 'aws:ec2:image'].includes(dataType)) {
    throw ssmError('ValidationException', `The data type ${dataType} is not supported. Valid values: text, aws:ec2:image.`);
  }
  if (existing && changesFixedDataType(existing.dataType, dataType)) {
    throw ssmError('ValidationException', `Parameter ${name} has data type ${existing.dataType}; a parameter cannot be changed to or from the ` +
      `${FIXED_DATA_TYPES.join(' or ')} data type.`);
  }
  const version = (existing?.version ?? 0) + 1;
  if (dataType === 'aws:ec2:image' && !checkImageValue(ctx, input, failures)) {
    return { Version: version, Tier: 'Standard' };
  }
  ctx.region.parameters.set(name, {
    name,
    type: input.Type ?? existing?.type ?? 'String',
    dataType,
    value: input.Value,
    version,
    lastModified: ctx.now,
    description: input.Description ?? existing?.description,
    history: historyAfter(existing),
  });
  return { Version: version, Tier: 'Standard' };
}

/** The history a new version of the parameter keeps: every earlier version, the one it replaces last. */
export function historyAfter(replaced: ParameterRecord | undefined): ParameterVersion[] | undefined {
  if (!replaced) return undefined;
  const { history, ...version } = replaced;
  return [...history ?? [], version];
}

/** The parameter the account put (not a public one), or SSM's ParameterNotFound. */
function ownParameter(ctx: OperationContext, name: string | undefined): ParameterRecord {
  const record = name === undefined ? undefined : ctx.region.parameters.get(name);
  if (!record || record.name.startsWith('/aws/')) throw ssmError('ParameterNotFound', `Parameter ${name} not found.`);
  return record;
}

export function deleteParameter(ctx: OperationContext, input: DeleteParameterRequest): Record<string, never> {
  const record = ownParameter(ctx, input.Name);
  ctx.region.parameters.delete(record.name);
  return {};
}

const HISTORY_PAGE = 50;

export function getParameterHistory(ctx: OperationContext, input: GetParameterHistoryRequest): GetParameterHistoryResult {
  const record = ownParameter(ctx, input.Name);
  const maxResults = input.MaxResults ?? HISTORY_PAGE;
  if (maxResults < 1 || maxResults > HISTORY_PAGE) {
    throw ssmError('ValidationException',
      `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50`);
  }
  const { history, ...current } = record;
  const versions = [...history ?? [], current];
  const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0 || start > versions.length) throw ssmError('InvalidNextToken', 'The specified token is not valid.');
  const page = versions.slice(start, start + maxResults);
  const next = start + page.length;
  return {
    Parameters: page.map((version): ParameterHistory => ({
      Name: version.name,
      Type: version.type as ParameterHistory['Type'],
      Value: version.value,
      Version: version.version,
      LastModifiedDate: new Date(version.lastModified),
      LastModifiedUser: `arn:aws:iam::${ctx.accountId}:user/simulated`,
      Description: version.description,
      DataType: version.dataType,
      Tier: 'Standard',
      Labels: [],
      Policies: [],
    })),
    NextToken: next < versions.length ? Buffer.from(String(next), 'utf8').toString('base64') : undefined,
  };
}

/** A parameter the account put whose value is an AMI id (public `/aws/` parameters are not the account's). */
export interface ImageParameter {
  readonly name: string;
  readonly imageId: string;
  readonly lastModified: number;
}

/** The account's own parameters in a region whose value names an image. */
export function imageParameters(region: RegionState): ImageParameter[] {
  return [...region.parameters.values()]
    .filter((record) => !record.name.startsWith('/aws/') && AMI_ID.test(record.value))
    .map((record) => ({ name: record.name, imageId: record.value, lastModified: record.lastModified }));
}
