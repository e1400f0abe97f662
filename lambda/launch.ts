/**
 * Step "Launch build instance": starts the temporary instance from the source image, trying each
 * allowed instance type in each allowed subnet until one has capacity (capacity is per Availability Zone, so
 * list subnets in several zones; in the default VPC, where no subnet is named, EC2 itself picks a zone that
 * offers the type and has capacity). A type over the region's vCPU quota is not tried in the other subnets,
 * but the next, smaller, type may fit. The instance requires
 * IMDSv2, has an encrypted root volume, and carries the build's tags (so do its volumes). In subnets the
 * recipe or the bakery names it never gets a public IP address (it reaches SSM through NAT or VPC
 * endpoints), whatever the subnet's auto-assign setting. With `instance.spot` it asks for a one-time Spot
 * instance in every placement first, then, unless `instance.spotFallback` is false, On-Demand; the
 * recipe's `instance.userData` runs at first boot, as Packer's `user_data` does.
 *
 * Step "Launch test instance" uses the same handler once the image exists (`imageId` set): it launches an
 * instance from the new image, in the same network, with `testInstance.types` (else the build's types),
 * without user data, and starts the tests.
 *
 * Event: `BakeState` after prepare. Returns: the state with `instanceId`, `instanceType`, the
 * `launch` and `wait-for-agent` phases, and the poll loop that waits for the SSM agent; for the test
 * instance, the `test` phase and `tests` with its id.
 */
import { createHash } from 'node:crypto';
import { RunInstancesCommand, RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { ec2 } from './shared/clients/ec2';
import * as config from './shared/config';
import { isAwsErrorNamed, NoCapacity } from './shared/errors';
import { handleStep } from './shared/handle-step';
import { LambdaContext, logger } from './shared/logger';
import { enterPhase } from './shared/phases';
import { startPoll } from './shared/poll';
import { defaultAgentOnlineSeconds, defaultInstanceTypes } from './shared/recipe-defaults';
import { requireBuild } from './shared/state';
import { toTagList } from './shared/tags';
import type { BakeState, BuildContext } from './shared/types';
import { DEFAULT_ROOT_VOLUME_TYPE } from '../src/recipe/launch-rules';

/**
 * EC2 errors meaning "not this type here, try another": the bake moves on to the next choice. Capacity and offerings
 * are per Availability Zone (another subnet may work); the On-Demand quotas are per region (a smaller type may fit).
 */
export const CAPACITY_ERRORS = ['InsufficientInstanceCapacity', 'Unsupported', 'InstanceLimitExceeded', 'VcpuLimitExceeded'];

/** Capacity errors about the account's quota in the region, not the zone: the same type in another subnet is not tried. */
export const QUOTA_ERRORS = ['InstanceLimitExceeded', 'VcpuLimitExceeded'];

/** What Spot answers when it has no capacity or price for a request: the next choice, or On-Demand, is tried. */
export const SPOT_CAPACITY_ERRORS = ['SpotMaxPriceTooLow', 'MaxSpotInstanceCountExceeded', 'InsufficientCapacity'];

/** One instance type in one subnet (undefined: the default VPC picks), as Spot or On-Demand. */
export interface Placement {
  readonly instanceType: string;
  readonly subnetId?: string;
  readonly spot?: boolean;
}

export const handler = async (state: BakeState, context?: LambdaContext): Promise<BakeState> =>
  handleStep('launch', state.build?.buildId, context, () => launch(state));

async function launch(state: BakeState): Promise<BakeState> {
  const build = requireBuild(state, 'launch');
  if (state.imageId) return launchTestInstance(state, build, state.imageId);
  const phases = enterPhase(state.phases, 'launch');
  const target: LaunchTarget = { imageId: build.sourceAmiId, role: 'build' };
  const { instanceId, instanceType, spot } = await runFirstAvailable(build, placements(build), target);
  return {
    ...state,
    phases: enterPhase(phases, 'wait-for-agent'),
    instanceId,
    instanceType,
    ...(spot ? { spot } : {}),
    poll: agentPoll(build),
  };
}

/** Launches the test instance from the new image and starts the tests. */
async function launchTestInstance(state: BakeState, build: BuildContext, imageId: string): Promise<BakeState> {
  const types = build.recipe.testInstance?.types;
  const { instanceId, instanceType } = await runFirstAvailable(build, placements(build, types), { imageId, role: 'test' });
  return {
    ...state,
    phases: enterPhase(state.phases, 'test'),
    tests: { index: 0, count: build.recipe.tests?.length ?? 0, results: [], instanceId, instanceType },
    poll: agentPoll(build),
  };
}

/**
 * No event says the SSM agent came online, so its wait polls: first when an instance could be online at the
 * earliest (a Linux one boots and registers in half a minute or more, a Windows one in minutes), then every few
 * seconds, the spacing growing slowly with the wait, so a late agent costs few checks and an early one little time.
 */
export const AGENT_SCHEDULES = {
  linux: { firstSeconds: 25, thenSeconds: 3, growth: 1.2, maxSeconds: 6 },
  windows: { firstSeconds: 90, thenSeconds: 5, growth: 1.1, maxSeconds: 15 },
} as const;

function agentPoll(build: BuildContext) {
  const budgetSeconds = build.recipe.timeouts?.agentOnlineSeconds ?? defaultAgentOnlineSeconds(build.platform);
  return startPoll({ loop: 'agent', ...AGENT_SCHEDULES[build.platform], budgetSeconds });
}

interface Launched {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly spot?: boolean;
}

/** What is launched: the build instance from the source image, or the test instance from the new image. */
export interface LaunchTarget {
  readonly imageId: string;
  readonly role: 'build' | 'test';
}

/**
 * Every type in the recipe's order (or `types`), each in every subnet (the recipe's, else the bakery's); with `spot`,
 * all of them as Spot first, then as On-Demand unless `spotFallback` is false.
 */
export function placements(build: BuildContext, types: readonly string[] = buildInstanceTypes(build)): Placement[] {
  const subnets: (string | undefined)[] = build.recipe.instance?.subnetIds ?? config.defaultSubnetIds();
  const subnetChoices = subnets.length > 0 ? subnets : [undefined];
  const onDemand = types.flatMap((instanceType) => subnetChoices.map((subnetId) => ({ instanceType, subnetId })));
  if (build.recipe.instance?.spot !== true) return onDemand;
  const spot = onDemand.map((placement) => ({ ...placement, spot: true }));
  return build.recipe.instance.spotFallback === false ? spot : [...spot, ...onDemand];
}

function buildInstanceTypes(build: BuildContext): string[] {
  return build.recipe.instance?.types ?? defaultInstanceTypes(build.architecture, build.platform);
}

/** Launches in the first placement with capacity; throws `NoCapacity` listing every attempt. */
async function runFirstAvailable(build: BuildContext, choices: Placement[], target: LaunchTarget): Promise<Launched> {
  const attempts: string[] = [];
  const overQuota = new Set<string>();
  for (const placement of choices) {
    if (overQuota.has(quotaKey(placement))) continue;
    try {
      return { instanceId: await runInstance(build, placement, target), instanceType: placement.instanceType, spot: placement.spot };
    } catch (error) {
      if (!isAwsErrorNamed(error, ...CAPACITY_ERRORS, ...(placement.spot ? SPOT_CAPACITY_ERRORS : []))) throw error;
      logger.warn('No capacity, trying the next choice', { ...placement, error: error.name });
      if (QUOTA_ERRORS.includes(error.name)) overQuota.add(quotaKey(placement));
      attempts.push(`${describePlacement(placement, zoneNamedIn(error.message))}: ${error.name} (${error.message})`);
    }
  }
  throw new NoCapacity(
    `could not launch the ${target.role} instance with any allowed instance type and subnet. Tried:\n${attempts.map((line) => `- ${line}`).join('\n')}\n` +
    `Add instance types to ${target.role === 'test' ? 'testInstance.types' : 'instance.types'}, or subnets in other Availability Zones to instance.subnetIds` +
    `${build.recipe.instance?.spot && build.recipe.instance.spotFallback === false ? ', or let Spot fall back to On-Demand (instance.spotFallback)' : ''}` +
    `${attempts.some((line) => line.includes(': VcpuLimitExceeded (')) ? QUOTA_ADVICE : ''}.`,
  );
}

const QUOTA_ADVICE = ', or list a type with fewer vCPUs, or raise the region\'s "Running On-Demand ... instances" vCPU quota in Service Quotas';

/** A type over a regional quota stays over it in every subnet (for its market: Spot has quotas of its own). */
function quotaKey(placement: Placement): string {
  return `${placement.spot ? 'spot' : 'on-demand'} ${placement.instanceType}`;
}

/** The Availability Zone an EC2 capacity message names (`... in the Availability Zone you requested (us-east-1a)`). */
export function zoneNamedIn(message: string): string | undefined {
  return /Availability Zone(?: you requested)? \(([a-z]{2}(?:-[a-z]+)+-\d+[a-z])\)/.exec(message)?.[1];
}

function describePlacement(placement: Placement, zone?: string): string {
  return `${placement.spot ? 'Spot ' : ''}${placement.instanceType} in ${placement.subnetId ?? 'the default subnet'}${zone ? ` (${zone})` : ''}`;
}

/** One RunInstances call; returns the instance id. */
async function runInstance(build: BuildContext, placement: Placement, target: LaunchTarget): Promise<string> {
  logger.info(`Launching ${target.role} instance`, { ...placement, imageId: target.imageId });
  const { Instances } = await ec2().send(new RunInstancesCommand(runInstancesInput(build, placement, target)));
  const instanceId = Instances?.[0]?.InstanceId;
  if (!instanceId) throw new Error('RunInstances returned no instance');
  logger.info(`Launched ${target.role} instance`, { instanceId, instanceType: placement.instanceType });
  return instanceId;
}

/**
 * The RunInstances request for a placement. The test instance starts from the new image as it is: its block
 * devices are the image's (encrypted as the image is), and it runs no user data.
 */
export function runInstancesInput(build: BuildContext, placement: Placement, target?: LaunchTarget): RunInstancesCommandInput {
  const securityGroupIds = build.recipe.instance?.securityGroupIds ?? config.defaultSecurityGroupIds();
  const test = target?.role === 'test';
  const tags = toTagList(test ? { ...build.runTags, Name: `cdk-ami-bakery test ${build.recipe.name} ${build.buildId}`.slice(0, 256) } : build.runTags);
  return {
    ImageId: target?.imageId ?? build.sourceAmiId,
    InstanceType: placement.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    ClientToken: clientToken(build.buildId, placement, test),
    IamInstanceProfile: { Name: config.instanceProfileName() },
    ...networkInput(placement.subnetId, securityGroupIds),
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    ...(placement.spot ? { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } } } : {}),
    ...(test ? {} : buildInstanceStorage(build)),
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ],
  };
}

/** The build instance's user data and root volume (gp3, encrypted unless `ami.encrypted` is false). */
function buildInstanceStorage(build: BuildContext): Partial<RunInstancesCommandInput> {
  const rootVolume = build.recipe.instance?.rootVolume;
  return {
    ...(build.recipe.instance?.userData ? { UserData: Buffer.from(build.recipe.instance.userData, 'utf8').toString('base64') } : {}),
    BlockDeviceMappings: [{
      DeviceName: build.rootDeviceName,
      Ebs: {
        VolumeSize: rootVolume?.sizeGiB,
        VolumeType: rootVolume?.type ?? DEFAULT_ROOT_VOLUME_TYPE,
        Iops: rootVolume?.iops,
        Throughput: rootVolume?.throughputMiBps,
        // Unencrypted (`ami.encrypted: false`, for public images): the volume is as the source snapshot and the account default make it.
        Encrypted: build.recipe.ami?.encrypted === false ? undefined : true,
        KmsKeyId: build.recipe.ami?.kmsKeyId,
        DeleteOnTermination: true,
      },
    }],
  };
}

/**
 * Where the instance is attached. In a named subnet: one network interface without a public IP (EC2 takes
 * the subnet and groups from the interface then, and refuses them at the top level as well). In the default
 * VPC: the top-level fields, so the default subnet's settings apply.
 */
function networkInput(subnetId: string | undefined, securityGroupIds: string[]): Partial<RunInstancesCommandInput> {
  const groups = securityGroupIds.length > 0 ? [...securityGroupIds] : undefined;
  if (!subnetId) return groups ? { SecurityGroupIds: groups } : {};
  return {
    NetworkInterfaces: [{
      DeviceIndex: 0,
      SubnetId: subnetId,
      ...(groups ? { Groups: groups } : {}),
      AssociatePublicIpAddress: false,
      DeleteOnTermination: true,
    }],
  };
}

/**
 * The idempotency token of a launch: the same build, type and subnet always give the same token, so
 * a retried call returns the instance the first call started instead of a second one. At most 64
 * characters, as EC2 requires.
 */
export function clientToken(buildId: string, placement: Placement, test = false): string {
  const parts = [buildId, placement.instanceType, placement.subnetId ?? '', ...(placement.spot ? ['spot'] : []), ...(test ? ['test'] : [])];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 64);
}
