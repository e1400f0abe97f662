/**
 * `--profile NAME` is checked against the shared AWS files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else
 * ~/.aws/config and ~/.aws/credentials) before any AWS call: a missing profile is named, with the files read.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { account } from './fixtures/run-bakery';
import { bakeryWorld } from './fixtures/worlds';
import { checkProfile, sharedProfiles } from '../../cli/aws/profiles';
import { UsageError } from '../../cli/errors';

const CONFIG = `
[default]
region = us-east-1

[profile dev]
region = eu-west-1
sso_session = corp

[sso-session corp]
sso_region = us-east-1

[services local]
s3 =
  endpoint_url = http://localhost:4566

[not-a-profile-without-the-prefix]
region = us-east-1
`;

const CREDENTIALS = `
[ci]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = example
`;

/** Shared files in a new folder; `null` leaves a file out (its path still names a file that does not exist). */
function sharedFiles(config: string | null = CONFIG, credentials: string | null = CREDENTIALS) {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-profiles-'));
  const files = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  if (config !== null) writeFileSync(files.AWS_CONFIG_FILE, config);
  if (credentials !== null) writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, credentials);
  return files;
}

describe('checkProfile', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  function useFiles(files: Record<string, string>): void {
    Object.assign(process.env, files);
  }

  test('profiles come from [profile NAME] and [default] in the config file and [NAME] in the credentials file', async () => {
    useFiles(sharedFiles());
    expect((await sharedProfiles()).names).toEqual(['ci', 'default', 'dev']);
    await expect(checkProfile('dev')).resolves.toBeUndefined();
    await expect(checkProfile('ci')).resolves.toBeUndefined();
  });

  test('a missing profile is a usage error naming it, the files read and the profiles there', async () => {
    const files = sharedFiles();
    useFiles(files);
    const error = await checkProfile('nosuch').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(`AWS profile "nosuch" not found in ${files.AWS_CONFIG_FILE} (AWS_CONFIG_FILE) or `
      + `${files.AWS_SHARED_CREDENTIALS_FILE} (AWS_SHARED_CREDENTIALS_FILE) (profiles there: ci, default, dev)`);
    expect((error as UsageError).hint).toContain('~/.aws/config');
    expect((error as UsageError).hint).toContain('aws configure --profile nosuch');
  });

  test('sections the SDK does not read as profiles are not profiles', async () => {
    useFiles(sharedFiles());
    for (const name of ['corp', 'local', 'not-a-profile-without-the-prefix', 'sso-session.corp']) {
      await expect(checkProfile(name)).rejects.toThrow(`AWS profile "${name}" not found`);
    }
  });

  test('without the files, or without profiles in them, says so', async () => {
    useFiles(sharedFiles(null, null));
    await expect(checkProfile('dev')).rejects.toThrow(/\(neither file exists\)$/);
    useFiles(sharedFiles('[sso-session corp]\nsso_region = us-east-1\n', null));
    await expect(checkProfile('dev')).rejects.toThrow(/\(they define no profiles\)$/);
  });

  test('the default files are named from the home folder', async () => {
    delete process.env.AWS_CONFIG_FILE;
    delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    process.env.HOME = mkdtempSync(join(tmpdir(), 'bakery-home-'));
    await expect(checkProfile('dev')).rejects.toThrow('AWS profile "dev" not found in ~/.aws/config or ~/.aws/credentials (neither file exists)');
  });
});

describe('bakery --profile', () => {
  test('a missing profile is refused before any AWS call, exit code 2', () => {
    const files = sharedFiles();
    const aws = account(bakeryWorld(), files);
    const run = aws.run('--profile', 'nosuch', 'list');

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const [message, hint, ...rest] = run.stderr.split('\n');
    expect(message).toBe(`bakery: AWS profile "nosuch" not found in ${files.AWS_CONFIG_FILE} (AWS_CONFIG_FILE) or `
      + `${files.AWS_SHARED_CREDENTIALS_FILE} (AWS_SHARED_CREDENTIALS_FILE) (profiles there: ci, default, dev)`);
    expect(hint).toMatch(/^hint: profiles are \[profile NAME\] sections of ~\/\.aws\/config and \[NAME\] sections of ~\/\.aws\/credentials/);
    expect(hint).toContain('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE');
    expect(rest).toEqual(['']);
    expect(aws.calls()).toEqual([]);
  });

  test('a profile in the shared files is used', () => {
    const aws = account(bakeryWorld(), sharedFiles());
    const run = aws.run('--profile', 'dev', 'list', '--limit', '1');

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(aws.calls('ListStateMachines')).toHaveLength(1);
  });
});
