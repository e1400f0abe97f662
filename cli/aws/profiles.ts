/**
 * `--profile NAME` is checked against the shared AWS files before any client is made, with the AWS SDK's
 * own loader, so a misspelt profile is named at once instead of surfacing as missing credentials or region.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
// The AWS SDK's own reader of ~/.aws/config and ~/.aws/credentials (the clients' dependency), so the CLI sees the profiles they will.
// eslint-disable-next-line import/no-extraneous-dependencies
import { getHomeDir, loadSharedConfigFiles } from '@smithy/core/config';
import { UsageError } from '../errors';

/** A shared AWS file, as the SDK finds it: the path, and the environment variable that chose it, if one did. */
export interface SharedFile {
  readonly path: string;
  readonly variable?: 'AWS_CONFIG_FILE' | 'AWS_SHARED_CREDENTIALS_FILE';
  readonly exists: boolean;
}

/** The shared config and credentials files the SDK reads, and the profiles they define (sorted). */
export interface SharedProfiles {
  readonly configFile: SharedFile;
  readonly credentialsFile: SharedFile;
  readonly names: string[];
}

/** Reads the profiles of the shared files, fresh (not the SDK's cached copy). */
export async function sharedProfiles(): Promise<SharedProfiles> {
  const configFile = sharedFile('AWS_CONFIG_FILE', 'config');
  const credentialsFile = sharedFile('AWS_SHARED_CREDENTIALS_FILE', 'credentials');
  const files = await loadSharedConfigFiles({ configFilepath: configFile.path, filepath: credentialsFile.path, ignoreCache: true });
  const names = new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)]);
  // `sso-session NAME` and `services NAME` sections of the config file are not profiles.
  return { configFile, credentialsFile, names: [...names].filter((name) => !/^(sso-session|services)\./.test(name)).sort() };
}

/** Refuses a profile that neither shared file defines, naming the files read and the profiles they have. */
export async function checkProfile(profile: string): Promise<void> {
  const found = await sharedProfiles();
  if (found.names.includes(profile)) return;
  const files = `${describe(found.configFile)} or ${describe(found.credentialsFile)}`;
  const there = !found.configFile.exists && !found.credentialsFile.exists ? 'neither file exists'
    : found.names.length === 0 ? 'they define no profiles' : `profiles there: ${found.names.join(', ')}`;
  throw new UsageError(`AWS profile "${profile}" not found in ${files} (${there})`,
    'profiles are [profile NAME] sections of ~/.aws/config and [NAME] sections of ~/.aws/credentials (or of the files '
    + `AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name); check the spelling, or create the profile: aws configure --profile ${profile}`);
}

function sharedFile(variable: 'AWS_CONFIG_FILE' | 'AWS_SHARED_CREDENTIALS_FILE', name: string): SharedFile {
  const given = process.env[variable];
  const path = given ? expandHome(given) : join(getHomeDir(), '.aws', name);
  return { path, ...(given ? { variable } : {}), exists: existsSync(path) };
}

/** `~/...` as the SDK expands it. */
function expandHome(path: string): string {
  return path.startsWith('~/') ? join(getHomeDir(), path.slice(2)) : path;
}

/** `~/.aws/config` for the usual file, else `/path/to/file (AWS_CONFIG_FILE)`. */
function describe(file: SharedFile): string {
  if (file.variable) return `${file.path} (${file.variable})`;
  const home = getHomeDir();
  return file.path.startsWith(home) ? `~${file.path.slice(home.length)}` : file.path;
}
