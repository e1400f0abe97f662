/** Checks a SendCommand request the way SSM does and reduces it to what the model needs. */
import type { SendCommandRequest } from '@aws-sdk/client-ssm';
import type { OperationContext } from './context';
import { runnableDocument, RunnableDocument } from './documents/command-documents';
import type { S3Reader } from './documents/s3-reader';
import { ssmError } from './errors';
import type { InstanceRecord } from './records';
import { agentStatusAt } from './ssm-agent';

export interface CheckedCommand {
  readonly documentName: string;
  readonly instances: InstanceRecord[];
  /**
   * What the document runs on each platform: the plugin whose status and output GetCommandInvocation reports, the
   * script, what it downloads before the script runs, and its run time limit; undefined where it has no step.
   */
  readonly scriptFor: RunnableDocument['scriptFor'];
  readonly parameters: Record<string, string[]>;
  readonly deliveryTimeoutSeconds: number;
  readonly comment?: string;
  readonly logGroupName?: string;
}

function constraint(field: string, value: unknown, rule: string): never {
  throw ssmError('ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);
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

export function checkSendCommand(ctx: OperationContext, input: SendCommandRequest, s3: S3Reader): CheckedCommand {
  if (input.Comment !== undefined && input.Comment.length > 100) {
    constraint('comment', input.Comment, 'Member must have length less than or equal to 100');
  }
  const delivery = input.TimeoutSeconds ?? 3600;
  if (delivery < 30 || delivery > 2592000) constraint('timeoutSeconds', delivery, 'Member must have value between 30 and 2592000');
  const parameters = input.Parameters ?? {};
  const document = runnableDocument(ctx, input.DocumentName ?? '', parameters, s3);
  const output = input.CloudWatchOutputConfig;
  return {
    documentName: document.documentName,
    instances: checkInstances(ctx, input.InstanceIds),
    scriptFor: document.scriptFor,
    parameters,
    deliveryTimeoutSeconds: delivery,
    comment: input.Comment,
    logGroupName: output?.CloudWatchOutputEnabled ? output.CloudWatchLogGroupName ?? `/aws/ssm/${document.documentName}` : undefined,
  };
}
