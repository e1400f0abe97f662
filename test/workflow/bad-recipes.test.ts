/**
 * Every JSON document of the bad-recipe corpus, baked in the simulator: the execution fails in Prepare with
 * InvalidRecipe naming the field, and the account saw no EC2 call at all; one too large for Step Functions' input
 * is refused before the execution starts.
 */
import { recipe } from './recipes';
import { simulateBake, simulatedBakeryWith } from '../../local/simulate-bake';
import { MAX_PAYLOAD_BYTES } from '../../local/step-functions-limits';
import { AdHocRecipes } from '../../src';
import { badRecipes, parsedDocument, problemMatching } from '../fixtures/bad-recipes/corpus';

const START = new Date('2030-01-15T10:00:00Z');
/** Inline documents reach Prepare's validation only on a bakery that accepts ad-hoc recipes. */
const AD_HOC_BAKERY = simulatedBakeryWith(() => ({ adHocRecipes: AdHocRecipes.allow() }));

test('every bad recipe that is JSON fails in Prepare with InvalidRecipe, before any EC2 call', async () => {
  const outcomes = [];
  for (const badRecipe of badRecipes()) {
    const parsed = parsedDocument(badRecipe);
    if (!parsed) continue;
    const input = { recipe: parsed.document };
    if (JSON.stringify(input).length > MAX_PAYLOAD_BYTES) {
      // Step Functions refuses such an input before the execution starts: Prepare never sees it.
      await expect(simulateBake({ bakery: AD_HOC_BAKERY, input, startTime: START, executionName: 'bad-recipe' })).rejects.toThrow(/Step Functions accepts at most/);
      continue;
    }
    const bake = await simulateBake({ bakery: AD_HOC_BAKERY, input, startTime: START, executionName: 'bad-recipe' });
    const problems = bake.manifest.error?.message.split('\n') ?? [];
    outcomes.push({
      file: badRecipe.file,
      status: bake.status,
      error: bake.error?.name,
      phase: bake.manifest.error?.phase,
      named: problemMatching(problems, badRecipe.expected) !== undefined,
      ec2Calls: bake.account.callCount({ service: 'ec2' }),
      leaked: bake.manifest.leakedResources.length,
    });
  }

  expect(outcomes.length).toBeGreaterThanOrEqual(60);
  expect(outcomes.filter((outcome) => outcome.status !== 'FAILED' || outcome.error !== 'InvalidRecipe' || outcome.phase !== 'prepare' ||
    !outcome.named || outcome.ec2Calls !== 0 || outcome.leaked !== 0)).toEqual([]);
}, 180_000);

test('a root volume smaller than the source image\'s root snapshot fails in Prepare, naming the field, before any launch', async () => {
  const bake = await simulateBake({ recipe: recipe({ instance: { rootVolume: { sizeGiB: 2 } } }), startTime: START });

  expect(bake.manifest.error).toMatchObject({ phase: 'prepare', message: expect.stringMatching(/instance\.rootVolume\.sizeGiB: 2 GiB is smaller than the source image's root snapshot snap-\w+ \(\d+ GiB\)/) });
  expect(bake.error?.name).toBe('InvalidRecipe');
  expect(bake.account.callCount('RunInstances')).toBe(0);
  expect(bake.manifest.leakedResources).toEqual([]);
});
