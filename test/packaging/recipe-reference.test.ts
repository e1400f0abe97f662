/** The recipe reference in docs/ is generated from the one schema: a field added or changed there fails here until it is regenerated. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateRecipeText } from '../../lambda/shared/validate-recipe';
import { recipeReferenceFiles } from '../../scripts/recipe-reference';

const DOCS = join(__dirname, '..', '..', 'docs');

test.each(Object.entries(recipeReferenceFiles()))('docs/%s is what the schema says (npx projen docs:recipe-reference writes it)', (file, generated) => {
  expect(readFileSync(join(DOCS, file), 'utf8')).toBe(generated);
});

test('the reference lists the fields of the example recipes, and the JSON Schema names the required ones', () => {
  const reference = readFileSync(join(DOCS, 'recipe-reference.md'), 'utf8');
  for (const path of ['`name`', '`source.ssmParameter`', '`instance.types`', '`steps[].shell.commands`', '`ami.name`', '`distribution.regions`']) {
    expect(reference).toContain(`| ${path} |`);
  }
  const nginx = readFileSync(join(__dirname, '..', '..', 'examples', 'recipes', 'nginx.json'), 'utf8');
  expect(validateRecipeText(nginx).valid).toBe(true);
  expect(JSON.parse(readFileSync(join(DOCS, 'recipe.schema.json'), 'utf8'))).toMatchObject({ type: 'object', required: expect.arrayContaining(['name', 'source', 'steps']) });
});
