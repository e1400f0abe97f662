/**
 * Which state machine the commands talk to: `--state-machine <arn>`, else the one state machine in the
 * region tagged `cdk-ami-bakery:bakery` (with `--bakery <id>`, the one whose tag has that value).
 */
import type { StepFunctionsApi } from './aws/step-functions';
import { mapLimit } from './concurrency';
import { CliError, UsageError } from './errors';
import { BAKERY_TAG, executionArnFor, OUTPUT_LOG_GROUP_TAG, STAGING_LOCATION_TAG } from '../src/contract';
import { parseStagingLocation, StagingLocation } from '../src/staging/staging-location';

export interface Bakery {
  readonly stateMachineArn: string;
  readonly name: string;
  /** The state machine's tags, when discovery read them. */
  readonly tags?: Record<string, string>;
}

export interface BakerySelection {
  readonly stateMachine?: string;
  readonly bakery?: string;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]+)$/;

/** The region in a state machine or execution ARN. */
export function regionOfArn(arn: string | undefined): string | undefined {
  return arn?.startsWith('arn:') ? arn.split(':')[3] || undefined : undefined;
}

/** Checks `--state-machine` before any call. */
export function checkStateMachineArn(arn: string): void {
  if (!STATE_MACHINE_ARN.test(arn)) {
    throw new UsageError(`--state-machine takes a state machine ARN, not "${arn}"`,
      'pass arn:aws:states:<region>:<account>:stateMachine:<name>, or leave it out to find the bakery by its tag');
  }
}

export async function findBakery(sfn: StepFunctionsApi, selection: BakerySelection): Promise<Bakery> {
  if (selection.stateMachine) {
    checkStateMachineArn(selection.stateMachine);
    return { stateMachineArn: selection.stateMachine, name: selection.stateMachine.split(':')[6] };
  }
  const machines = await sfn.listStateMachines();
  const tagged = (await mapLimit(machines, 8, async (machine) => ({ ...machine, tags: await sfn.tagsOf(machine.arn) })))
    .filter((machine) => machine.tags[BAKERY_TAG] !== undefined);
  const chosen = selection.bakery === undefined ? tagged : tagged.filter((machine) => machine.tags[BAKERY_TAG] === selection.bakery);
  if (chosen.length === 1) return { stateMachineArn: chosen[0].arn, name: chosen[0].name, tags: chosen[0].tags };
  const region = await sfn.region();
  const list = chosen.map((machine) => `${machine.name} (--bakery ${machine.tags[BAKERY_TAG]})`).join(', ');
  if (chosen.length > 1) {
    throw new CliError(`${chosen.length} bakery state machines in ${region}: ${list}`,
      'choose one with --bakery <bakeryId> or --state-machine <arn>');
  }
  if (selection.bakery !== undefined && tagged.length > 0) {
    const others = tagged.map((machine) => machine.tags[BAKERY_TAG]).join(', ');
    throw new CliError(`no bakery "${selection.bakery}" in ${region} (bakeries here: ${others})`, 'check --bakery, --region and --profile');
  }
  throw new CliError(`no bakery state machine in ${region} (none is tagged ${BAKERY_TAG})`,
    'deploy an AmiBakery in this account and region, pass --region or --profile for the one it is in, or pass --state-machine <arn>');
}

/** The command-output log group named by the state machine's tag. */
export async function outputLogGroupOf(sfn: StepFunctionsApi, bakery: Bakery): Promise<string> {
  const tags = bakery.tags ?? await sfn.tagsOf(bakery.stateMachineArn);
  const group = tags[OUTPUT_LOG_GROUP_TAG];
  if (!group) {
    throw new CliError(`state machine ${bakery.name} has no ${OUTPUT_LOG_GROUP_TAG} tag`,
      'deploy a newer version of cdk-ami-bakery, which tags the state machine with its command-output log group');
  }
  return group;
}

/** The staging location named by the state machine's tag, where a recipe's files are uploaded. */
export async function stagingLocationOf(sfn: StepFunctionsApi, bakery: Bakery): Promise<StagingLocation> {
  const tags = bakery.tags ?? await sfn.tagsOf(bakery.stateMachineArn);
  const location = parseStagingLocation(tags[STAGING_LOCATION_TAG] ?? '');
  if (!location) {
    throw new CliError(`state machine ${bakery.name} has no ${STAGING_LOCATION_TAG} tag, so the recipe's files have nowhere to go`,
      'deploy a newer version of cdk-ami-bakery, which stages script, file and ansible sources');
  }
  return location;
}

/** The execution ARN of a build id on a state machine; a full execution ARN is taken as it is. */
export function executionArnOf(stateMachineArn: string, buildId: string): string {
  if (buildId.startsWith('arn:')) return buildId;
  return executionArnFor(stateMachineArn, buildId);
}
