/**
 * The files a recipe document names by local path (`script`, `file` and `ansible` sources), checked against
 * the disk and staged: each becomes a layout in the staging location and the document names it there by
 * its s3:// URI. The CLI stages into the bakery's bucket before it starts a bake; the simulator into its
 * simulated one.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { stageLocalPath, StagedLayout } from './staged-layout';
import { STAGED_STEP_KINDS, StagedStepKind, StagingLocation, stagedSourceUri } from './staging-location';
import { StepList, stepPath, stepsIn } from '../recipe/step-lists';

interface StepWithSource {
  source?: unknown;
  readonly playbook?: unknown;
}

export interface LocalSource {
  readonly list: StepList;
  readonly index: number;
  readonly kind: StagedStepKind;
  /** The source as the document gives it. */
  readonly given: string;
  /** The path on this machine. */
  readonly path: string;
}

/** Where staged objects are put: the bakery's bucket, or the simulator's. */
export interface ObjectStore {
  has(key: string): Promise<boolean>;
  put(key: string, body: Buffer): Promise<void>;
}

/** The local sources of a document, resolved against `baseDirectory` (the recipe file's folder). */
export function localSources(document: unknown, baseDirectory: string): LocalSource[] {
  return stepsIn<Record<string, StepWithSource | undefined>>(document).flatMap(({ list, index, step }) => STAGED_STEP_KINDS.flatMap((kind) => {
    const given = step?.[kind]?.source;
    if (typeof given !== 'string' || given.startsWith('s3://')) return [];
    return [{ list, index, kind, given, path: isAbsolute(given) ? given : join(baseDirectory, given) }];
  }));
}

/** What is wrong with the local sources on disk: missing paths, a folder for a script, a file for Ansible, a playbook not in its folder. */
export function localSourceProblems(document: unknown, baseDirectory: string): string[] {
  return localSources(document, baseDirectory).flatMap((source) => {
    const field = `${stepPath(source)}.${source.kind}.source`;
    if (!existsSync(source.path)) return [`${field}: ${source.given} does not exist (looked for ${source.path}); paths are relative to the recipe file`];
    const folder = statSync(source.path).isDirectory();
    if (source.kind === 'script' && folder) return [`${field}: ${source.given} is a folder; a script step runs one file`];
    if (source.kind !== 'script' && folder !== source.given.endsWith('/')) {
      return [`${field}: ${source.given} is a ${folder ? 'folder' : 'file'}; write a folder with a trailing "/" (${folder ? `${source.given}/` : 'files/site/'}) and a file without`];
    }
    const playbook = stepAt(document, source).ansible?.playbook;
    if (source.kind === 'ansible' && typeof playbook === 'string' && !existsSync(join(source.path, playbook))) {
      return [`${stepPath(source)}.ansible.playbook: ${playbook} is not in ${source.given}`];
    }
    return [];
  });
}

/**
 * Stages the document's local sources into `store` (objects already there are not uploaded again) and returns
 * the document with those sources replaced by their s3:// URIs. Check `localSourceProblems` first.
 */
export async function stageLocalSources(document: unknown, baseDirectory: string, location: StagingLocation, store: ObjectStore): Promise<unknown> {
  const staged: unknown = JSON.parse(JSON.stringify(document));
  for (const source of localSources(document, baseDirectory)) {
    const layout = stageLocalPath(source.path);
    await upload(layout, location, store);
    stepAt(staged, source)[source.kind]!.source = stagedSourceUri(location, layout.hash, layout.entry);
  }
  return staged;
}

/** The step a local source belongs to, in a document `localSources` found it in (or a copy of it). */
export function stepAt(document: unknown, source: LocalSource): Record<string, { source?: unknown; playbook?: unknown } | undefined> {
  return (document as Record<StepList, Record<string, StepWithSource | undefined>[]>)[source.list][source.index];
}

async function upload(layout: StagedLayout, location: StagingLocation, store: ObjectStore): Promise<void> {
  const prefix = `${location.prefix}${layout.hash}/`;
  // SHA256SUMS goes last: once it is there, the whole layout is.
  if (await store.has(`${prefix}SHA256SUMS`)) return;
  for (const object of layout.objects) await store.put(`${prefix}${object.key}`, object.body);
}
