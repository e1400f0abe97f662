/** Checks a SendCommand request the way SSM does and reduces it to what the model needs. */
import type { SendCommandRequest } from '@aws-sdk/client-ssm';
import type { OperationContext } from './context';
import { ssmError } from './errors';
import type { InstanceRecord } from './records';
import { agentStatusAt } from './ssm-agent';

const DOCUMENTS = ['AWS-RunShellScript', 'AWS-RunPowerShellScript'];
const DOCUMENT_PARAMETERS = ['commands', 'workingDirectory', 'executionTimeout'];

export interface CheckedCommand {
  readonly documentName: string;
  readonly instances: InstanceRecord[];
  readonly script: string;
  readonly parameters: Record<string, string[]>;
  readonly executionTimeoutSeconds: number;
  readonly deliveryTimeoutSeconds: number;
  readonly comment?: string;
  readonly logGroupName?: string;
}

function constraint(field: string, value: unknown, rule: string): never {
  throw ssmError('ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);
}

function checkParameters(parameters: Record<string, string[]> | undefined): { script: string; timeout: number } {
  const params = parameters ?? {};
  for (const key of Object.keys(params)) {
    if (!DOCUMENT_PARAMETERS.includes(key)) throw ssmError('InvalidParameters', `Parameter "${key}" is not a parameter of this document.`);
  }
  const commands = params.commands;
  if (!commands?.length) throw ssmError('InvalidParameters', 'Parameter "commands" is required.');
  const rawTimeout = params.executionTimeout?.[0] ?? '3600';
  const timeout = Number(rawTimeout);
  if (!/^\d+$/.test(rawTimeout) || timeout < 1 || timeout > 172800) {
    throw ssmError('InvalidParameters', `Parameter "executionTimeout" has an invalid value ${rawTimeout}: expected an integer from 1 to 172800.`);
  }
  return { script: commands.join('\n'), timeout };
}

function checkInstances(ctx: OperationContext, ids: string[] | undefined): InstanceRecord[] {
  if (!ids?.length) throw ssmError('ValidationException', 'InstanceIds is required (the simulator does not resolve Targets).');
  if (ids.length > 50) constraint('instanceIds', ids.length, 'Member must have length less than or equal to 50');
  const invalid = ids.filter((id) => {
    const instance = ctx.region.instances.get(id);
    return !instance || !agentStatusAt(ctx, instance, ctx.now);
  });
  if (invalid.length) {
    throw ssmError('InvalidInstanceId', `Instances [[${invalid.join(', ')}]] not in a valid state for account ${ctx.accountId}`);
  }
  return ids.map((id) => ctx.region.instances.get(id)!);
}

export function checkSendCommand(ctx: OperationContext, input: SendCommandRequest): CheckedCommand {
  const documentName = input.DocumentName ?? '';
  if (!DOCUMENTS.includes(documentName)) throw ssmError('InvalidDocument', `Document with name ${documentName} does not exist.`);
  if (input.Comment !== undefined && input.Comment.length > 100) {
    constraint('comment', input.Comment, 'Member must have length less than or equal to 100');
  }
  const delivery = input.TimeoutSeconds ?? 3600;
  if (delivery < 30 || delivery > 2592000) constraint('timeoutSeconds', delivery, 'Member must have value between 30 and 2592000');
  const { script, timeout } = checkParameters(input.Parameters);
  const output = input.CloudWatchOutputConfig;
  return {
    documentName,
    instances: checkInstances(ctx, input.InstanceIds),
    script,
    parameters: input.Parameters ?? {},
    executionTimeoutSeconds: timeout,
    deliveryTimeoutSeconds: delivery,
    comment: input.Comment,
    logGroupName: output?.CloudWatchOutputEnabled ? output.CloudWatchLogGroupName ?? `/aws/ssm/${documentName}` : undefined,
  };
}
