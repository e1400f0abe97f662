/**
 * The bad-recipe corpus (test/fixtures/bad-recipes) against both front doors of the schema: the text
 * validator `bakery validate` uses, and the Prepare step, which must refuse before any EC2 call.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { BUILD_ID, freezeTime, recipePolicy, setEnv } from './fixtures';
import { handler } from '../../lambda/prepare';
import { validateRecipeText } from '../../lambda/shared/validate-recipe';
import { badRecipes, corpusFiles, expectedProblems, GENERATED, parsedDocument, problemMatching } from '../fixtures/bad-recipes/corpus';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const cases = badRecipes();

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  // Inline documents reach validation on a bakery that accepts ad-hoc recipes.
  setEnv({ RECIPE_POLICY: recipePolicy([], {}) });
  freezeTime();
});

afterEach(() => jest.useRealTimers());

describe('the bad-recipe corpus', () => {
  test('has at least 60 readable files, each listed in expected.json with the field it names', () => {
    const expected = expectedProblems();
    const generated = Object.keys(GENERATED);

    expect(corpusFiles().length).toBeGreaterThanOrEqual(60);
    expect(Object.keys(expected).filter((file) => !generated.includes(file)).sort()).toEqual(corpusFiles());
    expect(generated.every((file) => file in expected)).toBe(true);
    for (const [file, problem] of Object.entries(expected)) {
      expect([file, problem]).toEqual([file, expect.stringMatching(/^(document|\$schema|[A-Za-z_]\w*|\w+…\(\d+ characters\))[.[:\w\]"\\…() -]*: /)]);
    }
  });

  test('generated cases are as big as their names say', () => {
    const size = (file: string) => Buffer.byteLength(GENERATED[file](), 'utf8');
    expect(size('104-over-256kb.json')).toBeGreaterThan(256 * 1024);
    expect(size('105-over-limit-under-256kb.json')).toBeGreaterThan(200 * 1024);
    expect(size('105-over-limit-under-256kb.json')).toBeLessThan(256 * 1024);
  });
});

describe.each(cases.map((badRecipe) => [badRecipe.file, badRecipe] as const))('%s', (_file, badRecipe) => {
  test('validateRecipeText refuses it, naming the field, on short printable lines', () => {
    const result = validateRecipeText(badRecipe.text);

    expect(result.valid).toBe(false);
    const { problems } = result;
    expect({ problems, match: problemMatching(problems, badRecipe.expected) }).toMatchObject({ match: expect.any(String) });
    for (const problem of result.problems) {
      expect(problem.length).toBeLessThan(400);
      expect(problem).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
  });

  test('Prepare refuses it with InvalidRecipe naming the field, and makes no EC2 call', async () => {
    // A document that is JSON is the inline recipe; text that is not is handed over as the console user pasted it.
    const parsed = parsedDocument(badRecipe);
    const recipe = parsed ? parsed.document : badRecipe.text;

    const result = handler({ input: { recipe }, executionName: BUILD_ID });

    const error = await result.then(() => undefined, (thrown: Error) => thrown);
    expect(error?.name).toMatch(/^(InvalidRecipe|InvalidInput)$/);
    // Prepare names text that does not parse after the input field ("recipe: not valid JSON"), not "document".
    const expected = parsed ? badRecipe.expected : badRecipe.expected.replace(/^document: /, 'recipe: ');
    const problems = error?.message.split('\n') ?? [];
    expect({ problems, match: problemMatching(problems, expected) }).toMatchObject({ match: expect.any(String) });
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});
