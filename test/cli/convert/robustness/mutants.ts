/** The mutants of each corpus template: cases made from its files with the text and object mutations, seeded by its folder. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Case } from './cases';
import { Json, OBJECT_MUTATIONS } from './object-mutations';
import { pick, seeded } from './random';
import { RAW_MUTATIONS, SEMANTIC_MUTATIONS } from './text-mutations';
import { CORPUS, Fixture, FIXTURES } from '../corpus';

const TEXT_MUTANTS = 40;
/** JSON templates are also mutated as parsed objects, then written again. */
const OBJECT_MUTANTS = 20;

export const CORPUS_FIXTURES: Fixture[] = [...FIXTURES, { folder: '19-missing-script', template: 'broken.pkr.hcl', recipes: [] }];

/** The files a fixture's conversion reads: its templates first, then its var files. */
function mutableFiles(fixture: Fixture): { templates: string[]; varFiles: string[] } {
  const names = readdirSync(join(CORPUS, fixture.folder)).sort();
  const templates = fixture.template === '.' ? names.filter((name) => name.endsWith('.pkr.hcl')) : [fixture.template];
  const varFiles = [...names.filter((name) => name.endsWith('.auto.pkrvars.hcl')), ...fixture.options?.varFile ?? []];
  return { templates, varFiles };
}

export function mutantsOf(fixture: Fixture): Case[] {
  const random = seeded(fixture.folder);
  const { templates, varFiles } = mutableFiles(fixture);
  const base = (description: string, files: Record<string, string>): Case => ({
    label: fixture.folder,
    description,
    from: fixture.folder,
    files,
    template: fixture.template,
    vars: fixture.options?.var,
    varFiles: fixture.options?.varFile,
    only: fixture.options?.only,
    environment: fixture.environment,
    fromFolder: fixture.fromFolder,
  });
  const original = (name: string) => readFileSync(join(CORPUS, fixture.folder, name), 'utf8');
  const cases: Case[] = [];
  for (let index = 0; index < TEXT_MUTANTS; index++) {
    const file = varFiles.length > 0 && random() < 0.15 ? pick(random, varFiles) : pick(random, templates);
    let text = original(file);
    const steps: string[] = [];
    for (let step = random() < 0.25 ? 2 : 1; step > 0; step--) {
      const mutated = pick(random, random() < 0.5 ? RAW_MUTATIONS : SEMANTIC_MUTATIONS)(text, random, file.endsWith('.json'));
      text = mutated.text;
      steps.push(mutated.description);
    }
    cases.push(base(`${file}: ${steps.join('; then ')}`, { [file]: text }));
  }
  for (const file of templates.filter((name) => name.endsWith('.json'))) {
    for (let index = 0; index < OBJECT_MUTANTS; index++) {
      const document = JSON.parse(original(file)) as Json;
      const description = pick(random, OBJECT_MUTATIONS)(document, random);
      cases.push(base(`${file} as an object: ${description}`, { [file]: `${JSON.stringify(document, null, 2)}\n` }));
    }
  }
  return cases;
}
