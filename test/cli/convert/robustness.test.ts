/**
 * `bakery convert` on broken input: every template of the corpus, mutated many ways with a seeded generator (lines
 * deleted, duplicated, swapped, the file cut short, stray tokens, strings made numbers, lists, objects or null, and
 * for JSON templates values of the wrong type), and a handful of hand-written nasty inputs. Each either converts,
 * with its recipes written, or fails with a ConvertError; never another error.
 */
import { closeWorkspace, failuresOf, openWorkspace } from './robustness/cases';
import { CORPUS_FIXTURES, mutantsOf } from './robustness/mutants';
import { HAND_WRITTEN } from './robustness/nasty-inputs';

beforeAll(openWorkspace);
afterAll(closeWorkspace);

describe('bakery convert on mutated corpus templates', () => {
  test.each(CORPUS_FIXTURES.map((fixture) => [fixture.folder, fixture] as const))('%s: every mutant converts or fails with a ConvertError',
    async (_folder, fixture) => {
      expect(await failuresOf(mutantsOf(fixture))).toEqual([]);
    });
});

describe('bakery convert on hand-written nasty inputs', () => {
  test('each converts or fails with a ConvertError', async () => {
    expect(await failuresOf(HAND_WRITTEN)).toEqual([]);
  });
});
