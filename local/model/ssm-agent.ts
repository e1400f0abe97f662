/**
 * The SSM agent on each instance: it registers some seconds after the instance first runs (only
 * with an instance profile), is `Online` while the instance runs, and `ConnectionLost` while the
 * instance reboots, stops or starts again. DescribeInstanceInformation reports it.
 */
import type {
  DescribeInstanceInformationRequest, DescribeInstanceInformationResult, InstanceInformation,
} from '@aws-sdk/client-ssm';
import type { OperationContext } from './context';
import { ssmError } from './errors';
import type { InstanceRecord } from './records';
import { anyImage } from './visibility';

export type AgentStatus = 'Online' | 'ConnectionLost';

/** The agent's status at `t`, or undefined while the instance is not registered with SSM. */
export function agentStatusAt(ctx: OperationContext, instance: InstanceRecord, t: number): AgentStatus | undefined {
  if (!instance.instanceProfile || ctx.faults.agentNeverOnline) return undefined;
  const firstRunning = instance.state.firstAt('running');
  if (firstRunning === undefined || t < firstRunning + instance.agentDelayMs) return undefined;
  const state = instance.state.valueAt(t);
  if (state === 'terminated') return undefined;
  if (state !== 'running') return 'ConnectionLost';
  if (t < instance.state.since(t) + instance.agentDelayMs) return 'ConnectionLost';
  return instance.reboots.some((w) => t >= w.start && t < w.end) ? 'ConnectionLost' : 'Online';
}

/** When a registered agent that is away at `t` will be back, if that is already known. */
export function agentBackAt(instance: InstanceRecord, t: number): number | undefined {
  if (instance.state.valueAt(t) !== 'running') return undefined;
  const reboot = instance.reboots.find((w) => t >= w.start && t < w.end);
  const backAt = Math.max(reboot?.end ?? t, instance.state.since(t) + instance.agentDelayMs);
  const leavesRunning = instance.state.firstChangeAway('running', t);
  return leavesRunning !== undefined && leavesRunning <= backAt ? undefined : backAt;
}

function platformOf(ctx: OperationContext, instance: InstanceRecord): { name: string; version: string } {
  const imageName = anyImage(ctx, instance.imageId)?.name ?? '';
  const ubuntu = /ubuntu-\w+-(\d\d\.\d\d)/.exec(imageName);
  if (ubuntu) return { name: 'Ubuntu', version: ubuntu[1] };
  if (imageName.startsWith('al2023')) return { name: 'Amazon Linux', version: '2023' };
  if (instance.platform === 'windows') {
    const release = /Windows_Server-(\d{4})/.exec(imageName)?.[1] ?? '2022';
    return { name: `Microsoft Windows Server ${release} Datacenter`, version: WINDOWS_BUILDS[release] ?? '10.0.20348' };
  }
  return { name: 'Linux', version: '' };
}

/** The Windows build each Windows Server release reports. */
const WINDOWS_BUILDS: Record<string, string> = { 2016: '10.0.14393', 2019: '10.0.17763', 2022: '10.0.20348', 2025: '10.0.26100' };

function information(ctx: OperationContext, instance: InstanceRecord, status: AgentStatus): InstanceInformation {
  const platform = platformOf(ctx, instance);
  return {
    InstanceId: instance.id,
    PingStatus: status,
    LastPingDateTime: new Date(status === 'Online' ? ctx.now - (ctx.now % 60_000) : instance.state.since(ctx.now)),
    AgentVersion: '3.3.1142.0',
    IsLatestVersion: false,
    PlatformType: instance.platform === 'windows' ? 'Windows' : 'Linux',
    PlatformName: platform.name,
    PlatformVersion: platform.version,
    ResourceType: 'EC2Instance',
    IPAddress: instance.privateIp,
    ComputerName: `ip-${instance.privateIp.replace(/\./g, '-')}.ec2.internal`,
    SourceId: instance.id,
    SourceType: 'AWS::EC2::Instance',
  };
}

const FILTER_KEYS = ['InstanceIds', 'PingStatus', 'PlatformTypes', 'ResourceType', 'AgentVersion', 'AssociationStatus'];

/** The filters of either request style as key → allowed values. */
function filtersOf(input: DescribeInstanceInformationRequest): [string, string[]][] {
  const filters: [string, string[]][] = [
    ...(input.Filters ?? []).map((f): [string, string[]] => [f.Key ?? '', f.Values ?? []]),
    ...(input.InstanceInformationFilterList ?? []).map((f): [string, string[]] => [f.key ?? '', f.valueSet ?? []]),
  ];
  for (const [key] of filters) {
    if (!FILTER_KEYS.includes(key) && !key.startsWith('tag:') && key !== 'tag-key') {
      throw ssmError('InvalidFilterKey', `The filter key ${key} is not valid. Valid filter keys: ${FILTER_KEYS.join(', ')}, tag:<key>, tag-key.`);
    }
  }
  return filters;
}

function matches(info: InstanceInformation, instance: InstanceRecord, key: string, values: string[]): boolean {
  switch (key) {
    case 'InstanceIds': return values.includes(instance.id);
    case 'PingStatus': return values.includes(info.PingStatus ?? '');
    case 'PlatformTypes': return values.includes(info.PlatformType ?? '');
    case 'ResourceType': return values.includes(info.ResourceType ?? '');
    case 'AgentVersion': return values.includes(info.AgentVersion ?? '');
    case 'tag-key': return values.some((v) => instance.tags.has(v));
    case 'AssociationStatus': return false;
    default: return values.includes(instance.tags.get(key.slice(4)) ?? '\u0000');
  }
}

export function describeInstanceInformation(
  ctx: OperationContext,
  input: DescribeInstanceInformationRequest,
): DescribeInstanceInformationResult {
  const filters = filtersOf(input);
  const list: InstanceInformation[] = [];
  for (const instance of ctx.region.instances.values()) {
    const status = agentStatusAt(ctx, instance, ctx.now);
    if (!status) continue;
    const info = information(ctx, instance, status);
    if (filters.every(([key, values]) => matches(info, instance, key, values))) list.push(info);
  }
  return { InstanceInformationList: list };
}
