/**
 * Errors of the Lambda service itself (`lambda:<step>:service-error[:<count>]`): the invocation fails before the
 * handler runs, with one of the errors the Lambda service integration reports, and the definition retries them.
 */
import { recipe } from './recipes';
import { simulateBake, simulatedBakery } from '../../local/simulate-bake';
import { LAMBDA_SERVICE_ERRORS } from '../../local/simulated-lambda';

const START = new Date('2031-02-03T04:00:00Z');

/** The runner functions every bake of the test recipe invokes, in the order it does. */
const RUNNER_STEPS = ['prepare', 'launch', 'check-agent', 'run-step', 'check-step', 'stop', 'check-stopped', 'create-image', 'check-image', 'distribute', 'finish'];

/** Error names of the Lambda failures a bake's history records. */
function lambdaFailures(bake: Awaited<ReturnType<typeof simulateBake>>): string[] {
  return bake.history.filter((event) => event.type === 'LambdaFunctionFailed').map((event) => event.lambdaFunctionFailedEventDetails!.error!);
}

test('every Lambda task of the definition retries every Lambda service error', () => {
  const bakery = simulatedBakery();
  const states = bakery.definition.States as Record<string, any>;
  const tasks = Object.entries(states)
    .flatMap(([name, state]): [string, any][] => [[name, state], ...Object.entries(state.ItemProcessor?.States ?? {}) as [string, any][]])
    .filter(([, state]) => state.Type === 'Task' && bakery.functions.has(state.Resource));
  expect(tasks.length).toBeGreaterThan(10);
  for (const [name, task] of tasks) {
    const retried: string[] = (task.Retry ?? []).flatMap((retry: { ErrorEquals: string[] }) => retry.ErrorEquals);
    for (const { name: error } of LAMBDA_SERVICE_ERRORS) expect([name, retried.includes(error)]).toEqual([name, true]);
  }
});

test.each(RUNNER_STEPS)('two service errors in %s are retried, and the bake succeeds with nothing left', async (step) => {
  const bake = await simulateBake({ recipe: recipe(), faults: [`lambda:${step}:service-error:2`], startTime: START });

  expect(bake.status).toBe('SUCCEEDED');
  expect(bake.manifest.leakedResources).toEqual([]);
  expect(lambdaFailures(bake)).toHaveLength(2);
});

test('a run of service errors goes through every error the Lambda service integration reports', async () => {
  const bake = await simulateBake({ recipe: recipe(), faults: ['lambda:launch:service-error:5'], startTime: START });

  expect(bake.status).toBe('SUCCEEDED');
  expect(lambdaFailures(bake)).toEqual(LAMBDA_SERVICE_ERRORS.map((error) => error.name));
});

test('service errors that outlast the retries fail the bake in the step\'s phase, with the error named, and nothing leaks', async () => {
  const bake = await simulateBake({ recipe: recipe(), faults: ['lambda:run-step:service-error:20'], startTime: START });

  expect(bake.status).toBe('FAILED');
  expect(bake.manifest.error?.phase).toBe('provision');
  expect(LAMBDA_SERVICE_ERRORS.map((error) => error.name)).toContain(bake.error?.name);
  expect(bake.error?.cause).toContain('injected by fault rule lambda:run-step:service-error:20');
  expect(bake.manifest.leakedResources).toEqual([]);
});
