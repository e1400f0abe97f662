import { recipe } from './recipes';
import { SimulatedAccount } from '../../local/model';
import { simulateBake, simulateBakes } from '../../local/simulate-bake';

/** A whole minute in the future: the virtual clock runs ahead of the real one. */
const START = new Date('2030-06-01T09:00:00Z');

describe('many bakes at once in one account', () => {
  test('five concurrent bakes share the virtual clock, all succeed, each with its own metrics, and nothing leaks', async () => {
    const account = new SimulatedAccount({ seed: 5, region: 'us-east-1', accountId: '123456789012' });
    const names = [1, 2, 3, 4, 5].map((n) => `web-concurrent-${n}`);
    // Image names are unique per account and region, so each bake bakes its own recipe.
    const bakes = await simulateBakes(account, names.map((executionName) => ({ recipe: recipe({ name: executionName, ami: { name: `${executionName}-{{timestamp}}` } }), startTime: START, executionName })));

    expect(bakes.map((bake) => bake.status)).toEqual(names.map(() => 'SUCCEEDED'));
    expect(bakes.flatMap((bake) => bake.manifest.leakedResources)).toEqual([]);
    expect(new Set(bakes.map((bake) => bake.manifest.artifacts[0].amiId)).size).toBe(5);
    expect(account.metrics.map((metric) => metric.buildId).sort()).toEqual(names);
    const handedOver = bakes.flatMap((bake) => bake.manifest.artifacts.flatMap((artifact) => [artifact.amiId, ...artifact.snapshotIds]));
    expect(account.leakedResources(START.getTime(), handedOver)).toEqual([]);
  });

  test('a bake in another account while one runs is refused with an error that says why', async () => {
    const account = new SimulatedAccount({ seed: 6 });
    const running = simulateBake({ recipe: recipe(), startTime: START, executionName: 'web-first', account });
    const other = simulateBake({ recipe: recipe(), startTime: START, executionName: 'web-other', account: new SimulatedAccount({ seed: 7 }) });
    await expect(other).rejects.toThrow(/run concurrent bakes in one account/);
    expect((await running).status).toBe('SUCCEEDED');
  });
});
