/**
 * Waits that EC2's and SSM's events end: each step, the stop and the image are awaited with a task token, and the
 * event wakes the check that sends it. EventBridge delivers best effort: lost or late events cost only time.
 */
import { recipe } from './recipes';
import type { SimulatedAccount } from '../../local/model';
import { simulateBake, SimulatedBake } from '../../local/simulate-bake';

const START = new Date('2030-05-04T03:00:00Z');

function enteredStates(bake: SimulatedBake): string[] {
  return bake.history.flatMap((event) => (event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : []));
}

/** Registrations of waiting tasks still in any bucket of the account. */
function registrations(account: SimulatedAccount): string[] {
  return [...account.buckets.values()].flatMap((bucket) => [...bucket.objects.keys()].filter((key) => key.startsWith('waits/')));
}

function callsOf(bake: SimulatedBake, operation: string) {
  return bake.account.calls.filter((call) => call.operation === operation);
}

describe('waits that events end', () => {
  test('every step, the stop and the image end on their event: no fallback check, one outcome each, no registration left', async () => {
    const bake = await simulateBake({ recipe: recipe(), startTime: START, seed: 3 });

    expect(bake.status).toBe('SUCCEEDED');
    expect(enteredStates(bake).filter((name) => name.startsWith('No event for'))).toEqual([]);
    // Three steps, the stop and the image: each wait's task gets exactly one outcome.
    expect(callsOf(bake, 'SendTaskSuccess').filter((call) => !call.error)).toHaveLength(5);
    expect(callsOf(bake, 'SendTaskFailure')).toEqual([]);
    expect(registrations(bake.account)).toEqual([]);
  });

  test('with every event lost, each wait ends at a fallback check, later, and nothing is left behind', async () => {
    const withEvents = await simulateBake({ recipe: recipe(), startTime: START, seed: 3 });
    const lost = await simulateBake({ recipe: recipe(), startTime: START, seed: 3, faults: ['event:drop'] });

    expect(lost.status).toBe('SUCCEEDED');
    const fallbacks = enteredStates(lost).filter((name) => name.startsWith('No event for'));
    expect(new Set(fallbacks)).toEqual(new Set(['No event for provisioning step', 'No event for instance stop', 'No event for image']));
    expect(lost.simulatedSeconds).toBeGreaterThan(withEvents.simulatedSeconds);
    expect(lost.manifest.leakedResources).toEqual([]);
    expect(registrations(lost.account)).toEqual([]);
  });

  test('with every event minutes late, the fallback checks end the waits first, and the late events change nothing', async () => {
    const bake = await simulateBake({ recipe: recipe(), startTime: START, seed: 3, faults: ['event:late'] });

    expect(bake.status).toBe('SUCCEEDED');
    expect(bake.manifest.steps.map((step) => step.status)).toEqual(['Success', 'Success', 'Success']);
    expect(registrations(bake.account)).toEqual([]);
  });

  test('with every event ahead of what the APIs show, the woken check looks again a moment later: still no fallback check', async () => {
    const bake = await simulateBake({ recipe: recipe(), startTime: START, seed: 3, faults: ['event:ahead'] });

    expect(bake.status).toBe('SUCCEEDED');
    expect(enteredStates(bake).filter((name) => name.startsWith('No event for'))).toEqual([]);
    expect(callsOf(bake, 'SendTaskSuccess').filter((call) => !call.error)).toHaveLength(5);
    expect(registrations(bake.account)).toEqual([]);
  });

  test('a step that fails is reported by its event\'s check, with the failure\'s name, and the bake cleans up', async () => {
    const bake = await simulateBake({ recipe: recipe(), startTime: START, seed: 3, faults: ['step:2:fail'] });

    expect(bake.status).toBe('FAILED');
    expect(bake.error?.name).toBe('ProvisioningStepFailed');
    expect(callsOf(bake, 'SendTaskFailure').map((call) => call.error)).toEqual([undefined]);
    expect(bake.manifest.leakedResources).toEqual([]);
    expect(registrations(bake.account)).toEqual([]);
  });
});
