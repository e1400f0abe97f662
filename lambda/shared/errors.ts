/**
 * The errors the handlers throw. Each class's `name` is the error name Step Functions sees, so the
 * state machine's Retry and Catch rules (and people reading a failed execution) can match on it.
 * Names are a contract: never rename them. Those the state machine matches are in `src/contract/errors.ts`.
 */
import { CLEANUP_INCOMPLETE, NOT_YET_VISIBLE, TRANSIENT_AWS_ERROR } from '../../src/contract';

/**
 * Base class of the bakery's errors. Each subclass spells out its `name` (bundlers rename classes,
 * so the class name itself cannot be relied on): `throw new NoCapacity(...)` reaches Step Functions
 * as `NoCapacity`.
 */
export abstract class BakeryError extends Error {
  abstract override readonly name: string;
}

/** The execution input is neither `{"recipe": {...}}` nor `{"recipeName": "..."}`. */
export class InvalidInput extends BakeryError {
  override readonly name = 'InvalidInput';
}

/** The recipe document failed validation; the message lists every problem, one per line. */
export class InvalidRecipe extends BakeryError {
  override readonly name = 'InvalidRecipe';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** `{"recipeName": "..."}` names a recipe that is not registered. */
export class RecipeNotFound extends BakeryError {
  override readonly name = 'RecipeNotFound';
}

/**
 * The input asks for more than the bakery allows: an inline recipe where only registered ones run, an override of
 * a field the app did not allow, or an ad-hoc recipe outside its bounds. The message names the field and the bound.
 */
export class RecipeNotAllowed extends BakeryError {
  override readonly name = 'RecipeNotAllowed';
}

/** The recipe's source (AMI id, SSM parameter or filter) does not lead to an available image. */
export class SourceImageNotFound extends BakeryError {
  override readonly name = 'SourceImageNotFound';
}

/** The source image cannot be baked by this bakery (macOS, 32-bit or instance-store images). */
export class UnsupportedSourceImage extends BakeryError {
  override readonly name = 'UnsupportedSourceImage';
}

/** An image with the rendered AMI name already exists and `ami.forceDeregister` is not set. */
export class AmiNameInUse extends BakeryError {
  override readonly name = 'AmiNameInUse';
}

/** Every instance type and subnet the recipe allows failed with a capacity error. */
export class NoCapacity extends BakeryError {
  override readonly name = 'NoCapacity';
}

/** The build instance stopped, or is terminating, when the bake did not ask for it. */
export class InstanceLost extends BakeryError {
  override readonly name = 'InstanceLost';
}

/** The SSM agent on the build instance did not report Online within `timeouts.agentOnlineSeconds`. */
export class AgentNotOnline extends BakeryError {
  override readonly name = 'AgentNotOnline';
}

/** A provisioning step ended in a state other than Success; the message carries the output tail. */
export class ProvisioningStepFailed extends BakeryError {
  override readonly name = 'ProvisioningStepFailed';
}

/** A test of the new image (`tests`) ended in a state other than Success; the message carries the output tail. */
export class ImageTestFailed extends BakeryError {
  override readonly name = 'ImageTestFailed';
}

/** A provisioning step did not end within its timeout plus a grace period. */
export class StepTimedOut extends BakeryError {
  override readonly name = 'StepTimedOut';
}

/** The build instance did not reach `stopped` within `timeouts.instanceStopSeconds`. */
export class InstanceStopTimeout extends BakeryError {
  override readonly name = 'InstanceStopTimeout';
}

/** EC2 reported the new image as `failed`. */
export class ImageCreationFailed extends BakeryError {
  override readonly name = 'ImageCreationFailed';
}

/** The new image did not become `available` within `timeouts.imageAvailableSeconds`. */
export class ImageNotAvailable extends BakeryError {
  override readonly name = 'ImageNotAvailable';
}

/** EC2 reported a copy of the image in another region as `failed`. */
export class ImageCopyFailed extends BakeryError {
  override readonly name = 'ImageCopyFailed';
}

/** A copy did not become `available` within `timeouts.copyAvailableSeconds`. */
export class ImageCopyNotAvailable extends BakeryError {
  override readonly name = 'ImageCopyNotAvailable';
}

/** SSM did not take the new image id for `distribution.ssmParameter` (its `aws:ec2:image` check found no such image visible there). */
export class ParameterNotUpdated extends BakeryError {
  override readonly name = 'ParameterNotUpdated';
}

/** The state handed to a step lacks something an earlier step should have set. */
export class InvalidState extends BakeryError {
  override readonly name = 'InvalidState';
}

/** A required environment variable of the handler is not set (a deployment problem, not a recipe one). */
export class MissingConfiguration extends BakeryError {
  override readonly name = 'MissingConfiguration';
}

/**
 * EC2 or SSM answered NotFound for something the bake created moments ago: under eventual consistency it exists but
 * is not visible yet. The state machine retries the step (see `src/workflow/retries.ts`).
 */
export class NotYetVisible extends BakeryError {
  override readonly name = NOT_YET_VISIBLE;
}

/** Cleanup could not remove everything yet; the state machine (or Lambda's async retry) runs it again. */
export class CleanupIncomplete extends BakeryError {
  override readonly name = CLEANUP_INCOMPLETE;
}

/** An AWS service answered with a server-side (5xx) error; the state machine retries these. */
export class TransientAwsError extends BakeryError {
  override readonly name = TRANSIENT_AWS_ERROR;
}

/** The parts of an AWS SDK v3 service exception the handlers look at. */
export interface AwsErrorShape {
  readonly name: string;
  readonly message: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** True when `error` looks like an AWS SDK service exception. */
export function isAwsError(error: unknown): error is AwsErrorShape {
  return typeof error === 'object' && error !== null && typeof (error as AwsErrorShape).name === 'string' && '$metadata' in error;
}

/** True when `error` is an AWS error with one of the given names (error codes). */
export function isAwsErrorNamed(error: unknown, ...names: string[]): error is AwsErrorShape {
  return isAwsError(error) && names.includes(error.name);
}

/**
 * Turns a server-side AWS error (`$fault: 'server'` or HTTP 5xx) into a `TransientAwsError`, which the
 * state machine retries; every other error is returned unchanged and keeps its AWS error name.
 */
export function toTransient(error: unknown): unknown {
  if (!isAwsError(error) || error instanceof BakeryError) return error;
  const status = error.$metadata?.httpStatusCode;
  if (error.$fault === 'server' || (status !== undefined && status >= 500)) {
    return new TransientAwsError(`${error.name}: ${error.message}`, { cause: error });
  }
  return error;
}

/** A short `Name: message` description of any thrown value, for messages and logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
