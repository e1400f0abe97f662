/**
 * The command of a `script`, `file` or `ansible` step: the bakery's staged-files document downloads the
 * step's layout from the staging location (aws:downloadContent, with the instance role), then a script
 * checks SHA256SUMS against the key's hash and every file against SHA256SUMS before it installs the file,
 * runs the script or applies the playbook. A missing or changed file fails the step with its path named.
 */
import { StepAt, stepPath } from '../../../src/recipe/step-lists';
import { layoutPrefix, parseStagedSource, s3HttpsUrl, STAGING_DIRECTORY, StagedSource, stagedKindOf } from '../../../src/staging/staging-location';
import * as config from '../config';
import { InvalidState } from '../errors';
import type { ProvisioningStep } from '../step-schema';
import { exportCommands, shellQuote } from '../step-script';
import type { BuildContext } from '../types';
import { windowsDownloadDirectory, windowsStagedCommands } from '../windows/staged-powershell';

type ScriptStep = NonNullable<ProvisioningStep['script']>;
type FileStep = NonNullable<ProvisioningStep['file']>;
type AnsibleStep = NonNullable<ProvisioningStep['ansible']>;

/** The document's parameters for a step of the build, which Prepare checked is a staged step. */
export function stagedCommandParameters(build: BuildContext, at: StepAt<ProvisioningStep>, timeoutSeconds: number): Record<string, string[]> {
  const { step } = at;
  const kind = stagedKindOf(step);
  const source = kind && parseStagedSource(step[kind]!.source, config.stagingLocation());
  if (!source) throw new InvalidState(`run-step: ${stepPath(at)} has no source in the staging location; Prepare should have refused it`);
  const sourceUrl = [s3HttpsUrl(source.location.bucket, layoutPrefix(source), build.region)];
  const executionTimeout = [String(timeoutSeconds)];
  if (build.platform === 'windows') {
    return { sourceUrl, downloadDirectory: [windowsDownloadDirectory(source)], commands: windowsStagedCommands(step, source), executionTimeout };
  }
  const directory = `${STAGING_DIRECTORY}/${source.hash}`;
  const shebang = build.scriptsWithShebang?.includes(stepPath(at)) ?? false;
  const commands = [...verify(source, directory), ...kindCommands(step, source, directory, shebang)];
  return { sourceUrl, downloadDirectory: [directory], commands, executionTimeout };
}

/** Checks SHA256SUMS against the hash in the key, then every file against SHA256SUMS. */
function verify(source: StagedSource, directory: string): string[] {
  return [
    'set -e',
    `cd ${directory}`,
    // aws:downloadContent may put a folder's contents in a folder named after it: move them up, so the paths below hold.
    `if [ ! -f SHA256SUMS ] && [ -f ${source.hash}/SHA256SUMS ]; then cp -R ${source.hash}/. .; fi`,
    `echo '${source.hash}  SHA256SUMS' > ${directory}.sha256`,
    `sha256sum --check --quiet ${directory}.sha256`,
    'sha256sum --check --quiet SHA256SUMS',
  ];
}

function kindCommands(step: ProvisioningStep, source: StagedSource, directory: string, shebang: boolean): string[] {
  if (step.script) return scriptCommands(step.script, source, directory, shebang);
  if (step.file) return fileCommands(step.file, source, directory);
  return ansibleCommands(step.ansible!, source, directory);
}

function scriptCommands(step: ScriptStep, source: StagedSource, directory: string, shebang: boolean): string[] {
  const path = `${directory}/${source.entry}`;
  const run = [...(shebang ? [] : ['bash']), path, ...(step.args ?? []).map(shellQuote)].join(' ');
  return [`chmod +x ${path}`, ...exportCommands(step.environment), ...(step.workingDirectory ? [`cd ${shellQuote(step.workingDirectory)}`] : []), run];
}

function fileCommands(step: FileStep, source: StagedSource, directory: string): string[] {
  const [user, group] = (step.owner ?? '').split(':');
  const destination = shellQuote(step.destination.endsWith('/') && !source.folder ? `${step.destination}${source.entry}` : step.destination);
  if (!source.folder) {
    const owner = [...(user ? ['-o', user] : []), ...(group ? ['-g', group] : [])];
    return [['install', '-D', ...owner, '-m', step.mode ?? '0644', `${directory}/${source.entry}`, destination].join(' ')];
  }
  // Owner and mode apply to what the step copied, never to what the destination held before.
  const copied = (test: string, command: string) => `find . -mindepth 1 ${test}-exec ${command} ${destination}/{} \\;`;
  return [
    `mkdir -p ${destination}`,
    `cp -R ${directory}/${source.entry}. ${destination}/`,
    ...(step.owner || step.mode ? [`cd ${directory}/${source.entry}`] : []),
    ...(step.owner ? [copied('', `chown -h ${step.owner}`)] : []),
    ...(step.mode ? [copied('-type f ', `chmod ${step.mode}`)] : []),
  ];
}

/** Installs Ansible when the image has none, then plays the playbook on the instance itself (Packer's ansible-local). */
function ansibleCommands(step: AnsibleStep, source: StagedSource, directory: string): string[] {
  const variables = `${directory}/extra-vars.json`;
  return [
    'if ! command -v ansible-playbook >/dev/null; then',
    '  if command -v apt-get >/dev/null; then apt-get update -y && DEBIAN_FRONTEND=noninteractive apt-get install -y ansible',
    '  elif command -v dnf >/dev/null; then dnf install -y ansible-core',
    '  else pip3 install ansible; fi',
    'fi',
    `printf '%s' ${shellQuote(JSON.stringify(step.extraVars ?? {}))} > ${variables}`,
    `cd ${directory}/${source.entry}`,
    `ansible-playbook -i 'localhost,' -c local -e @${variables} ${shellQuote(step.playbook)}`,
  ];
}
