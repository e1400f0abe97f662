/**
 * Eventual consistency (`consistency:<seconds>`): EC2 and SSM may not know a resource for a moment after the call
 * that created it. A new instance (RunInstances), image (CreateImage, CopyImage, in the copy's region) or command
 * (SendCommand) records when it settles; until then the calls that name it answer NotFound and the calls that list
 * or filter leave it out, although it exists and runs. Without the rule everything settles at once.
 */
import type { OperationContext } from './context';
import { ec2Error } from './errors';

/** A record that may settle after its create call (absent: visible at once). */
export interface Settling {
  readonly settlesAt?: number;
}

/** When a resource created now becomes visible, or undefined when the account has no consistency window. */
export function settlesAt(ctx: OperationContext): number | undefined {
  const windowMs = ctx.faults.consistencyWindowMs;
  return windowMs > 0 ? ctx.now + windowMs : undefined;
}

/** The extra time a command created now stays unknown to GetCommandInvocation and ListCommandInvocations. */
export function commandSettlingMs(ctx: OperationContext): number {
  return ctx.faults.consistencyWindowMs;
}

/** True once the record is visible to the calls that read or change it. */
export function isSettled(ctx: OperationContext, record: Settling): boolean {
  return record.settlesAt === undefined || ctx.now >= record.settlesAt;
}

/** The instance, or EC2's `InvalidInstanceID.NotFound` while it has not settled. */
export function settledInstance<T extends Settling & { readonly id: string }>(ctx: OperationContext, instance: T): T {
  if (!isSettled(ctx, instance)) throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${instance.id}' does not exist`);
  return instance;
}

/** The image, or EC2's `InvalidAMIID.NotFound` while it has not settled. */
export function settledImage<T extends Settling & { readonly id: string }>(ctx: OperationContext, image: T): T {
  if (!isSettled(ctx, image)) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${image.id}]' does not exist`);
  return image;
}
