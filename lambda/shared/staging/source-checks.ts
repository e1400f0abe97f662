/**
 * Prepare's checks of the sources of `script`, `file` and `ansible` steps, before anything is launched:
 * each must be staged in this bakery's staging location (the only place the build instance may read),
 * its layout must be there and hold what the step names, and a script's first bytes tell whether it has
 * a `#!` line (else it runs with bash).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { stepPath, stepsIn } from '../../../src/recipe/step-lists';
import {
  formatStagingLocation, layoutPrefix, parseStagedSource, StagedSource, StagedStepKind, stagedKindOf, StagingLocation,
} from '../../../src/staging/staging-location';
import { s3 } from '../clients/s3';
import { isAwsErrorNamed } from '../errors';
import type { RecipeDocument } from '../recipe-schema';
import type { ProvisioningStep } from '../step-schema';

export interface SourceCheck {
  readonly problems: string[];
  /** Where the script steps whose file starts with `#!` are (`steps[2]`, `tests[0]`). */
  readonly scriptsWithShebang: string[];
}

export async function stagedSourceChecks(recipe: RecipeDocument, location: StagingLocation): Promise<SourceCheck> {
  const problems: string[] = [];
  const scriptsWithShebang: string[] = [];
  for (const at of stepsIn<ProvisioningStep>(recipe)) {
    const kind = stagedKindOf(at.step);
    if (!kind) continue;
    const found = await checkOne(at.step, kind, `${stepPath(at)}.${kind}`, location);
    problems.push(...found.problems);
    if (found.shebang) scriptsWithShebang.push(stepPath(at));
  }
  return { problems, scriptsWithShebang };
}

interface OneCheck {
  readonly problems: string[];
  readonly shebang?: boolean;
}

async function checkOne(step: ProvisioningStep, kind: StagedStepKind, path: string, location: StagingLocation): Promise<OneCheck> {
  const uri = step[kind]!.source;
  const where = formatStagingLocation(location);
  if (!uri.startsWith('s3://')) {
    return {
      problems: [`${path}.source: "${uri}" is a path on your machine. bakery build and bakery simulate upload it to the staging location, ` +
      `and CDK recipes ship it as an asset; a bake started with an inline document needs its s3:// URI in ${where}`],
    };
  }
  const source = parseStagedSource(uri, location);
  if (!source) {
    return {
      problems: [`${path}.source: ${uri} is not in this bakery's staging location ${where}<sha256>/..., the only place build instances ` +
      'may read; start the bake with bakery build <recipe file>, which stages local files there'],
    };
  }
  const listed = await listedFiles(source);
  if (!listed) return { problems: [`${path}.source: ${uri} is not staged (no ${layoutPrefix(source)}SHA256SUMS); staged files expire, so stage it again with bakery build`] };
  const problems = [...entryProblems(kind, source, listed, `${path}.source`), ...playbookProblems(step, source, listed, path)];
  if (problems.length > 0 || kind !== 'script') return { problems };
  return { problems, shebang: await startsWithShebang(source) };
}

function entryProblems(kind: StagedStepKind, source: StagedSource, listed: string[], path: string): string[] {
  const present = source.folder ? listed.some((file) => file.startsWith(source.entry)) : listed.includes(source.entry);
  if (!present) return [`${path}: the staged layout holds no ${source.entry}`];
  if (kind === 'script' && source.folder) return [`${path}: a script is one file, and ${source.entry} is a folder`];
  if (kind === 'ansible' && !source.folder) return [`${path}: expected a folder holding the playbook, and ${source.entry} is a file`];
  return [];
}

function playbookProblems(step: ProvisioningStep, source: StagedSource, listed: string[], path: string): string[] {
  if (!step.ansible || !source.folder || listed.includes(`${source.entry}${step.ansible.playbook}`)) return [];
  return [`${path}.playbook: ${step.ansible.playbook} is not in ${source.entry}; it holds ${listed.filter((file) => /\.ya?ml$/.test(file)).join(', ') || 'no .yml file'}`];
}

/** The files SHA256SUMS lists, or undefined when the layout is not staged. */
async function listedFiles(source: StagedSource): Promise<string[] | undefined> {
  try {
    const { Body } = await s3().send(new GetObjectCommand({ Bucket: source.location.bucket, Key: `${layoutPrefix(source)}SHA256SUMS` }));
    const text = (await Body?.transformToString('utf8')) ?? '';
    return text.split('\n').map((line) => /^[0-9a-f]{64} [ *](.+)$/.exec(line)?.[1]).filter((file): file is string => file !== undefined);
  } catch (error) {
    if (isAwsErrorNamed(error, 'NoSuchKey') || isAwsErrorNamed(error, 'NotFound')) return undefined;
    throw error;
  }
}

async function startsWithShebang(source: StagedSource): Promise<boolean> {
  const { Body } = await s3().send(new GetObjectCommand({ Bucket: source.location.bucket, Key: `${layoutPrefix(source)}${source.entry}`, Range: 'bytes=0-1' }));
  return ((await Body?.transformToString('utf8')) ?? '') === '#!';
}
