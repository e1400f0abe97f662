/**
 * The recipes `bakery convert` writes from the corpus bake in the simulator as they are, files staged from the
 * folder they were written to: every step runs, the image is made and nothing is left behind.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { convertFixture, FIXTURES } from './corpus';
import { SimulatedAccount } from '../../../local/model';
import { simulateBake } from '../../../local/simulate-bake';

const START = new Date('2030-06-01T08:00:00Z');
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** An account where the subnets a converted template names exist, as they do in the account the template was written for. */
function accountWithSubnetsOf(recipe: { instance?: { subnetIds?: string[] } }): SimulatedAccount {
  const account = new SimulatedAccount();
  (recipe.instance?.subnetIds ?? []).forEach((id, index) => account.addSubnet({ id, zone: ZONES[index % ZONES.length] }));
  return account;
}

/** Templates that name a fixed AMI id of their own account; the simulated account has Amazon Linux 2023 in its place. */
const SIMULATED_SOURCE = { ssmParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' };

async function convertedRecipes(): Promise<[string, string][]> {
  const recipes: [string, string][] = [];
  for (const fixture of FIXTURES) {
    const { stdout } = await convertFixture(fixture);
    for (const recipe of JSON.parse(stdout).recipes) recipes.push([`${fixture.folder}/${recipe.name}`, recipe.file]);
  }
  return recipes;
}

describe('converted recipes in the simulator', () => {
  let recipes: [string, string][] = [];
  beforeAll(async () => {
    recipes = await convertedRecipes();
  });

  test('every recipe of the corpus bakes, with every step run and nothing left behind', async () => {
    expect(recipes.length).toBeGreaterThanOrEqual(25);
    const outcomes: string[] = [];
    for (const [name, file] of recipes) {
      const recipe = JSON.parse(readFileSync(file, 'utf8'));
      if (recipe.source.amiId) recipe.source = SIMULATED_SOURCE;
      const bake = await simulateBake({ recipe, stageFrom: dirname(file), account: accountWithSubnetsOf(recipe), startTime: START });
      const { status, steps, leakedResources, error } = bake.manifest as any;
      const windows = recipe.source.filter?.name?.startsWith('Windows_Server') === true;
      outcomes.push(`${name}: ${status} ${steps.length - (windows ? 1 : 0)}/${recipe.steps.length} steps, leaked ${leakedResources.length}${error ? `: ${error.message}` : ''}`);
    }

    expect(outcomes).toEqual(outcomes.map((outcome) => outcome.replace(/: \w+ (\d+)\/\d+ steps, leaked \d+.*$/, ': SUCCEEDED $1/$1 steps, leaked 0')));
  // Some 25 whole bakes, each synthesizing its bakery: about 20 s on an idle machine, much longer on busy cores.
  }, 600_000);
});
