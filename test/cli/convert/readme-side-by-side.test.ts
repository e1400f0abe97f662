/**
 * The README's "Coming from Packer" shows a template and the recipe `bakery convert` makes of it: both are the
 * real thing, so the section cannot drift from the converter.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertFixture, CORPUS, FIXTURES } from './corpus';
import { ROOT } from '../fixtures/run-bakery';

/** The fenced blocks of one language in the README section with this title. */
function readmeBlocks(title: string, language: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`\n## ${title}\n`), readme.indexOf('\n## ', readme.indexOf(`\n## ${title}\n`) + 1));
  return [...section.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\`\\n`, 'g'))].map((match) => match[1]);
}

test('the README\'s template is the fixture, and its recipe is what bakery convert writes from it', async () => {
  const fixture = FIXTURES.find((candidate) => candidate.folder === '24-readme-side-by-side')!;

  const { stdout } = await convertFixture(fixture);

  expect(readmeBlocks('Coming from Packer', 'hcl')).toEqual([readFileSync(join(CORPUS, fixture.folder, 'web.pkr.hcl'), 'utf8')]);
  expect(readmeBlocks('Coming from Packer', 'json')).toEqual([readFileSync(JSON.parse(stdout).recipes[0].file, 'utf8')]);
});
