/**
 * What the AWS documents of the bundled catalog do on a simulated Linux instance, written as scripts for the
 * simulated shell (`windows-document-scripts.ts` has Windows): plausible output and durations, downloads that fail when the object is missing, and
 * AWS-RunPatchBaseline's reboot after an install (exit 194 once, as the document's reboot does).
 */
import type { S3Reader } from './s3-reader';

export type Parameters = Record<string, string[]>;

/** A download `aws:downloadContent` makes before the script runs (again after each reboot). */
export interface Download {
  readonly url: string;
  readonly destination: string;
}

/** The script a document runs, and the plugin whose status GetCommandInvocation reports. */
export interface DocumentScript {
  readonly pluginName: string;
  readonly script: string;
  readonly downloads?: readonly Download[];
  /** What runs the script: the simulated shell (Linux), or the simulated PowerShell (Windows). */
  readonly language?: 'shell' | 'powershell';
}

type ScriptBuilder = (parameters: Parameters, s3: S3Reader) => DocumentScript;

/** A parameter's first value. */
export const first = (parameters: Parameters, name: string, fallback = ''): string => parameters[name]?.[0] ?? fallback;
const quoted = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;
const echo = (...lines: string[]): string[] => lines.map((line) => `echo ${quoted(line)}`);
const fail = (message: string, code = 1): string[] => [`echo ${quoted(message)} >&2`, `exit ${code}`];

const PATCH_REBOOT_MARKER = '/var/log/amazon/ssm/patch-baseline/rebooted-after-install';

function patchBaseline(parameters: Parameters): DocumentScript {
  const operation = first(parameters, 'Operation');
  const reboot = first(parameters, 'RebootOption', 'RebootIfNeeded') === 'RebootIfNeeded';
  const lines = operation === 'Install'
    ? [
      `if [ -f ${PATCH_REBOOT_MARKER} ]; then`,
      ...echo('Instance rebooted after installing patches; reporting compliance.', 'Patch compliance: COMPLIANT'),
      'exit 0',
      'fi',
      ...echo('Patch baseline operation: Install', 'Downloading patch baseline for this operating system...'),
      'sleep 35',
      ...echo('Installed 14 patches: 14 security, 0 bugfix.'),
      ...(reboot
        ? [...echo('A reboot is required to finish installing patches; rebooting (RebootOption RebootIfNeeded).'),
          'mkdir -p /var/log/amazon/ssm/patch-baseline', `touch ${PATCH_REBOOT_MARKER}`, 'exit 194']
        : echo('RebootOption NoReboot: the instance stays non-compliant until it reboots.')),
    ]
    : [...echo('Patch baseline operation: Scan'), 'sleep 20', ...echo('Scan found 14 missing patches.', 'Patch compliance: NON_COMPLIANT')];
  return { pluginName: 'PatchLinux', script: lines.join('\n') };
}

function updateAgent(): DocumentScript {
  return {
    pluginName: 'aws:updateSsmAgent',
    script: [...echo('Updating amazon-ssm-agent from 3.3.1142.0 to 3.3.1802.0'), 'sleep 25', ...echo('Successfully updated amazon-ssm-agent to 3.3.1802.0')].join('\n'),
  };
}

function configurePackage(parameters: Parameters): DocumentScript {
  const action = first(parameters, 'action');
  const name = first(parameters, 'name');
  const version = first(parameters, 'version') || 'latest';
  const verb = action === 'Install' ? 'installed' : 'uninstalled';
  return {
    pluginName: 'configurePackage',
    script: [...echo(`${action} ${name} (version ${version})`), 'sleep 15', ...echo(`Successfully ${verb} arn:aws:ssm:::package/${name} ${version}`)].join('\n'),
  };
}

/** The S3 object a `SourceInfo` `{"path": "https://..."}` names, or the reason it cannot be downloaded. */
export function downloadProblem(parameters: Parameters, s3: S3Reader): string | undefined {
  if (first(parameters, 'SourceType') !== 'S3') return undefined;
  let path = '';
  try {
    path = String((JSON.parse(first(parameters, 'SourceInfo', '{}')) as { path?: unknown }).path ?? '');
  } catch {
    return 'SourceInfo is not valid JSON';
  }
  return s3.objectProblem(path);
}

function remoteScript(parameters: Parameters, s3: S3Reader): DocumentScript {
  const problem = downloadProblem(parameters, s3);
  const lines = problem
    ? fail(`Failed to download content: ${problem}`)
    : [...echo(`Running ${first(parameters, 'commandLine')}`), 'sleep 10'];
  return { pluginName: 'runShellScript', script: lines.join('\n') };
}

function ansible(parameters: Parameters, s3: S3Reader): DocumentScript {
  const problem = downloadProblem(parameters, s3);
  const playbook = first(parameters, 'PlaybookFile', 'hello-world-playbook.yml');
  const lines = problem
    ? fail(`Failed to download content: ${problem}`)
    : [
      ...(first(parameters, 'InstallDependencies', 'True') === 'True' ? ['pip3 install ansible'] : []),
      ...echo(`PLAY [${playbook}] ***`, 'TASK [Gathering Facts] ***', 'ok: [localhost]'),
      'sleep 20',
      ...echo('PLAY RECAP ***', 'localhost : ok=5 changed=3 unreachable=0 failed=0 skipped=0'),
    ];
  return { pluginName: 'runShellScript', script: lines.join('\n') };
}

function configureDocker(parameters: Parameters): DocumentScript {
  const action = first(parameters, 'action');
  return {
    pluginName: 'configureDocker',
    script: [...echo(`${action} Docker`), 'sleep 30', ...echo(action === 'Install' ? 'Docker is installed and running.' : 'Docker is uninstalled.')].join('\n'),
  };
}

/** AWS-InstallApplication's only step is for Windows: on Linux its precondition skips it, as the agent does. */
function installApplication(): DocumentScript {
  return { pluginName: 'installApplication', script: echo('Step execution skipped due to unsatisfied preconditions: platformType Windows.').join('\n') };
}

const commands = (pluginName: string): ScriptBuilder => (parameters) => ({ pluginName, script: (parameters.commands ?? []).join('\n') });

/** The simulated behaviour of each catalog document on Linux, by name; a document missing here does not run on Linux. */
export const AWS_DOCUMENT_SCRIPTS: Readonly<Record<string, ScriptBuilder>> = {
  'AWS-RunShellScript': commands('aws:runShellScript'),
  'AWS-RunPatchBaseline': patchBaseline,
  'AWS-UpdateSSMAgent': updateAgent,
  'AWS-ConfigureAWSPackage': configurePackage,
  'AWS-RunRemoteScript': remoteScript,
  'AWS-ApplyAnsiblePlaybooks': ansible,
  'AWS-ConfigureDocker': configureDocker,
  'AWS-InstallApplication': installApplication,
};
