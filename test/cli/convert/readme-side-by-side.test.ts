/**
 * docs/coming-from-packer.md shows a template and the recipe `bakery convert` makes of it: both are the real
 * thing, so the page cannot drift from the converter.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertFixture, CORPUS, FIXTURES } from './corpus';
import { ROOT } from '../fixtures/run-bakery';

/** The fenced blocks of one language on a page of docs/. */
function pageBlocks(page: string, language: string): string[] {
  const text = readFileSync(join(ROOT, 'docs', page), 'utf8');
  return [...text.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\`\\n`, 'g'))].map((match) => match[1]);
}

test('the Packer page\'s template is the fixture, and its recipe is what bakery convert writes from it', async () => {
  const fixture = FIXTURES.find((candidate) => candidate.folder === '24-readme-side-by-side')!;

  const { stdout } = await convertFixture(fixture);

  expect(pageBlocks('coming-from-packer.md', 'hcl')).toEqual([readFileSync(join(CORPUS, fixture.folder, 'web.pkr.hcl'), 'utf8')]);
  expect(pageBlocks('coming-from-packer.md', 'json')).toEqual([readFileSync(JSON.parse(stdout).recipes[0].file, 'utf8')]);
});
