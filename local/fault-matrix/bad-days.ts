/**
 * AWS's bad days in the fault matrix: eventual consistency, lost and late events, SSM ending a command other than by its exit code,
 * Lambda service errors in every runner function, capacity and quotas per zone, outages that outlast retries,
 * a cleanup that fails too, and a copy that starts after the failure cleanup first looked.
 */
import type { PhaseName } from '../../lambda/shared/types';
import type { CommandEnding } from '../faults';

/** A scenario without its recipe (the matrix adds it). */
export interface BadDayScenario {
  readonly name: string;
  readonly faults: string[];
  readonly expected: { readonly status: 'SUCCEEDED' | 'FAILED'; readonly phase?: PhaseName };
}

/** A runner function, the phase a failure there fails the bake in, and the faults that lead a bake to it. */
export interface RunnerStep {
  readonly step: string;
  readonly phase?: PhaseName;
  readonly route?: string[];
}

const SUCCEEDS = { status: 'SUCCEEDED' } as const;
const FAILS_IN_PROVISION = { status: 'FAILED', phase: 'provision' } as const;

/** SSM endings after which the step never ran: the runner sends it again, and the bake goes on. */
const NEVER_RAN: CommandEnding[] = ['delivery-timeout', 'undeliverable', 'invalid-platform', 'access-denied'];

/** Service errors that outlast every retry of a task, of a cleanup task (which retries for longer), and of both copy branches together. */
const OUTLASTING_SERVICE_ERRORS = 20;

/**
 * Scenarios every recipe meets: consistency windows, lost and late events, SSM's endings of step 1, and Lambda service
 * errors in each runner step.
 */
export function badDayScenarios(steps: readonly RunnerStep[]): BadDayScenario[] {
  return [...consistencyScenarios(), ...eventScenarios(), ...endingScenarios(), ...serviceErrorScenarios(steps)];
}

/**
 * EventBridge delivers EC2's and SSM's events best effort: without them, or late, every wait still ends, at a fallback
 * check; ahead of what the APIs show, the woken check looks again.
 */
function eventScenarios(): BadDayScenario[] {
  return [
    { name: 'every event lost', faults: ['event:drop'], expected: SUCCEEDS },
    { name: 'every event minutes late', faults: ['event:late'], expected: SUCCEEDS },
    { name: 'every event ahead of the APIs', faults: ['event:ahead'], expected: SUCCEEDS },
    { name: 'every event ahead of the APIs and step 1 fails', faults: ['event:ahead', 'step:1:fail'], expected: FAILS_IN_PROVISION },
    { name: 'every event lost and step 1 fails', faults: ['event:drop', 'step:1:fail'], expected: FAILS_IN_PROVISION },
    { name: 'every event late and the image fails', faults: ['event:late', 'image:fail'], expected: { status: 'FAILED', phase: 'create-image' } },
  ];
}

function consistencyScenarios(): BadDayScenario[] {
  return [
    { name: 'new resources invisible for 5 s', faults: ['consistency:5'], expected: SUCCEEDS },
    { name: 'new resources invisible for 30 s', faults: ['consistency:30'], expected: SUCCEEDS },
    { name: 'new resources invisible for 30 s and step 1 fails', faults: ['consistency:30', 'step:1:fail'], expected: FAILS_IN_PROVISION },
  ];
}

function endingScenarios(): BadDayScenario[] {
  return [
    ...NEVER_RAN.map((ending) => ({ name: `step 1 ends ${ending} once`, faults: [`step:1:${ending}`], expected: SUCCEEDS })),
    { name: 'step 1 delayed', faults: ['step:1:delayed'], expected: SUCCEEDS },
    { name: 'step 1 cancelled', faults: ['step:1:cancelled'], expected: FAILS_IN_PROVISION },
    { name: 'step 1 terminated', faults: ['step:1:terminated'], expected: FAILS_IN_PROVISION },
    {
      name: 'step 1 undeliverable on every send',
      faults: ['step:1:undeliverable', 'step:2:undeliverable', 'step:3:undeliverable'],
      expected: FAILS_IN_PROVISION,
    },
  ];
}

/**
 * Two service errors in a runner function are retried away; errors that outlast the retries fail the bake in the
 * function's phase (the failure cleanup's own function is left out there: its failure has a path of its own).
 */
function serviceErrorScenarios(steps: readonly RunnerStep[]): BadDayScenario[] {
  return steps.flatMap(({ step, phase, route = [] }) => {
    const retried: BadDayScenario = {
      name: `Lambda service errors in ${step} retried`,
      faults: [...route, `lambda:${step}:service-error:2`],
      expected: route.length > 0 ? { status: 'FAILED', phase } : SUCCEEDS,
    };
    if (route.length > 0 || !phase) return [retried];
    const outlasting: BadDayScenario = {
      name: `Lambda service errors in ${step} outlast the retries`,
      faults: [`lambda:${step}:service-error:${OUTLASTING_SERVICE_ERRORS}`],
      expected: { status: 'FAILED', phase },
    };
    return [retried, outlasting];
  });
}

/** Scenarios only some recipes meet, by recipe name. */
export const RECIPE_BAD_DAYS: Record<string, BadDayScenario[]> = {
  'ubuntu-reboot': [
    { name: 'TerminateInstances throttled for 15 minutes', faults: ['api:TerminateInstances:throttle-for:900'], expected: SUCCEEDS },
    {
      name: 'step 1 fails and TerminateInstances is throttled for two hours',
      faults: ['step:1:fail', 'api:TerminateInstances:throttle-for:7200'],
      expected: FAILS_IN_PROVISION,
    },
    { name: 'the vCPU quota is below one instance', faults: ['vcpu-limit:1'], expected: { status: 'FAILED', phase: 'launch' } },
  ],
  'al2023-filter': [
    { name: 'no t4g.small capacity in us-east-1a', faults: ['capacity:t4g.small:us-east-1a'], expected: SUCCEEDS },
    { name: 't4g.small not offered in us-east-1a', faults: ['unsupported:t4g.small:us-east-1a'], expected: SUCCEEDS },
    { name: 'no t4g.small capacity anywhere', faults: ['capacity:t4g.small'], expected: SUCCEEDS },
  ],
  'ubuntu-distributed': [
    {
      name: 'a copy fails and the cleanup cannot deregister',
      faults: ['copy:eu-west-1:fail', 'api:DeregisterImage:error'],
      expected: { status: 'FAILED', phase: 'distribute' },
    },
    {
      name: 'a copy fails while the other starts late',
      faults: ['api:CopyImage:error:1', 'api:CopyImage:throttle:2'],
      expected: { status: 'FAILED', phase: 'distribute' },
    },
    { name: 'new resources invisible for 30 s and a copy fails', faults: ['consistency:30', 'copy:ap-southeast-2:fail'], expected: { status: 'FAILED', phase: 'distribute' } },
  ],
};
