/**
 * Launch templates, minimal: enough to answer "is this AMI referenced by a launch template?". A template
 * keeps numbered versions with their ImageId and InstanceType; CreateLaunchTemplate, CreateLaunchTemplateVersion,
 * ModifyLaunchTemplate (the default version), DeleteLaunchTemplate and DescribeLaunchTemplateVersions (by
 * template, or `$Latest` / `$Default` of every template of the account, with filters).
 */
import type {
  CreateLaunchTemplateRequest, CreateLaunchTemplateResult, CreateLaunchTemplateVersionRequest, CreateLaunchTemplateVersionResult,
  DeleteLaunchTemplateRequest, DeleteLaunchTemplateResult, DescribeLaunchTemplateVersionsRequest, DescribeLaunchTemplateVersionsResult,
  LaunchTemplate, LaunchTemplateVersion, ModifyLaunchTemplateRequest, ModifyLaunchTemplateResult, RequestLaunchTemplateData,
  ResponseLaunchTemplateData, ValidationWarning,
} from '@aws-sdk/client-ec2';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { checkFilters, FieldReaders, matchesFilters } from './filters';
import { isEc2Id } from './ids';
import type { LaunchTemplateRecord, LaunchTemplateVersionRecord } from './records';
import { tagList, tagsByResourceType, tagsFor } from './tags';
import { visibleImage } from './visibility';

const NAME_PATTERN = /^[a-zA-Z0-9().\-/_]{3,128}$/;
const MAX_VERSIONS = 10_000;

/** The launch template a request names by id or by name, or EC2's error. */
function findTemplate(ctx: OperationContext, id: string | undefined, name: string | undefined): LaunchTemplateRecord {
  if (id !== undefined && name !== undefined) {
    throw ec2Error('InvalidParameterCombination', 'Specify either the launch template ID or the launch template name, not both.');
  }
  if (id !== undefined) {
    if (!isEc2Id(id, 'lt')) throw ec2Error('InvalidLaunchTemplateId.Malformed', `The specified launch template ID is malformed: '${id}'.`);
    const template = ctx.region.launchTemplates.get(id);
    if (!template) throw ec2Error('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
    return template;
  }
  if (name !== undefined) {
    const template = [...ctx.region.launchTemplates.values()].find((t) => t.name === name);
    if (!template) {
      throw ec2Error('InvalidLaunchTemplateName.NotFoundException',
        `At least one of the launch templates specified in the request does not exist: '${name}'.`);
    }
    return template;
  }
  throw ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateId or LaunchTemplateName');
}

/** EC2 accepts a template whose data it cannot launch, and says so in `Warning`. */
function warningFor(ctx: OperationContext, data: RequestLaunchTemplateData): ValidationWarning | undefined {
  const imageId = data.ImageId;
  if (imageId === undefined || imageId.startsWith('resolve:ssm:')) return undefined;
  if (!isEc2Id(imageId, 'ami')) {
    return { Errors: [{ Code: 'InvalidAMIID.Malformed', Message: `Invalid id: "${imageId}" (expecting "ami-...")` }] };
  }
  return visibleImage(ctx, imageId) ? undefined : { Errors: [{ Code: 'InvalidAMIID.NotFound', Message: `The image id '[${imageId}]' does not exist` }] };
}

function newVersion(ctx: OperationContext, versionNumber: number, data: RequestLaunchTemplateData | undefined,
  description: string | undefined, base?: LaunchTemplateVersionRecord): LaunchTemplateVersionRecord {
  if (!data) throw ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateData');
  if ((description ?? '').length > 255) throw ec2Error('InvalidParameterValue', 'The version description can be at most 255 characters long.');
  return {
    versionNumber,
    description,
    createdAt: ctx.now,
    imageId: data.ImageId ?? base?.imageId,
    instanceType: data.InstanceType ?? base?.instanceType,
  };
}

function toSdkTemplate(template: LaunchTemplateRecord): LaunchTemplate {
  return {
    LaunchTemplateId: template.id,
    LaunchTemplateName: template.name,
    CreateTime: new Date(template.createdAt),
    CreatedBy: template.createdBy,
    DefaultVersionNumber: template.defaultVersion,
    LatestVersionNumber: latestOf(template).versionNumber,
    Tags: tagList(template.tags),
  };
}

function latestOf(template: LaunchTemplateRecord): LaunchTemplateVersionRecord {
  return template.versions[template.versions.length - 1];
}

function toSdkVersion(template: LaunchTemplateRecord, version: LaunchTemplateVersionRecord): LaunchTemplateVersion {
  return {
    LaunchTemplateId: template.id,
    LaunchTemplateName: template.name,
    VersionNumber: version.versionNumber,
    VersionDescription: version.description,
    CreateTime: new Date(version.createdAt),
    CreatedBy: template.createdBy,
    DefaultVersion: version.versionNumber === template.defaultVersion,
    LaunchTemplateData: {
      ImageId: version.imageId,
      InstanceType: version.instanceType as ResponseLaunchTemplateData['InstanceType'],
    },
  };
}

export function createLaunchTemplate(ctx: OperationContext, input: CreateLaunchTemplateRequest): CreateLaunchTemplateResult {
  const name = input.LaunchTemplateName;
  if (!name) throw ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateName');
  if (!NAME_PATTERN.test(name)) {
    throw ec2Error('InvalidLaunchTemplateName.MalformedException',
      `A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.' (${name})`);
  }
  if ([...ctx.region.launchTemplates.values()].some((t) => t.name === name)) {
    throw ec2Error('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use: ${name}.`);
  }
  const version = newVersion(ctx, 1, input.LaunchTemplateData, input.VersionDescription);
  const tags = tagsByResourceType(input.TagSpecifications, ['launch-template'], 'CreateLaunchTemplate');
  const template: LaunchTemplateRecord = {
    id: ctx.ids.ec2('lt'),
    name,
    createdAt: ctx.now,
    createdBy: `arn:aws:iam::${ctx.accountId}:root`,
    defaultVersion: 1,
    versions: [version],
    tags: tagsFor(tags, 'launch-template'),
  };
  ctx.region.launchTemplates.set(template.id, template);
  return { LaunchTemplate: toSdkTemplate(template), Warning: warningFor(ctx, input.LaunchTemplateData ?? {}) };
}

export function createLaunchTemplateVersion(ctx: OperationContext, input: CreateLaunchTemplateVersionRequest): CreateLaunchTemplateVersionResult {
  const template = findTemplate(ctx, input.LaunchTemplateId, input.LaunchTemplateName);
  const latest = latestOf(template);
  if (latest.versionNumber >= MAX_VERSIONS) {
    throw ec2Error('LaunchTemplateVersionLimitExceeded', `The launch template ${template.id} already has ${MAX_VERSIONS} versions.`);
  }
  const base = input.SourceVersion === undefined ? undefined : resolveVersions(template, [input.SourceVersion])[0];
  const version = newVersion(ctx, latest.versionNumber + 1, input.LaunchTemplateData, input.VersionDescription, base);
  template.versions.push(version);
  return { LaunchTemplateVersion: toSdkVersion(template, version), Warning: warningFor(ctx, input.LaunchTemplateData ?? {}) };
}

export function modifyLaunchTemplate(ctx: OperationContext, input: ModifyLaunchTemplateRequest): ModifyLaunchTemplateResult {
  const template = findTemplate(ctx, input.LaunchTemplateId, input.LaunchTemplateName);
  if (input.DefaultVersion !== undefined) template.defaultVersion = resolveVersions(template, [input.DefaultVersion])[0].versionNumber;
  return { LaunchTemplate: toSdkTemplate(template) };
}

export function deleteLaunchTemplate(ctx: OperationContext, input: DeleteLaunchTemplateRequest): DeleteLaunchTemplateResult {
  const template = findTemplate(ctx, input.LaunchTemplateId, input.LaunchTemplateName);
  ctx.region.launchTemplates.delete(template.id);
  return { LaunchTemplate: toSdkTemplate(template) };
}

/** The versions `$Latest`, `$Default` or numbers name, in the order asked, without repeats. */
function resolveVersions(template: LaunchTemplateRecord, versions: readonly string[]): LaunchTemplateVersionRecord[] {
  const found: LaunchTemplateVersionRecord[] = [];
  for (const text of versions) {
    const number = text === '$Latest' ? latestOf(template).versionNumber
      : text === '$Default' ? template.defaultVersion
        : /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isNaN(number)) throw ec2Error('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version '${text}'.`);
    const version = template.versions.find((v) => v.versionNumber === number);
    if (!version) {
      throw ec2Error('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${text} for template ${template.id}.`);
    }
    if (!found.includes(version)) found.push(version);
  }
  return found;
}

interface VersionView {
  readonly template: LaunchTemplateRecord;
  readonly sdk: LaunchTemplateVersion;
}

const READERS: FieldReaders<VersionView> = {
  'image-id': (v) => v.sdk.LaunchTemplateData?.ImageId,
  'instance-type': (v) => v.sdk.LaunchTemplateData?.InstanceType,
  'is-default-version': (v) => String(v.sdk.DefaultVersion),
  'create-time': (v) => v.sdk.CreateTime?.toISOString(),
};

export function describeLaunchTemplateVersions(
  ctx: OperationContext,
  input: DescribeLaunchTemplateVersionsRequest,
): DescribeLaunchTemplateVersionsResult {
  checkFilters(input.Filters, READERS);
  const versions = input.Versions ?? [];
  let picked: VersionView[];
  if (input.LaunchTemplateId === undefined && input.LaunchTemplateName === undefined) {
    // Every template of the account: only the $Latest and/or $Default versions can be asked for.
    if (!versions.length || versions.some((v) => v !== '$Latest' && v !== '$Default')) {
      throw ec2Error('MissingParameter',
        'Without a launch template ID or name, Versions must be $Latest, $Default, or both (to describe those versions of every launch template).');
    }
    picked = [...ctx.region.launchTemplates.values()]
      .flatMap((template) => resolveVersions(template, versions).map((v) => ({ template, sdk: toSdkVersion(template, v) })));
  } else {
    const template = findTemplate(ctx, input.LaunchTemplateId, input.LaunchTemplateName);
    const min = input.MinVersion === undefined ? -Infinity : Number(input.MinVersion);
    const max = input.MaxVersion === undefined ? Infinity : Number(input.MaxVersion);
    const chosen = versions.length ? resolveVersions(template, versions) : template.versions;
    picked = chosen
      .filter((v) => v.versionNumber >= min && v.versionNumber <= max)
      .map((v) => ({ template, sdk: toSdkVersion(template, v) }));
  }
  const LaunchTemplateVersions = picked
    .filter((view) => matchesFilters(view, view.template.tags, input.Filters, READERS))
    .map((view) => view.sdk);
  return { LaunchTemplateVersions };
}
