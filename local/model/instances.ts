/**
 * EC2 instances: RunInstances (with ClientToken idempotency), DescribeInstances, Stop, Start and
 * Terminate. States come from each instance's timeline, read at call time.
 */
import type {
  DescribeInstancesRequest, DescribeInstancesResult, Instance, InstanceState, InstanceStateChange,
  Reservation, RunInstancesRequest, StartInstancesRequest, StartInstancesResult, StopInstancesRequest,
  StopInstancesResult, TerminateInstancesRequest, TerminateInstancesResult,
} from '@aws-sdk/client-ec2';
import { runScript } from './commands';
import { isSettled, settledInstance, settlesAt } from './consistency';
import type { OperationContext } from './context';
import { ec2Error } from './errors';
import { instanceFilesystem } from './filesystem';
import { checkFilters, FieldReaders, matchesFilters } from './filters';
import { isEc2Id } from './ids';
import { launchInputFingerprint, resolveLaunch } from './launch';
import { runPowerShell } from './powershell/interpreter';
import { toSimulatedPath } from './powershell/windows-paths';
import type { ImageRecord, InstanceRecord, InstanceStateName, RegionState } from './records';
import { changeEvent } from './service-events';
import { privateIpIn } from './subnets';
import { tagList, tagsFor } from './tags';
import { Timeline, TimelineEntry } from './timeline';
import type { Range } from './timings';
import { createVolumes } from './volumes';

const STATE_CODES: Record<InstanceStateName, number> = {
  'pending': 0, 'running': 16, 'shutting-down': 32, 'terminated': 48, 'stopping': 64, 'stopped': 80,
};

function sdkState(name: InstanceStateName): InstanceState {
  return { Code: STATE_CODES[name], Name: name };
}

/** The instance's state at `t`. */
export function instanceStateAt(instance: InstanceRecord, t: number): InstanceStateName {
  return instance.state.valueAt(t);
}

/** False once a terminated instance has dropped out of DescribeInstances (about an hour). */
export function isVisible(ctx: OperationContext, instance: InstanceRecord): boolean {
  const terminatedAt = instance.state.firstAt('terminated');
  return terminatedAt === undefined || ctx.now < terminatedAt + ctx.timings.terminatedVisibleMs;
}

/**
 * The instance with this id, or the error EC2 gives for a malformed or unknown id; also `InvalidInstanceID.NotFound`
 * for an instance launched so recently that EC2 does not know it yet (eventual consistency).
 */
export function findInstance(ctx: OperationContext, id: string | undefined): InstanceRecord {
  if (!isEc2Id(id, 'i')) throw ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
  const instance = ctx.region.instances.get(id);
  if (!instance || !isVisible(ctx, instance)) {
    throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
  }
  return settledInstance(ctx, instance);
}

function userInitiated(instance: InstanceRecord, t: number): string {
  const state = instanceStateAt(instance, t);
  if (state === 'pending' || state === 'running') return '';
  const since = new Date(instance.state.since(t)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' GMT');
  return `User initiated (${since})`;
}

/** The instance as DescribeInstances shows it at the context's time. */
export function toSdkInstance(ctx: OperationContext, instance: InstanceRecord): Instance {
  const state = instanceStateAt(instance, ctx.now);
  const stopped = state === 'stopped' || state === 'stopping' || state === 'terminated' || state === 'shutting-down';
  const gone = state === 'terminated';
  return {
    InstanceId: instance.id,
    ImageId: instance.imageId,
    InstanceType: instance.instanceType as Instance['InstanceType'],
    State: sdkState(state),
    StateTransitionReason: userInitiated(instance, ctx.now),
    StateReason: stopped ? { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' } : undefined,
    LaunchTime: new Date(instance.lastLaunchAt),
    Placement: { AvailabilityZone: instance.availabilityZone, Tenancy: 'default', GroupName: '' },
    Architecture: instance.architecture,
    ...(instance.lifecycle ? { InstanceLifecycle: instance.lifecycle } : {}),
    Platform: instance.platform === 'windows' ? 'windows' as Instance['Platform'] : undefined,
    PlatformDetails: instance.platform === 'windows' ? 'Windows' : 'Linux/UNIX',
    RootDeviceName: instance.rootDeviceName,
    RootDeviceType: 'ebs',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    ClientToken: instance.clientToken ?? '',
    AmiLaunchIndex: 0,
    SubnetId: gone ? undefined : instance.subnetId,
    VpcId: gone ? undefined : instance.vpcId,
    PrivateIpAddress: gone ? undefined : instance.privateIp,
    PrivateDnsName: gone ? '' : `ip-${instance.privateIp.replace(/\./g, '-')}.ec2.internal`,
    SecurityGroups: gone ? [] : instance.securityGroupIds.map((GroupId) => ({ GroupId, GroupName: GroupId })),
    IamInstanceProfile: instance.instanceProfile ? { Arn: instance.instanceProfile.arn, Id: instance.instanceProfile.id } : undefined,
    MetadataOptions: {
      State: 'applied',
      HttpTokens: instance.metadataOptions.httpTokens as 'required' | 'optional',
      HttpEndpoint: instance.metadataOptions.httpEndpoint as 'enabled' | 'disabled',
      HttpPutResponseHopLimit: instance.metadataOptions.hopLimit,
    },
    BlockDeviceMappings: gone ? [] : [...instance.volumes].map(([DeviceName, VolumeId]) => ({
      DeviceName,
      Ebs: {
        VolumeId,
        Status: 'attached',
        AttachTime: new Date(instance.createdAt),
        DeleteOnTermination: ctx.region.volumes.get(VolumeId)?.deleteOnTermination ?? true,
      },
    })),
    Tags: tagList(instance.tags),
  };
}

function reservationOf(ctx: OperationContext, reservationId: string, instances: InstanceRecord[]): Reservation {
  return {
    ReservationId: reservationId,
    OwnerId: ctx.accountId,
    Groups: [],
    Instances: instances.map((instance) => toSdkInstance(ctx, instance)),
  };
}

function instancesOfReservation(region: RegionState, reservationId: string): InstanceRecord[] {
  return [...region.instances.values()].filter((instance) => instance.reservationId === reservationId);
}

function checkClientToken(ctx: OperationContext, input: RunInstancesRequest): Reservation | undefined {
  if (!input.ClientToken) return undefined;
  const known = ctx.region.clientTokens.get(input.ClientToken);
  if (!known) return undefined;
  if (known.fingerprint !== launchInputFingerprint(input)) {
    throw ec2Error('IdempotentParameterMismatch',
      `The client token you have provided is associated with a resource that is already deleted or has different parameters: '${input.ClientToken}'.`);
  }
  return reservationOf(ctx, known.reservationId, instancesOfReservation(ctx.region, known.reservationId));
}

function launchOne(ctx: OperationContext, input: RunInstancesRequest, reservationId: string): InstanceRecord {
  const launch = resolveLaunch(ctx, input);
  const boot = ctx.pick(ctx.timings.bootMs);
  const id = ctx.ids.ec2('i');
  const instance: InstanceRecord = {
    id,
    reservationId,
    imageId: launch.image.id,
    instanceType: launch.instanceType,
    architecture: launch.image.architecture,
    platform: launch.image.platform,
    rootDeviceName: launch.image.rootDeviceName,
    createdAt: ctx.now,
    lastLaunchAt: ctx.now,
    clientToken: input.ClientToken,
    tags: tagsFor(launch.tags, 'instance'),
    state: new Timeline<InstanceStateName>(ctx.now, 'pending'),
    reboots: [],
    instanceProfile: launch.instanceProfile,
    metadataOptions: launch.metadataOptions,
    subnetId: launch.subnetId,
    vpcId: launch.subnet.vpcId,
    securityGroupIds: launch.securityGroupIds,
    privateIp: privateIpIn(launch.subnet, ctx.prng),
    availabilityZone: launch.subnet.availabilityZone,
    volumes: new Map(),
    agentDelayMs: ctx.pick(agentOnlineRange(ctx, launch.image)),
    // The root volume starts as the image left it: a baked image holds what its build instance wrote.
    files: new Set(launch.image.rootFiles?.files),
    contents: new Map(launch.image.rootFiles?.contents),
    ...(launch.spot ? { lifecycle: 'spot' as const, spotRequestType: launch.spot } : {}),
    settlesAt: settlesAt(ctx),
  };
  planStates(ctx, instance, [{ at: ctx.now + boot, value: 'running' }]);
  runUserData(ctx, instance, launch.userData);
  createVolumes(ctx, instance, launch.volumes, tagsFor(launch.tags, 'volume'));
  ctx.region.instances.set(id, instance);
  return instance;
}

/** How long the SSM agent takes to come online: Windows takes minutes, and longest on the first boot of a generalised image. */
function agentOnlineRange(ctx: OperationContext, image: ImageRecord): Range {
  if (image.platform !== 'windows') return ctx.timings.agentOnlineMs;
  return image.generalized ? ctx.timings.windowsFirstBootAgentOnlineMs : ctx.timings.windowsAgentOnlineMs;
}

/**
 * cloud-init runs user data that is a script (`#!`) once, at first boot: its changes are on the instance before
 * any step, and its output in /var/log/cloud-init-output.log. Other user data (`#cloud-config`) is kept as it is.
 */
function runUserData(ctx: OperationContext, instance: InstanceRecord, userData: string | undefined): void {
  if (userData === undefined) return;
  if (instance.platform === 'windows') {
    runWindowsUserData(ctx, instance, userData);
    return;
  }
  const fs = instanceFilesystem(instance);
  fs.writeFile('/var/lib/cloud/instance/user-data.txt', Buffer.from(userData, 'utf8'));
  if (!userData.startsWith('#!')) return;
  const result = runScript(userData, fs, ctx.prng);
  fs.writeFile('/var/log/cloud-init-output.log', Buffer.from(result.lines.map((line) => `${line.text}\n`).join(''), 'utf8'));
}

/** EC2Launch v2 runs the `<powershell>...</powershell>` part of user data once, at first boot, and logs its output. */
function runWindowsUserData(ctx: OperationContext, instance: InstanceRecord, userData: string): void {
  const script = /<powershell>([\s\S]*?)<\/powershell>/i.exec(userData)?.[1];
  if (script === undefined) return;
  const fs = instanceFilesystem(instance);
  const result = runPowerShell(script, fs, ctx.prng);
  fs.writeFile(toSimulatedPath(USER_DATA_LOG), Buffer.from(result.lines.map((line) => `${line.text}\n`).join(''), 'utf8'));
}

/** Where EC2Launch v2 writes the output of user data scripts. */
const USER_DATA_LOG = 'C:\\ProgramData\\Amazon\\EC2Launch\\log\\agent.log';

export function runInstances(ctx: OperationContext, input: RunInstancesRequest): Reservation {
  const existing = checkClientToken(ctx, input);
  if (existing) return existing;
  const min = input.MinCount;
  const max = input.MaxCount;
  if (min === undefined || max === undefined) {
    throw ec2Error('MissingParameter', 'The request must contain the parameters MinCount and MaxCount');
  }
  if (min < 1 || max < min) throw ec2Error('InvalidParameterValue', `Invalid MinCount/MaxCount: ${min}/${max}`);
  if (max > 20) throw ec2Error('InstanceLimitExceeded', `You have requested more instances (${max}) than your current instance limit of 20 allows.`);
  resolveLaunch(ctx, input);
  const reservationId = ctx.ids.ec2('r');
  const launched: InstanceRecord[] = [];
  for (let i = 0; i < max; i++) launched.push(launchOne(ctx, input, reservationId));
  if (input.ClientToken) {
    ctx.region.clientTokens.set(input.ClientToken, { fingerprint: launchInputFingerprint(input), reservationId });
  }
  return reservationOf(ctx, reservationId, launched);
}

const READERS: FieldReaders<Instance> = {
  'instance-id': (i) => i.InstanceId,
  'instance-state-name': (i) => i.State?.Name,
  'instance-state-code': (i) => String(i.State?.Code),
  'image-id': (i) => i.ImageId,
  'instance-type': (i) => i.InstanceType,
  'architecture': (i) => i.Architecture,
  'subnet-id': (i) => i.SubnetId,
  'vpc-id': (i) => i.VpcId,
  'client-token': (i) => i.ClientToken,
  'iam-instance-profile.arn': (i) => i.IamInstanceProfile?.Arn,
  'platform': (i) => i.Platform,
};

export function describeInstances(ctx: OperationContext, input: DescribeInstancesRequest): DescribeInstancesResult {
  checkFilters(input.Filters, READERS);
  const ids = input.InstanceIds ?? [];
  ids.forEach((id) => findInstance(ctx, id));
  const wanted = ids.length ? new Set(ids) : undefined;
  const byReservation = new Map<string, Instance[]>();
  for (const record of ctx.region.instances.values()) {
    if (!isVisible(ctx, record) || !isSettled(ctx, record) || (wanted && !wanted.has(record.id))) continue;
    const instance = toSdkInstance(ctx, record);
    if (!matchesFilters(instance, record.tags, input.Filters, READERS)) continue;
    byReservation.set(record.reservationId, [...(byReservation.get(record.reservationId) ?? []), instance]);
  }
  const Reservations = [...byReservation].map(([ReservationId, Instances]) => ({
    ReservationId, OwnerId: ctx.accountId, Groups: [], Instances,
  }));
  return { Reservations };
}

/** Applies a state change to each instance and reports it the way EC2 does. */
function changeStates(
  ctx: OperationContext,
  ids: string[] | undefined,
  change: (instance: InstanceRecord, current: InstanceStateName) => void,
): InstanceStateChange[] {
  if (!ids?.length) throw ec2Error('MissingParameter', 'The request must contain the parameter InstanceIds');
  const instances = ids.map((id) => findInstance(ctx, id));
  return instances.map((instance) => {
    const previous = instanceStateAt(instance, ctx.now);
    change(instance, previous);
    return { InstanceId: instance.id, PreviousState: sdkState(previous), CurrentState: sdkState(instanceStateAt(instance, ctx.now)) };
  });
}

function incorrectState(instance: InstanceRecord, action: string): never {
  throw ec2Error('IncorrectInstanceState', `The instance '${instance.id}' is not in a state from which it can be ${action}.`);
}

/** Schedules the instance's next states, each with EC2's `EC2 Instance State-change Notification`. */
function planStates(ctx: OperationContext, instance: InstanceRecord, changes: TimelineEntry<InstanceStateName>[]): void {
  instance.state.reschedule(ctx.now, changes);
  for (const { at, value } of changes) {
    ctx.expectEvent(changeEvent(instance.state, instance.id, at, value, () => ({
      'source': 'aws.ec2',
      'detail-type': 'EC2 Instance State-change Notification',
      'resources': [`arn:aws:ec2:${ctx.region.name}:${ctx.accountId}:instance/${instance.id}`],
      'detail': { 'instance-id': instance.id, 'state': value },
    })));
  }
}

export function stopInstances(ctx: OperationContext, input: StopInstancesRequest): StopInstancesResult {
  const StoppingInstances = changeStates(ctx, input.InstanceIds, (instance, current) => {
    if (current === 'stopping' || current === 'stopped') return;
    if (instance.spotRequestType === 'one-time') {
      throw ec2Error('UnsupportedOperation', `You can't stop the Spot Instance '${instance.id}' because it is associated with a one-time Spot Instance request. ` +
        'You can only stop Spot Instances associated with persistent Spot Instance requests.');
    }
    if (current !== 'running') incorrectState(instance, 'stopped');
    const stopped = { at: ctx.now + ctx.pick(ctx.timings.stopMs), value: 'stopped' as const };
    planStates(ctx, instance, [{ at: ctx.now, value: 'stopping' }, ...(ctx.faults.instanceNeverStops ? [] : [stopped])]);
  });
  return { StoppingInstances };
}

export function startInstances(ctx: OperationContext, input: StartInstancesRequest): StartInstancesResult {
  const StartingInstances = changeStates(ctx, input.InstanceIds, (instance, current) => {
    if (current === 'pending' || current === 'running') return;
    if (current !== 'stopped') incorrectState(instance, 'started');
    instance.lastLaunchAt = ctx.now;
    planStates(ctx, instance, [
      { at: ctx.now, value: 'pending' },
      { at: ctx.now + ctx.pick(ctx.timings.bootMs), value: 'running' },
    ]);
  });
  return { StartingInstances };
}

export function terminateInstances(ctx: OperationContext, input: TerminateInstancesRequest): TerminateInstancesResult {
  const TerminatingInstances = changeStates(ctx, input.InstanceIds, (instance, current) => {
    if (current === 'shutting-down' || current === 'terminated') return;
    const shutdown = current === 'stopped' ? 2_000 : ctx.pick(ctx.timings.terminateMs);
    planStates(ctx, instance, [
      { at: ctx.now, value: 'shutting-down' },
      { at: ctx.now + shutdown, value: 'terminated' },
    ]);
  });
  return { TerminatingInstances };
}
