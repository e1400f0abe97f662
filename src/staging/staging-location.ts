/**
 * The bakery's staging location (`s3://<bucket>/staging/`) and the sources staged there
 * (`s3://<bucket>/staging/<sha256>/<entry>`). This file has no imports, so the handlers, the CLI and the
 * simulator share it with the constructs.
 */

/** The step kinds that bring files, which are staged and downloaded. */
export const STAGED_STEP_KINDS = ['script', 'file', 'ansible'] as const;
export type StagedStepKind = typeof STAGED_STEP_KINDS[number];

/** The kind of a recipe step that brings files; undefined for any other step. */
export function stagedKindOf(step: object | undefined): StagedStepKind | undefined {
  return STAGED_STEP_KINDS.find((kind) => (step as Record<string, unknown> | undefined)?.[kind] !== undefined);
}

/** Key prefix of everything staged in the bakery's staging bucket. */
export const STAGING_PREFIX = 'staging/';

/** The name of the staged-files document's step that runs the step's script on Linux: its output's log streams carry it. */
export const STAGED_RUN_STEP = 'runStep';

/** The staged-files document's step that runs the step's PowerShell script on Windows. */
export const STAGED_RUN_STEP_WINDOWS = 'runStepWindows';

/** Where a Linux instance keeps what a step downloads (the image keeps it: only the step's own files). */
export const STAGING_DIRECTORY = '/var/lib/cdk-ami-bakery/staging';

/** Where a Windows instance keeps what a step downloads. */
export const WINDOWS_STAGING_DIRECTORY = 'C:\\ProgramData\\cdk-ami-bakery\\staging';

export interface StagingLocation {
  readonly bucket: string;
  /** Key prefix, ending with `/`. */
  readonly prefix: string;
}

/** A source in the staging location, as a step names it. */
export interface StagedSource {
  readonly location: StagingLocation;
  /** The SHA-256 of the layout's SHA256SUMS. */
  readonly hash: string;
  /** `nginx.conf`, or `ansible/` for a folder. */
  readonly entry: string;
  readonly folder: boolean;
}

const S3_URI = /^s3:\/\/([^/]+)\/(.*)$/;

/** `s3://bucket/staging/` as a location; undefined for anything else. */
export function parseStagingLocation(uri: string): StagingLocation | undefined {
  const match = S3_URI.exec(uri);
  if (!match) return undefined;
  return { bucket: match[1], prefix: match[2] === '' || match[2].endsWith('/') ? match[2] : `${match[2]}/` };
}

export function formatStagingLocation(location: StagingLocation): string {
  return `s3://${location.bucket}/${location.prefix}`;
}

/** The URI a step names a staged source by. */
export function stagedSourceUri(location: StagingLocation, hash: string, entry: string): string {
  return `${formatStagingLocation(location)}${hash}/${entry}`;
}

/** A source URI inside `location`, with its hash and entry; undefined when it is not one. */
export function parseStagedSource(uri: string, location: StagingLocation): StagedSource | undefined {
  const root = formatStagingLocation(location);
  if (!uri.startsWith(root)) return undefined;
  const match = /^([0-9a-f]{64})\/([^/]+\/?)$/.exec(uri.slice(root.length));
  if (!match) return undefined;
  return { location, hash: match[1], entry: match[2], folder: match[2].endsWith('/') };
}

/** The key of the layout's prefix: `staging/<hash>/`. */
export function layoutPrefix(source: StagedSource): string {
  return `${source.location.prefix}${source.hash}/`;
}

/** An https URL of an S3 key, as `aws:downloadContent` takes it (path style, regional endpoint). */
export function s3HttpsUrl(bucket: string, key: string, region: string): string {
  return `https://s3.${region}.amazonaws.com/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
