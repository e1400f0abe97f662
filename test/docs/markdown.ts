/**
 * Reads the project's Markdown as GitHub renders it: the fenced blocks of each page (with the line they start
 * on), its headings' anchors, and its relative links. The README and every page of `docs/` are the pages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/**
 * The README and the Markdown pages of docs/, as paths relative to the repository's root. Drafts waiting to
 * become pages (`docs/_incoming-*.md`, any name starting with `_`) are not pages yet.
 */
export const DOC_FILES: readonly string[] = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md') && !name.startsWith('_')).sort().map((name) => `docs/${name}`),
];

export interface FencedBlock {
  /** The page, relative to the repository's root. */
  readonly file: string;
  /** The line (from 1) of the block's first content line, after the opening fence. */
  readonly line: number;
  /** The info string's first word (`ts`, `json`, `bash`), empty for a bare fence. */
  readonly language: string;
  /** The info string's further words (`fragment`, `recipe-fields`). */
  readonly flags: readonly string[];
  /** The block's content, without its fences, ending with a newline. */
  readonly text: string;
}

export function readDoc(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** Every fenced block of a page, also those indented in a list item. */
export function fencedBlocks(file: string, markdown = readDoc(file)): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[index]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let end = index + 1;
    const close = new RegExp(`^\\s*\\${fence[0]}{${fence.length},}\\s*$`);
    while (end < lines.length && !close.test(lines[end])) {
      body.push(lines[end].startsWith(indent) ? lines[end].slice(indent.length) : lines[end].trimStart());
      end++;
    }
    const [language = '', ...flags] = info.trim().split(/\s+/).filter(Boolean);
    blocks.push({ file, line: index + 2, language, flags, text: body.map((line) => `${line}\n`).join('') });
    index = end;
  }
  return blocks;
}

/** The page's lines outside fenced blocks, each with its line number (from 1); fenced lines are blanked. */
export function proseLines(file: string, markdown = readDoc(file)): { line: number; text: string }[] {
  const fenced = new Set<number>();
  for (const block of fencedBlocks(file, markdown)) {
    const count = block.text.split('\n').length - 1;
    for (let line = block.line - 1; line <= block.line + count; line++) fenced.add(line);
  }
  return markdown.split('\n').map((text, index) => ({ line: index + 1, text: fenced.has(index + 1) ? '' : text }));
}

/**
 * The anchor GitHub gives a heading: its text without Markdown (code spans keep their content, links their
 * text), lower case, every character that is not a letter, digit, space, `-` or `_` removed, spaces turned into
 * `-`; a repeated anchor gets `-1`, `-2`, ... in order.
 */
export function headingAnchors(file: string, markdown = readDoc(file)): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(file, markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const plain = heading[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/`/g, '');
    const slug = plain.toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

export interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** The page's inline links and images outside fenced blocks and code spans, e.g. `[text](docs/x.md#anchor)`. */
export function links(file: string): Link[] {
  return proseLines(file).flatMap(({ line, text }) => {
    const prose = text.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
    return [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => ({ file, line, target: match[1] }));
  });
}
