/**
 * What SSM reports about a command invocation. `StatusDetails` comes back without spaces (`DeliveryTimedOut`,
 * `ExecutionTimedOut`), although the API reference's prose writes "Delivery Timed Out": both spellings match.
 */

/** The parts of an invocation these checks read. */
export interface InvocationStatus {
  readonly Status?: string;
  readonly StatusDetails?: string;
}

/** Details meaning the script never started on the instance, so sending the command again still runs it only once. */
const NEVER_RAN = ['DeliveryTimedOut', 'Undeliverable', 'InvalidPlatform', 'AccessDenied'];

/** What each ending detail means for the person reading the failure. */
const EXPLANATIONS: Readonly<Record<string, string>> = {
  DeliveryTimedOut: 'the SSM agent did not pick the command up before its delivery timeout (the instance went offline or could not reach SSM)',
  ExecutionTimedOut: 'the command ran past its timeout and SSM stopped it',
  Undeliverable: 'SSM could not deliver the command: the instance was gone, stopped or not managed by SSM',
  Terminated: 'SSM stopped the command before it ended (its parent command was stopped, or the instance went away while it ran)',
  InvalidPlatform: 'the document does not run on this instance\'s platform',
  AccessDenied: 'the instance was not allowed to run the document',
  Cancelled: 'the command was cancelled',
};

/** `StatusDetails` (or else `Status`) without spaces, as SSM returns it. */
export function statusDetailsOf(invocation: InvocationStatus): string {
  return (invocation.StatusDetails ?? invocation.Status ?? '').replace(/\s+/g, '');
}

/** True when the invocation ended without its script ever starting. */
export function neverRan(invocation: InvocationStatus): boolean {
  return NEVER_RAN.includes(statusDetailsOf(invocation)) || NEVER_RAN.includes((invocation.Status ?? '').replace(/\s+/g, ''));
}

/** A sentence saying what an ending detail means, when it is one that needs saying. */
export function statusExplanation(invocation: InvocationStatus): string | undefined {
  return EXPLANATIONS[statusDetailsOf(invocation)];
}
