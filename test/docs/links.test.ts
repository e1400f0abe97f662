/**
 * Every relative link of the README and of docs/ leads somewhere: the file or folder exists, and a `#anchor`
 * names a heading of the page it points to, by GitHub's rules for heading anchors.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { DOC_FILES, headingAnchors, links, ROOT } from './markdown';

/** Where a link goes wrong, or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: and other absolute URLs
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const resolved = path === '' ? file : relative(ROOT, normalize(join(ROOT, dirname(file), decodeURIComponent(path))));
  if (resolved.startsWith('..') || !existsSync(join(ROOT, resolved))) return `${target}: ${resolved} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(join(ROOT, resolved)).isDirectory() || !resolved.endsWith('.md')) return `${target}: ${resolved} is not a Markdown page with headings`;
  return headingAnchors(resolved).has(decodeURIComponent(anchor)) ? undefined : `${target}: ${resolved} has no heading with the anchor #${anchor}`;
}

test('the README and every page of docs/ are read', () => {
  expect(DOC_FILES).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/recipes.md', 'docs/recipe-reference.md']));
});

test('every relative link and #anchor resolves', () => {
  const all = DOC_FILES.flatMap(links);
  const broken = all.flatMap((link) => {
    const problem = brokenLink(link.file, link.target);
    return problem === undefined ? [] : [`${link.file}:${link.line}: ${problem}`];
  });

  expect(broken).toEqual([]);
  // A reader that found no links would pass the check above without reading anything.
  expect(all.filter((link) => link.target.includes('#')).length).toBeGreaterThan(10);
});

describe('GitHub heading anchors', () => {
  test.each([
    ['## 4. Who may start what', '4-who-may-start-what'],
    ['## The simulator and the `bakery` CLI', 'the-simulator-and-the-bakery-cli'],
    ['### Lifecycle: deprecation, protection and retention', 'lifecycle-deprecation-protection-and-retention'],
    ['## Distribution: regions, sharing and SSM parameters', 'distribution-regions-sharing-and-ssm-parameters'],
    ['## keepOnFailure_hours [see](x.md)', 'keeponfailure_hours-see'],
  ])('%s is #%s', (heading, anchor) => {
    expect(anchorsOf(heading)).toContain(anchor);
  });

  test('a repeated heading gets -1, -2', () => {
    expect([...anchorsOf('## Notes\n\n## Notes\n\n## Notes')]).toEqual(['notes', 'notes-1', 'notes-2']);
  });
});

/** The anchors of a page holding this Markdown. */
function anchorsOf(markdown: string): Set<string> {
  return headingAnchors('page.md', markdown);
}
