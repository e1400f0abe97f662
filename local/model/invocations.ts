/**
 * Run Command: SendCommand plans each invocation at once from the simulated shell (durations,
 * output, exit code, reboots via exit 194), and GetCommandInvocation / ListCommandInvocations
 * read the plan at call time: InvocationDoesNotExist for a moment (longer under `consistency:<seconds>`), then
 * Pending → InProgress → Success / Failed / TimedOut. A `step:<n>:<ending>` rule makes SSM end the n-th command
 * its own way instead (see `command-endings.ts`); a script that reboots the instance without exit 194 is killed
 * with the agent, which reports it Failed once the instance is back.
 */
import type {
  Command, CommandInvocation, GetCommandInvocationRequest, GetCommandInvocationResult, ListCommandInvocationsRequest,
  ListCommandInvocationsResult, SendCommandRequest, SendCommandResult,
} from '@aws-sdk/client-ssm';
import { CommandEndingRule, endedBySsm, delayedDelivery } from './command-endings';
import { runScript, ScriptResult } from './commands';
import { commandSettlingMs } from './consistency';
import type { OperationContext } from './context';
import type { InstancePlatform, PlatformScript } from './documents/command-documents';
import type { S3Reader } from './documents/s3-reader';
import { ssmError } from './errors';
import { instanceFilesystem, SimulatedFilesystem } from './filesystem';
import type { Prng } from './ids';
import { runPowerShell } from './powershell/interpreter';
import { toSimulatedPath } from './powershell/windows-paths';
import type { InstanceRecord, InvocationRecord, OutputLine, ScriptRun } from './records';
import { checkSendCommand, CheckedCommand } from './send-command-input';
import { agentBackAt, agentStatusAt } from './ssm-agent';

const STDOUT_LIMIT = 24_000;
const STDERR_LIMIT = 8_000;
const PLUGIN_OUTPUT_LIMIT = 2_500;
const MAX_REBOOTS = 10;

function invocationKey(commandId: string, instanceId: string): string {
  return `${commandId}:${instanceId}`;
}

/** When the agent will start the script, or undefined when it cannot be delivered in time. */
function deliveryTime(ctx: OperationContext, instance: InstanceRecord, deliveryMs: number): number | undefined {
  const status = agentStatusAt(ctx, instance, ctx.now);
  const back = status === 'Online' ? ctx.now : agentBackAt(instance, ctx.now);
  if (back === undefined) return undefined;
  const start = back + ctx.pick(ctx.timings.invocationStartMs);
  return start - ctx.now <= deliveryMs ? start : undefined;
}

interface Outcome {
  readonly runs: ScriptRun[];
  readonly output: OutputLine[];
  readonly endAt: number;
  readonly status: InvocationRecord['status'];
  readonly statusDetails: string;
  readonly responseCode: number;
}

/** Faults for one command: a rule that makes its first run fail, a script that never ends, or SSM's own ending. */
interface CommandFaults {
  readonly failRule?: string;
  readonly hangs?: boolean;
  readonly ending?: CommandEndingRule;
}

/** Files a document's downloads bring, by the path they land at. */
type DownloadedFiles = readonly { readonly path: string; readonly body: Buffer }[];

/** What `aws:downloadContent` fetches for a command on an instance, read from the simulated S3 when it is sent. */
function fetchDownloads(script: PlatformScript | undefined, s3: S3Reader, platform: InstancePlatform): DownloadedFiles {
  return (script?.downloads ?? []).flatMap((download) => {
    const destination = platform === 'windows' ? toSimulatedPath(download.destination) : download.destination.replace(/\/+$/, '');
    return s3.download(download.url).map((file) => ({ path: `${destination}/${file.path}`, body: file.body }));
  });
}

/** Runs a script with the simulated shell or PowerShell; `generalized` when it ran EC2Launch's sysprep. */
function runOn(script: PlatformScript, fs: SimulatedFilesystem, prng: Prng): ScriptResult & { generalized?: boolean } {
  return script.language === 'powershell' ? runPowerShell(script.script, fs, prng) : runScript(script.script, fs, prng);
}

/**
 * The outcome of a run that rebooted the instance by a command of its own (`reboot`, not exit 194): the agent dies
 * with the script, so the invocation stays InProgress while the instance restarts, and the agent reports it Failed
 * once it is back, without an exit code.
 */
function killedByReboot(ctx: OperationContext, instance: InstanceRecord, run: ScriptRun, rebootedBy: string): Pick<Outcome, 'endAt' | 'output'> {
  const rebootMs = ctx.pick(instance.platform === 'windows' ? ctx.timings.windowsRebootMs : ctx.timings.rebootMs);
  instance.reboots.push({ start: run.end, end: run.end + rebootMs });
  const endAt = run.end + rebootMs + ctx.pick(ctx.timings.invocationStartMs);
  const text = `The instance rebooted while the command was running ("${rebootedBy}"), so SSM has no exit code for it; `
    + 'exit 194 asks the agent for the reboot and runs the script again afterwards.';
  return { endAt, output: [{ at: endAt, stream: 'stderr', text }] };
}

/** Runs the script (again after each reboot it asks for with exit 194) from `startAt`, within the time limit. */
function runWithReboots(
  ctx: OperationContext, instance: InstanceRecord, script: PlatformScript, startAt: number, faults: CommandFaults, downloads: DownloadedFiles,
): Outcome {
  const { failRule, hangs } = faults;
  const deadline = startAt + script.executionTimeoutSeconds * 1000;
  const windows = instance.platform === 'windows';
  const rebootCode = windows ? 3010 : 194;
  const runs: ScriptRun[] = [];
  const output: OutputLine[] = [];
  let runStart = startAt;
  for (;;) {
    const fs = instanceFilesystem(instance);
    downloads.forEach((file) => fs.writeFile(file.path, file.body));
    const result = runOn(script, fs, ctx.prng);
    if (result.generalized) instance.generalized = true;
    const lines = result.lines.map((l) => ({ at: runStart + l.atMs, stream: l.stream, text: l.text }));
    let exitCode = result.exitCode;
    let end = hangs ? Number.POSITIVE_INFINITY : runStart + result.durationMs;
    const injectedFailure = failRule !== undefined && runs.length === 0;
    if (injectedFailure) {
      exitCode = 1;
      end += 500;
      lines.push({ at: end, stream: 'stderr', text: `bakery-simulator: injected failure of provisioning step (fault rule ${failRule}); exit status 1` });
    }
    if (end > deadline) {
      output.push(...lines.filter((l) => l.at <= deadline));
      runs.push({ start: runStart, end: deadline, exitCode: -1 });
      return { runs, output, endAt: deadline, status: 'TimedOut', statusDetails: 'ExecutionTimedOut', responseCode: -1 };
    }
    output.push(...lines);
    runs.push({ start: runStart, end, exitCode });
    if (result.rebootedBy !== undefined && !injectedFailure) {
      const killed = killedByReboot(ctx, instance, runs[runs.length - 1], result.rebootedBy);
      output.push(...killed.output);
      return { runs, output, endAt: killed.endAt, status: 'Failed', statusDetails: 'Failed', responseCode: -1 };
    }
    if (exitCode !== rebootCode || runs.length > MAX_REBOOTS) {
      const success = exitCode === 0;
      const status = success ? 'Success' : 'Failed';
      return { runs, output, endAt: end, status, statusDetails: status, responseCode: exitCode };
    }
    const rebootMs = ctx.pick(windows ? ctx.timings.windowsRebootMs : ctx.timings.rebootMs);
    instance.reboots.push({ start: end, end: end + rebootMs });
    runStart = end + rebootMs + ctx.pick(ctx.timings.invocationStartMs);
  }
}

function planInvocation(
  ctx: OperationContext,
  instance: InstanceRecord,
  command: CheckedCommand,
  commandId: string,
  faults: CommandFaults,
  downloads: DownloadedFiles,
): InvocationRecord {
  const script = command.scriptFor(instance.platform);
  const base = {
    commandId,
    instanceId: instance.id,
    documentName: command.documentName,
    pluginName: script?.pluginName,
    comment: command.comment,
    sentAt: ctx.now,
    visibleAt: ctx.now + ctx.pick(ctx.timings.invocationVisibleMs) + commandSettlingMs(ctx),
    logGroupName: command.logGroupName,
    parameters: command.parameters,
    timeoutSeconds: command.deliveryTimeoutSeconds,
  };
  const delay = faults.ending?.ending === 'delayed' ? delayedDelivery(ctx) : undefined;
  const startAt = delay ? delay.startAt : deliveryTime(ctx, instance, command.deliveryTimeoutSeconds * 1000);
  if (startAt === undefined || faults.ending?.ending === 'delivery-timeout') {
    const endAt = ctx.now + command.deliveryTimeoutSeconds * 1000;
    return { ...base, startAt: endAt, endAt, runs: [], output: [], status: 'TimedOut', statusDetails: 'DeliveryTimedOut', responseCode: -1 };
  }
  // The document has no step for the instance's platform: the agent refuses it without running anything.
  if (!script) return { ...base, startAt, endAt: startAt, runs: [], output: [], status: 'Failed', statusDetails: 'InvalidPlatform', responseCode: -1 };
  const ended = faults.ending ? endedBySsm(ctx, faults.ending, startAt) : undefined;
  if (ended) return { ...base, ...ended };
  return { ...base, startAt, ...(delay ? { delayedUntil: delay.until } : {}), ...runWithReboots(ctx, instance, script, startAt, faults, downloads) };
}

/** True for an instance started from an image this account made (CreateImage or CopyImage): the test instance of a bake. */
function launchedFromBakedImage(ctx: OperationContext, instance: InstanceRecord): boolean {
  const image = ctx.region.images.get(instance.imageId);
  return image !== undefined && (image.sourceInstanceId !== undefined || image.copy !== undefined);
}

function commandsSentTo(ctx: OperationContext, instance: InstanceRecord): number {
  return [...ctx.region.invocations.values()].filter((invocation) => invocation.instanceId === instance.id).length;
}

/** Invocation statuses SSM reports as an end. */
const ENDED_STATUSES: readonly string[] = ['Success', 'Failed', 'TimedOut', 'Cancelled'];

/** SSM's `EC2 Command Invocation Status-change Notification` for the invocation's end, as it looks when due. */
function expectInvocationEnd(ctx: OperationContext, record: InvocationRecord): void {
  ctx.expectEvent({
    at: record.endAt,
    key: `${record.commandId}:${record.instanceId}:${record.endAt}`,
    describe: () => {
      const view = viewInvocation(ctx, record, record.endAt);
      return ENDED_STATUSES.includes(view.status) ? {
        'source': 'aws.ssm',
        'detail-type': 'EC2 Command Invocation Status-change Notification',
        'resources': [`arn:aws:ec2:${ctx.region.name}:${ctx.accountId}:instance/${record.instanceId}`],
        'detail': {
          'command-id': record.commandId,
          'document-name': record.documentName,
          'instance-id': record.instanceId,
          'requested-date-time': new Date(record.sentAt).toISOString(),
          'status': view.status,
        },
      } : undefined;
    },
  });
}

export function sendCommand(ctx: OperationContext, input: SendCommandRequest, s3: S3Reader): SendCommandResult {
  const command = checkSendCommand(ctx, input, s3);
  const commandNumber = ctx.nextCommandNumber();
  const failRule = ctx.faults.stepFailure(commandNumber);
  const hangs = ctx.faults.stepHangs(commandNumber);
  const ending = ctx.faults.stepEnding(commandNumber);
  const commandId = ctx.ids.uuid();
  for (const instance of command.instances) {
    const testRule = launchedFromBakedImage(ctx, instance) ? ctx.faults.testFailure(commandsSentTo(ctx, instance) + 1) : undefined;
    const downloads = fetchDownloads(command.scriptFor(instance.platform), s3, instance.platform);
    const record = planInvocation(ctx, instance, command, commandId, { failRule: failRule ?? testRule, hangs, ending }, downloads);
    ctx.region.invocations.set(invocationKey(commandId, instance.id), record);
    expectInvocationEnd(ctx, record);
  }
  const result: Command = {
    CommandId: commandId,
    DocumentName: command.documentName,
    DocumentVersion: '$DEFAULT',
    Comment: command.comment ?? '',
    Parameters: command.parameters,
    InstanceIds: command.instances.map((i) => i.id),
    Targets: [],
    RequestedDateTime: new Date(ctx.now),
    ExpiresAfter: new Date(ctx.now + command.deliveryTimeoutSeconds * 1000),
    Status: 'Pending',
    StatusDetails: 'Pending',
    TimeoutSeconds: command.deliveryTimeoutSeconds,
    TargetCount: command.instances.length,
    CompletedCount: 0,
    ErrorCount: 0,
    DeliveryTimedOutCount: 0,
    MaxConcurrency: '50',
    MaxErrors: '0',
    CloudWatchOutputConfig: command.logGroupName
      ? { CloudWatchLogGroupName: command.logGroupName, CloudWatchOutputEnabled: true }
      : { CloudWatchOutputEnabled: false },
  };
  return { Command: result };
}

/** What an invocation looks like at `t` (honouring an instance stopped or terminated mid-run). */
export interface InvocationView {
  readonly status: string;
  readonly statusDetails: string;
  readonly responseCode: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly output: OutputLine[];
}

export function viewInvocation(ctx: OperationContext, record: InvocationRecord, t: number): InvocationView {
  const instance = ctx.region.instances.get(record.instanceId);
  const leftRunning = record.runs.length ? instance?.state.firstChangeAway('running', record.startAt) : undefined;
  const interrupted = leftRunning !== undefined && leftRunning < record.endAt;
  const endAt = interrupted ? leftRunning : record.endAt;
  if (record.delayedUntil !== undefined && t < record.delayedUntil) {
    return { status: 'Delayed', statusDetails: 'Delayed', responseCode: -1, output: [] };
  }
  if (t < record.startAt && !(record.runs.length === 0 && t >= record.endAt)) {
    return { status: 'Pending', statusDetails: 'Pending', responseCode: -1, output: [] };
  }
  const output = record.output.filter((line) => line.at <= Math.min(t, endAt));
  if (t < endAt) return { status: 'InProgress', statusDetails: 'InProgress', responseCode: -1, startedAt: record.startAt, output };
  if (interrupted) {
    const note: OutputLine = { at: endAt, stream: 'stderr', text: 'The instance stopped while the command was running.' };
    return { status: 'Failed', statusDetails: 'Failed', responseCode: -1, startedAt: record.startAt, endedAt: endAt, output: [...output, note] };
  }
  return {
    status: record.status,
    statusDetails: record.statusDetails,
    responseCode: record.responseCode,
    startedAt: record.runs.length ? record.startAt : undefined,
    endedAt: record.endAt,
    output,
  };
}

/** The plugin an invocation reports (records saved before plugins were kept ran a shell document). */
function pluginOf(record: InvocationRecord): string {
  return record.pluginName ?? (record.documentName === 'AWS-RunPowerShellScript' ? 'aws:runPowerShellScript' : 'aws:runShellScript');
}

function joined(lines: OutputLine[], stream: 'stdout' | 'stderr', limit: number): string {
  const text = lines.filter((l) => l.stream === stream).map((l) => `${l.text}\n`).join('');
  return text.slice(0, limit);
}

function elapsed(view: InvocationView, t: number): string {
  if (view.startedAt === undefined) return '';
  return `PT${(((view.endedAt ?? t) - view.startedAt) / 1000).toFixed(3)}S`;
}

function findVisible(ctx: OperationContext, commandId: string | undefined, instanceId: string | undefined): InvocationRecord {
  if (commandId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(commandId)) {
    throw ssmError('InvalidCommandId', `Command id ${commandId} is not a valid command id.`);
  }
  const record = ctx.region.invocations.get(invocationKey(commandId ?? '', instanceId ?? ''));
  if (!record || ctx.now < record.visibleAt) throw ssmError('InvocationDoesNotExist', 'Invocation does not exist.');
  return record;
}

export function getCommandInvocation(ctx: OperationContext, input: GetCommandInvocationRequest): GetCommandInvocationResult {
  const record = findVisible(ctx, input.CommandId, input.InstanceId);
  const view = viewInvocation(ctx, record, ctx.now);
  const pluginName = pluginOf(record);
  if (input.PluginName !== undefined && input.PluginName !== pluginName) {
    throw ssmError('InvalidPluginName', `The plugin name ${input.PluginName} is not valid for ${record.documentName}.`);
  }
  return {
    CommandId: record.commandId,
    InstanceId: record.instanceId,
    Comment: record.comment ?? '',
    DocumentName: record.documentName,
    DocumentVersion: '$DEFAULT',
    PluginName: pluginName,
    ResponseCode: view.responseCode,
    ExecutionStartDateTime: view.startedAt !== undefined ? new Date(view.startedAt).toISOString() : '',
    ExecutionElapsedTime: elapsed(view, ctx.now),
    ExecutionEndDateTime: view.endedAt !== undefined ? new Date(view.endedAt).toISOString() : '',
    Status: view.status as GetCommandInvocationResult['Status'],
    StatusDetails: view.statusDetails,
    // SSM fills the inline output only once the plugin has ended; while it runs, the output is in CloudWatch Logs only.
    StandardOutputContent: view.endedAt !== undefined ? joined(view.output, 'stdout', STDOUT_LIMIT) : '',
    StandardOutputUrl: '',
    StandardErrorContent: view.endedAt !== undefined ? joined(view.output, 'stderr', STDERR_LIMIT) : '',
    StandardErrorUrl: '',
    CloudWatchOutputConfig: record.logGroupName
      ? { CloudWatchLogGroupName: record.logGroupName, CloudWatchOutputEnabled: true }
      : { CloudWatchOutputEnabled: false },
  };
}

function listEntry(ctx: OperationContext, record: InvocationRecord, details: boolean): CommandInvocation {
  const view = viewInvocation(ctx, record, ctx.now);
  const output = joined(view.output, 'stdout', STDOUT_LIMIT) + joined(view.output, 'stderr', STDERR_LIMIT);
  return {
    CommandId: record.commandId,
    InstanceId: record.instanceId,
    InstanceName: '',
    Comment: record.comment ?? '',
    DocumentName: record.documentName,
    DocumentVersion: '$DEFAULT',
    RequestedDateTime: new Date(record.sentAt),
    Status: view.status as CommandInvocation['Status'],
    StatusDetails: view.statusDetails,
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    CommandPlugins: details ? [{
      Name: pluginOf(record),
      Status: view.status as 'Success',
      StatusDetails: view.statusDetails,
      ResponseCode: view.responseCode,
      ResponseStartDateTime: view.startedAt !== undefined ? new Date(view.startedAt) : undefined,
      ResponseFinishDateTime: view.endedAt !== undefined ? new Date(view.endedAt) : undefined,
      Output: output.length > PLUGIN_OUTPUT_LIMIT ? `${output.slice(0, PLUGIN_OUTPUT_LIMIT)}\n---Output truncated---` : output,
    }] : [],
    CloudWatchOutputConfig: record.logGroupName
      ? { CloudWatchLogGroupName: record.logGroupName, CloudWatchOutputEnabled: true }
      : { CloudWatchOutputEnabled: false },
  };
}

export function listCommandInvocations(ctx: OperationContext, input: ListCommandInvocationsRequest): ListCommandInvocationsResult {
  const CommandInvocations = [...ctx.region.invocations.values()]
    .filter((r) => ctx.now >= r.visibleAt)
    .filter((r) => (!input.CommandId || r.commandId === input.CommandId) && (!input.InstanceId || r.instanceId === input.InstanceId))
    .filter((r) => (input.Filters ?? []).every((f) => f.key !== 'DocumentName' || r.documentName === f.value))
    .map((r) => listEntry(ctx, r, input.Details === true));
  return { CommandInvocations };
}

/** One line of command output as CloudWatch Logs holds it. */
export interface LogEvent {
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
}

/** The output lines written to `logGroupName` up to the context's time. */
export function logEvents(ctx: OperationContext, logGroupName: string): LogEvent[] {
  const events: LogEvent[] = [];
  for (const record of ctx.region.invocations.values()) {
    if (record.logGroupName !== logGroupName) continue;
    const view = viewInvocation(ctx, record, ctx.now);
    const plugin = pluginOf(record).replace(':', '-');
    for (const line of view.output) {
      events.push({ logStreamName: `${record.commandId}/${record.instanceId}/${plugin}/${line.stream}`, timestamp: line.at, message: line.text });
    }
  }
  return events.sort((a, b) => a.timestamp - b.timestamp);
}
