/**
 * The same simulated bakes under different waiter policies: the bakery's own (events end most waits), polling only (no
 * events, the checks spaced as before events), and a Packer-like one
 * (Packer's AWS waiters: instance waits from 15 s backing off to 120 s, image waits from 5 s; its provisioners run
 * over SSH, so a step's end is known at once, which checks every second stand in for). Each bake reports its simulated
 * time, its overhead above the physical chain (local/physical-chain.ts), and what it costs in Step Functions and
 * Lambda. Under the Packer policy, those counts and costs are of Packer's waiting run by this state machine: Packer
 * itself pays for a build host instead.
 */
import { overrideWaitSchedules, WaitLoop, WaitSchedule } from '../../lambda/shared/poll';
import type { Timings } from '../../local/model/timings';
import { physicalChain } from '../../local/physical-chain';
import { simulateBake, SimulatedBake } from '../../local/simulate-bake';
import type { ExampleRecipe } from '../example-recipes';

/** A waiter policy: how it spaces the checks of each loop (none: the bakery's own schedules), and whether events end waits. */
export interface WaiterPolicy {
  readonly name: string;
  readonly schedules?: Readonly<Record<WaitLoop, WaitSchedule>>;
  /** False: EC2's and SSM's events never arrive (the `event:drop` fault), so every wait ends at a check. @default true */
  readonly events?: boolean;
  /** How long AWS takes, where not as the simulator's defaults say. @default the defaults */
  readonly timings?: Partial<Timings>;
}

const PACKER_INSTANCE_WAIT: WaitSchedule = { firstSeconds: 15, maxSeconds: 120, growth: 2 };
const PACKER_IMAGE_WAIT: WaitSchedule = { firstSeconds: 5, maxSeconds: 120, growth: 2 };

/** The bakery's own schedules, and events. */
export const THIS_PROJECT: WaiterPolicy = { name: 'this project' };

/**
 * The bakery's own, with each event delivered the instant its change happens (EventBridge takes 0.5 to 2 s in the
 * simulator, as it does on AWS): what overhead is left is the bakery's own.
 */
export const INSTANT_EVENTS: WaiterPolicy = { name: 'events at once', timings: { eventDeliveryMs: [0, 0] } };

/** No events: every wait polls, spaced as the bakery's checks were before events ended its waits. */
export const POLLING_ONLY: WaiterPolicy = {
  name: 'polling only',
  events: false,
  schedules: {
    agent: { firstSeconds: 10, maxSeconds: 30 },
    step: { firstSeconds: 5, maxSeconds: 30 },
    stop: { firstSeconds: 15, maxSeconds: 30 },
    image: { firstSeconds: 15, maxSeconds: 60 },
    copy: { firstSeconds: 30, maxSeconds: 120 },
  },
};

/**
 * Packer's waiters. A step is checked every second, without growing: about nine history events a second, so a step
 * of more than about 45 minutes would fill an execution's history. The example recipes' steps take minutes.
 */
export const PACKER_POLICY: WaiterPolicy = {
  name: 'Packer policy',
  events: false,
  schedules: {
    agent: PACKER_INSTANCE_WAIT,
    stop: PACKER_INSTANCE_WAIT,
    step: { firstSeconds: 1, maxSeconds: 1, growth: 1 },
    image: PACKER_IMAGE_WAIT,
    copy: PACKER_IMAGE_WAIT,
  },
};

export const POLICIES: readonly WaiterPolicy[] = [THIS_PROJECT, INSTANT_EVENTS, POLLING_ONLY, PACKER_POLICY];

/** List prices (us-east-1): Step Functions Standard per state transition, Lambda (Arm) per request and per GB-second. */
const PRICE = { transition: 0.000025, request: 0.0000002, gbSecond: 0.0000133334 };
/** The runner functions' memory (src/workflow/step-functions.ts). */
const FUNCTION_GB = 256 / 1024;

/** What one bake measured. */
export interface BakeMeasure {
  readonly seconds: number;
  readonly overheadSeconds: number;
  readonly transitions: number;
  readonly invocations: number;
  readonly historyEvents: number;
  readonly apiCalls: number;
  readonly costUsd: number;
}

function measure(bake: SimulatedBake): BakeMeasure {
  const transitions = bake.history.filter((event) => event.type?.endsWith('StateEntered')).length;
  const chain = physicalChain(bake.account, bake.executionName);
  const lambdaCost = bake.lambda.invocations * PRICE.request + (bake.lambda.milliseconds / 1000) * FUNCTION_GB * PRICE.gbSecond;
  return {
    seconds: bake.simulatedSeconds,
    overheadSeconds: bake.simulatedSeconds - chain.seconds,
    transitions,
    invocations: bake.lambda.invocations,
    historyEvents: bake.history.length,
    apiCalls: bake.account.calls.length,
    costUsd: transitions * PRICE.transition + lambdaCost,
  };
}

/** Bakes `recipe` with `seed` under `policy`; refuses a bake that did not succeed, since its times would mean nothing. */
export async function bakeUnder(policy: WaiterPolicy, recipe: ExampleRecipe, seed: number): Promise<BakeMeasure> {
  const schedules = policy.schedules;
  const restore = schedules ? overrideWaitSchedules((loop) => schedules[loop]) : undefined;
  try {
    const faults = policy.events === false ? ['event:drop'] : [];
    const bake = await simulateBake({ recipe: recipe.document, stageFrom: recipe.folder, seed, faults, timings: policy.timings });
    if (bake.status !== 'SUCCEEDED') throw new Error(`${recipe.file} (seed ${seed}, ${policy.name}): the bake ended ${bake.status}: ${bake.error?.cause}`);
    return measure(bake);
  } finally {
    restore?.();
  }
}
