/**
 * Accessors for the parts of the state a step needs, failing with `InvalidState` (a clear message
 * instead of a TypeError) when the state machine hands a step a state without them.
 */
import { InvalidState } from './errors';
import type { Artifact, BakeState, BuildContext, PollState, ProvisionProgress } from './types';

function missing(what: string, step: string): InvalidState {
  return new InvalidState(`the ${step} step needs ${what} in its input state; check the state machine definition`);
}

/** The build context Prepare resolved. */
export function requireBuild(state: BakeState, step: string): BuildContext {
  if (!state.build) throw missing('"build" (set by the prepare step)', step);
  return state.build;
}

/** The build instance id Launch set. */
export function requireInstanceId(state: BakeState, step: string): string {
  if (!state.instanceId) throw missing('"instanceId" (set by the launch step)', step);
  return state.instanceId;
}

/** The poll loop the previous step started. */
export function requirePoll(state: BakeState, step: string): PollState {
  if (!state.poll) throw missing('"poll" (set by the step that starts the loop)', step);
  return state.poll;
}

/** Provisioning progress set when the agent came online. */
export function requireProvision(state: BakeState, step: string): ProvisionProgress {
  if (!state.provision) throw missing('"provision" (set by the check-agent step)', step);
  return state.provision;
}

/** The image id CreateImage returned. */
export function requireImageId(state: BakeState, step: string): string {
  if (!state.imageId) throw missing('"imageId" (set by the create-image step)', step);
  return state.imageId;
}

/** The images the bake hands over: the one in the bakery's region first, then its copies in recipe order. */
export function artifactsOf(state: BakeState, step: string): Artifact[] {
  const build = requireBuild(state, step);
  const home = { region: build.region, amiId: requireImageId(state, step), name: build.amiName, snapshotIds: state.snapshotIds ?? [] };
  return [home, ...state.copies ?? []];
}
