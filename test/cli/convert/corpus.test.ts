/**
 * `bakery convert` over the corpus of Packer templates: each converts with the arguments it needs, each recipe it
 * writes passes the checks of `bakery validate` (schema and files beside it), and the report names what was not
 * carried. Templates with a missing value or file fail naming the file, the line and the cause.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { convertFixture, CORPUS, FIXTURES } from './corpus';
import type { ReportLine } from '../../../cli/convert/report';
import { validateRecipe } from '../../../lambda/shared/validate-recipe';
import { localSourceProblems } from '../../../src/staging/local-sources';

interface JsonOutput {
  readonly recipes: { file: string; name: string }[];
  readonly report: ReportLine[];
}

const recipeIn = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));

describe('the Packer template corpus', () => {
  test.each(FIXTURES.map((fixture) => [fixture.folder, fixture]))('%s converts into recipes bakery validate accepts', async (_name, fixture) => {
    const { code, stdout, stderr } = await convertFixture(fixture);

    const warnings = stderr.split('\n').filter(Boolean);
    expect(warnings).toHaveLength(fixture.warnings?.length ?? 0);
    (fixture.warnings ?? []).forEach((warning, index) => expect(warnings[index]).toMatch(warning));
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as JsonOutput;
    expect(output.recipes.map((recipe) => recipe.name)).toEqual(fixture.recipes);
    for (const { file } of output.recipes) {
      const document = recipeIn(file);
      expect(validateRecipe(document).problems).toEqual([]);
      expect(localSourceProblems(document, dirname(file))).toEqual([]);
    }
    const notCarried = output.report.filter((line) => line.outcome === 'not carried');
    for (const attribute of fixture.notCarried ?? []) {
      expect(notCarried).toContainEqual(expect.objectContaining({ attribute, reason: expect.stringMatching(/\w+ \w+/) }));
    }
    for (const line of output.report) {
      expect(line).toEqual(expect.objectContaining({ file: expect.any(String), line: expect.any(Number), attribute: expect.any(String) }));
      expect(['carried', 'not needed', 'not carried']).toContain(line.outcome);
    }
  });

  test('a variable without a value fails naming it, its file and line, and how to set it', async () => {
    const { options, ...fixture } = FIXTURES.find((candidate) => candidate.folder === '15-required-variable')!;

    await expect(convertFixture(fixture)).rejects.toThrow(
      `${join(CORPUS, '15-required-variable/release.pkr.hcl')}:2: variable "app_version" has no value; set it with --var app_version=...`);
  });

  test('a script that does not exist fails naming it, the template and the provisioner\'s line', async () => {
    const fixture = { folder: '19-missing-script', template: 'broken.pkr.hcl', recipes: [] };

    await expect(convertFixture(fixture)).rejects.toThrow(
      `${join(CORPUS, '19-missing-script/broken.pkr.hcl')}:17: script "${join(CORPUS, '19-missing-script/scripts/provision.sh')}" does not exist`);
  });
});
