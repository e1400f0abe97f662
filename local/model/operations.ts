/** The operations the simulated account answers, by service and operation name. */
import type { OperationContext } from './context';
import {
  createImage, deregisterImage, describeImages, disableImageDeprecation, disableImageDeregistrationProtection, enableImageDeprecation,
  enableImageDeregistrationProtection, modifyImageAttribute,
} from './images';
import { describeInstances, runInstances, startInstances, stopInstances, terminateInstances } from './instances';
import { getCommandInvocation, listCommandInvocations, sendCommand } from './invocations';
import {
  createLaunchTemplate, createLaunchTemplateVersion, deleteLaunchTemplate, describeLaunchTemplateVersions, modifyLaunchTemplate,
} from './launch-templates';
import { deleteSnapshot, describeSnapshots } from './snapshots';
import { describeInstanceInformation } from './ssm-agent';
import { getParameter, ParameterValidationFailure, putParameter } from './ssm-parameters';
import { createTags, deleteTags } from './tagging';
import { describeVolumes } from './volumes';

/** Whatever the account keeps besides the regions that an operation may add to. */
export interface AccountJournal {
  readonly parameterValidationFailures: ParameterValidationFailure[];
}

// The SDK's input types differ per operation; the table erases them at this one boundary.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Operation = (ctx: OperationContext, input: any, journal: AccountJournal) => unknown;

export const EC2_OPERATIONS: Record<string, Operation> = {
  DescribeImages: describeImages,
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  StopInstances: stopInstances,
  StartInstances: startInstances,
  TerminateInstances: terminateInstances,
  CreateImage: createImage,
  ModifyImageAttribute: modifyImageAttribute,
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
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeVolumes: describeVolumes,
};

export const SSM_OPERATIONS: Record<string, Operation> = {
  GetParameter: getParameter,
  PutParameter: (ctx, input, journal) => putParameter(ctx, input, journal.parameterValidationFailures),
  DescribeInstanceInformation: describeInstanceInformation,
  SendCommand: sendCommand,
  GetCommandInvocation: getCommandInvocation,
  ListCommandInvocations: listCommandInvocations,
};

/** The operation table of a service. */
export function operationsOf(service: 'ec2' | 'ssm'): Record<string, Operation> {
  return service === 'ec2' ? EC2_OPERATIONS : SSM_OPERATIONS;
}

/** The service that has an operation of this name, if the simulator implements it. */
export function serviceOfOperation(operation: string): 'ec2' | 'ssm' | undefined {
  if (operation in EC2_OPERATIONS) return 'ec2';
  if (operation in SSM_OPERATIONS) return 'ssm';
  return undefined;
}
