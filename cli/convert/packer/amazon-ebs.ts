/**
 * The attributes of an `amazon-ebs` source, and the recipe fields they become. Connection settings are not needed
 * (the bakery provisions through SSM Run Command); settings the bakery decides itself (region, credentials, the
 * instance profile) are reported with what to do instead; anything else the recipe cannot express is not carried.
 */
import { BUILD_PLACEHOLDERS, carry, FieldContext, recipeText, textList, textMap } from './recipe-fields';
import { bakeTimeNames } from '../hcl/bake-time';
import { isObject } from '../hcl/evaluate';
import type { Value } from '../hcl/syntax';
import { SSM_REPLACES_CONNECTIONS } from '../report';

type Mapper = (value: Value, context: FieldContext) => void;

const text = (field: string, placeholders?: Record<string, string>): Mapper => (value, context) => {
  const converted = recipeText(value, context, placeholders);
  if (converted !== undefined) carry(context, field, converted);
};
const list = (field: string): Mapper => (value, context) => {
  if (Array.isArray(value) && value.length === 0) return context.report.notNeeded(context.place, context.attribute, 'an empty list: nothing to set');
  const converted = textList(value, context);
  if (converted !== undefined) carry(context, field, converted);
};
const map = (field: string, placeholders?: Record<string, string>): Mapper => (value, context) => {
  if (isEmptyMap(value)) return context.report.notNeeded(context.place, context.attribute, 'an empty map: nothing to set');
  const converted = textMap(value, context, placeholders);
  if (converted !== undefined) carry(context, field, converted);
};
const isEmptyMap = (value: Value) => isObject(value) && Object.keys(value).length === 0;
const bool = (field: string): Mapper => (value, context) => carry(context, field, value === true || value === 'true');
const notCarried = (reason: string): Mapper => (_value, context) => context.report.notCarried(context.place, context.attribute, reason);
const notNeeded = (reason = SSM_REPLACES_CONNECTIONS): Mapper => (_value, context) => {
  context.report.notNeeded(context.place, context.attribute, reason);
};

/** A lookup filter: the recipe names ids, which the filter would find (`aws ec2 describe-subnets --filters ...`). */
const idsOf = (field: string, what: string): Mapper => (value, context) => {
  const filters = (value as { filters?: Value } | null)?.filters ?? value;
  context.report.notCarried(context.place, context.attribute,
    `set ${field} to the ids of the ${what} matching ${JSON.stringify(filters)}; a recipe names ids, it does not look them up`);
};

const RUNNER_ROLE = 'the bakery\'s runner role makes every AWS call';

/** The mapper of an `amazon-ebs` attribute (or nested block) by name. */
export function amazonEbsMapper(name: string): Mapper | undefined {
  return Object.hasOwn(AMAZON_EBS_ATTRIBUTES, name) ? AMAZON_EBS_ATTRIBUTES[name] : undefined;
}

/** `amazon-ebs` attributes by name. */
const AMAZON_EBS_ATTRIBUTES: Record<string, Mapper> = {
  source_ami: text('source.amiId'),
  instance_type: (value, context) => {
    const types = textList(value, context);
    if (types) carry(context, 'instance.types', types);
  },
  spot_instance_types: (value, context) => {
    const types = textList(value, context);
    if (types) carry(context, 'instance.types', types, 'launched as a one-time Spot request: instance.spot is true');
    if (types) carry(context, 'instance.spot', true);
  },
  spot_price: (value, context) => {
    if (value === '' || value === '0') return notNeeded('an empty spot_price launches on demand')(value, context);
    carry(context, 'instance.spot', true, value === 'auto' ? undefined : `EC2 caps a Spot price at the on-demand price; ${JSON.stringify(value)} is not kept`);
  },
  subnet_id: list('instance.subnetIds'),
  security_group_id: list('instance.securityGroupIds'),
  security_group_ids: list('instance.securityGroupIds'),
  run_tags: map('instance.tags', BUILD_PLACEHOLDERS),
  ami_name: text('ami.name'),
  ami_description: text('ami.description', BUILD_PLACEHOLDERS),
  tags: map('ami.tags', BUILD_PLACEHOLDERS),
  snapshot_tags: map('ami.tags', BUILD_PLACEHOLDERS),
  deprecate_at: deprecateAt,
  encrypt_boot: bool('ami.encrypted'),
  kms_key_id: text('ami.kmsKeyId'),
  force_deregister: bool('ami.forceDeregister'),
  force_delete_snapshot: (value, context) => {
    if (value === true) context.report.carried(context.place, context.attribute, 'ami.forceDeregister', 'the bakery deletes a replaced image\'s snapshots');
  },
  deregistration_protection: (value, context) => carry(context, 'ami.deregistrationProtection', (value as { enabled?: boolean } | null)?.enabled === true || value === true),
  ami_regions: list('distribution.regions'),
  region_kms_key_ids: map('distribution.kmsKeyIds'),
  ami_users: list('distribution.sharing.accounts'),
  snapshot_users: (_value, context) => context.report.carried(context.place, context.attribute, 'distribution.sharing.accounts',
    'the bakery shares an image\'s snapshots with every account it shares the image with'),
  ami_org_arns: list('distribution.sharing.organizationArns'),
  ami_ou_arns: list('distribution.sharing.organizationalUnitArns'),
  ami_groups: (value, context) => {
    const groups = textList(value, context);
    if (groups?.includes('all')) {
      carry(context, 'distribution.sharing.public', true, 'a public image must be unencrypted: check ami.encrypted');
      carry(context, 'distribution.sharing.allowPublic', true);
    }
  },
  region: (value, context) => context.report.notCarried(context.place, context.attribute,
    `a bakery bakes in the region it is deployed in; deploy it in ${JSON.stringify(value)}, or copy the image there with distribution.regions`),
  iam_instance_profile: notCarried('the build instance uses the bakery\'s own instance profile; grant it what the provisioning needs'),
  temporary_iam_instance_profile_policy_document: notCarried('the build instance uses the bakery\'s own instance profile'),
  subnet_filter: idsOf('instance.subnetIds', 'subnets'),
  vpc_filter: idsOf('instance.subnetIds', 'subnets in the VPC'),
  vpc_id: (value, context) => context.report.notCarried(context.place, context.attribute, `set instance.subnetIds to subnets of ${String(value)}`),
  security_group_filter: idsOf('instance.securityGroupIds', 'security groups'),
  availability_zone: notCarried('choose the zone through instance.subnetIds'),
  shutdown_behavior: notNeeded('the bakery stops the build instance itself'),
  skip_create_ami: notCarried('a bake always makes an image'),
  access_key: notNeeded(RUNNER_ROLE),
  secret_key: notNeeded(RUNNER_ROLE),
  token: notNeeded(RUNNER_ROLE),
  profile: notNeeded(RUNNER_ROLE),
  assume_role: notNeeded(RUNNER_ROLE),
  communicator: notNeeded(),
  associate_public_ip_address: notNeeded('SSM Run Command needs no public address (the subnet needs a route to SSM)'),
  pause_before_connecting: notNeeded(),
  ssh_interface: notNeeded(),
};

/** `deprecate_at = timeadd(timestamp(), "8760h")`: deprecated that long after the bake, in whole days. */
function deprecateAt(value: Value, context: FieldContext): void {
  const names = typeof value === 'string' ? bakeTimeNames(value) : [];
  const after = names.length === 1 ? /^timestamp-after-(\d+)$/.exec(names[0]) : null;
  if (after && Number(after[1]) > 0) {
    const days = Math.min(3650, Math.ceil(Number(after[1]) / 86_400));
    carry(context, 'ami.deprecateAfterDays', days, Number(after[1]) % 86_400 === 0 ? undefined : 'rounded up to whole days');
    return;
  }
  context.report.notCarried(context.place, context.attribute,
    `a fixed time (${JSON.stringify(value)}) is not carried: a recipe deprecates each image a number of days after it is made; set ami.deprecateAfterDays`);
}

/** SSH, WinRM and key pair settings: the bakery never connects to the instance. */
export function isConnectionSetting(name: string): boolean {
  return /^(ssh_|winrm_|temporary_key_pair_|temporary_security_group_)/.test(name);
}
