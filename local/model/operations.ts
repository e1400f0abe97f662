/** The operations the simulated account answers, by service and operation name. */
import type { OperationContext } from './context';
import { copyImage } from './copies';
import { createDocument, describeDocument } from './documents/account-documents';
import { s3Reader } from './documents/s3-reader';
import type { ServiceName } from './errors';
import { describeExecution, ExecutionDirectory } from './executions';
import { describeImageAttribute, modifyImageAttribute } from './image-attributes';
import {
  createImage, deregisterImage, describeImages, disableImageDeprecation, disableImageDeregistrationProtection, enableImageDeprecation,
  enableImageDeregistrationProtection,
} from './images';
import { describeInstances, runInstances, startInstances, stopInstances, terminateInstances } from './instances';
import { getCommandInvocation, listCommandInvocations, sendCommand } from './invocations';
import {
  createLaunchTemplate, createLaunchTemplateVersion, deleteLaunchTemplate, describeLaunchTemplateVersions, modifyLaunchTemplate,
} from './launch-templates';
import { getLogEvents } from './log-events';
import { BucketDirectory, deleteObject, getObject, headObject, listObjectsV2, putObject } from './s3';
import { describeSnapshotAttribute, modifySnapshotAttribute } from './snapshot-sharing';
import { deleteSnapshot, describeSnapshots } from './snapshots';
import { describeInstanceInformation } from './ssm-agent';
import { deleteParameter, getParameter, getParameterHistory, ParameterValidationFailure, putParameter } from './ssm-parameters';
import { assumeRole, getCallerIdentity, RoleDirectory } from './sts';
import { describeSubnets } from './subnets';
import { createTags, deleteTags } from './tagging';
import { TaskTokenDirectory } from './task-tokens';
import { describeVolumes } from './volumes';

/** Whatever the account keeps besides the regions that an operation may read or add to. */
export interface AccountJournal extends BucketDirectory, RoleDirectory, ExecutionDirectory, TaskTokenDirectory {
  readonly parameterValidationFailures: ParameterValidationFailure[];
}

// The SDK's input types differ per operation; the table erases them at this one boundary.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Operation = (ctx: OperationContext, input: any, journal: AccountJournal) => unknown;

export const EC2_OPERATIONS: Record<string, Operation> = {
  DescribeImages: describeImages,
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  DescribeSubnets: describeSubnets,
  StopInstances: stopInstances,
  StartInstances: startInstances,
  TerminateInstances: terminateInstances,
  CreateImage: createImage,
  CopyImage: copyImage,
  ModifyImageAttribute: modifyImageAttribute,
  DescribeImageAttribute: describeImageAttribute,
  DeregisterImage: deregisterImage,
  EnableImageDeprecation: enableImageDeprecation,
  DisableImageDeprecation: disableImageDeprecation,
  EnableImageDeregistrationProtection: enableImageDeregistrationProtection,
  DisableImageDeregistrationProtection: disableImageDeregistrationProtection,
  CreateLaunchTemplate: createLaunchTemplate,
  CreateLaunchTemplateVersion: createLaunchTemplateVersion,
  ModifyLaunchTemplate: modifyLaunchTemplate,
  DeleteLaunchTemplate: deleteLaunchTemplate,
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  DescribeSnapshots: describeSnapshots,
  DeleteSnapshot: deleteSnapshot,
  ModifySnapshotAttribute: modifySnapshotAttribute,
  DescribeSnapshotAttribute: describeSnapshotAttribute,
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeVolumes: describeVolumes,
};

export const SSM_OPERATIONS: Record<string, Operation> = {
  GetParameter: getParameter,
  PutParameter: (ctx, input, journal) => putParameter(ctx, input, journal.parameterValidationFailures),
  DeleteParameter: deleteParameter,
  GetParameterHistory: getParameterHistory,
  DescribeInstanceInformation: describeInstanceInformation,
  SendCommand: (ctx, input, journal) => sendCommand(ctx, input, s3Reader(journal, ctx.accountId, ctx.faults.downloadFailure)),
  CreateDocument: createDocument,
  DescribeDocument: describeDocument,
  GetCommandInvocation: getCommandInvocation,
  ListCommandInvocations: listCommandInvocations,
};

export const S3_OPERATIONS: Record<string, Operation> = {
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  ListObjectsV2: listObjectsV2,
};

export const STS_OPERATIONS: Record<string, Operation> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
};

export const LOGS_OPERATIONS: Record<string, Operation> = {
  GetLogEvents: getLogEvents,
};

export const SFN_OPERATIONS: Record<string, Operation> = {
  DescribeExecution: describeExecution,
  SendTaskSuccess: (ctx, input, journal) => journal.taskTokens.succeed(ctx, input),
  SendTaskFailure: (ctx, input, journal) => journal.taskTokens.fail(ctx, input),
};

const OPERATIONS: Record<ServiceName, Record<string, Operation>> = {
  ec2: EC2_OPERATIONS,
  ssm: SSM_OPERATIONS,
  s3: S3_OPERATIONS,
  sts: STS_OPERATIONS,
  logs: LOGS_OPERATIONS,
  sfn: SFN_OPERATIONS,
};

/** The operation table of a service. */
export function operationsOf(service: ServiceName): Record<string, Operation> {
  return OPERATIONS[service];
}

/** The service that has an operation of this name, if the simulator implements it. */
export function serviceOfOperation(operation: string): ServiceName | undefined {
  return (Object.keys(OPERATIONS) as ServiceName[]).find((service) => operation in OPERATIONS[service]);
}
