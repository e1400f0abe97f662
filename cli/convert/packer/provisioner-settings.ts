/**
 * The settings of a provisioner block besides what becomes the step itself: `pause_before` becomes a pause step
 * before it, settings that only serve Packer's connection or upload are not needed, and anything else the step
 * cannot express is reported, one line each, so no setting disappears silently.
 */
import type { Step } from './provisioners';
import { durationSeconds } from '../hcl/durations';
import type { Block, Value } from '../hcl/syntax';
import type { Report } from '../report';

/** What each provisioner type turns into its step (reported with the block's own line). */
const STEP_SETTINGS: Record<string, string[]> = {
  'shell': ['inline', 'script', 'scripts', 'environment_vars', 'env', 'execute_command', 'expect_disconnect', 'valid_exit_codes', 'timeout'],
  'powershell': ['inline', 'script', 'scripts', 'environment_vars', 'env', 'execute_command', 'elevated_user', 'elevated_password', 'valid_exit_codes', 'timeout'],
  'file': ['source', 'sources', 'destination', 'direction', 'content'],
  'ansible-local': ['playbook_file', 'playbook_dir', 'extra_arguments'],
  'ansible': ['playbook_file', 'extra_arguments'],
};

/** Settings every provisioner may have that the converter applies itself. */
const APPLIED = ['only', 'except', 'override', 'pause_before', 'name'];

const UPLOAD = 'the bakery stages scripts and files itself, through S3';
const NOT_NEEDED: Record<string, string> = {
  remote_folder: UPLOAD,
  remote_path: UPLOAD,
  remote_file: UPLOAD,
  skip_clean: UPLOAD,
  generated: UPLOAD,
  staging_directory: UPLOAD,
  clean_staging_directory: UPLOAD,
  inline_shebang: 'SSM runs inline commands with its own shell',
  binary: UPLOAD,
  env_var_format: 'SSM sets the environment',
  use_env_var_file: 'SSM sets the environment',
  start_retry_timeout: 'SSM delivers the command when the agent is online',
  use_proxy: 'Ansible plays on the instance itself',
  user: 'Ansible plays on the instance itself as root',
  use_sftp: UPLOAD,
  restart_timeout: 'the bakery waits for the agent after a restart (timeouts.agentOnlineSeconds)',
  restart_command: 'the bakery restarts the instance itself',
  restart_check_command: 'the bakery waits for the SSM agent after a restart',
  check_registry: 'the bakery waits for the SSM agent after a restart',
  execution_policy: 'SSM runs PowerShell with its own execution policy',
};

/** One report line for each setting the step does not carry. */
export function reportOtherSettings(block: Block, attribute: string, report: Report): void {
  const type = block.labels[0];
  for (const setting of block.body.attributes) {
    if ((Object.hasOwn(STEP_SETTINGS, type) ? STEP_SETTINGS[type] : []).includes(setting.name) || APPLIED.includes(setting.name)) continue;
    const name = `${attribute}.${setting.name}`;
    if (Object.hasOwn(NOT_NEEDED, setting.name)) report.notNeeded(setting, name, NOT_NEEDED[setting.name]);
    else if (setting.name === 'max_retries') report.notCarried(setting, name, 'a step that fails fails the bake, which cleans up; make the step retry itself');
    else report.notCarried(setting, name, `the recipe's ${type} step has no equivalent`);
  }
}

/** `pause_before = "30s"`: a step that waits that long before the provisioner's own. */
export function pauseStep(block: Block, values: { [name: string]: Value }, attribute: string, report: Report): Step[] {
  if (typeof values.pause_before !== 'string') return [];
  const seconds = Math.round(durationSeconds(values.pause_before) ?? 0);
  const place = block.body.attributes.find((setting) => setting.name === 'pause_before') ?? block;
  if (seconds <= 0) {
    report.notNeeded(place, `${attribute}.pause_before`, 'no pause');
    return [];
  }
  const windows = block.labels[0] === 'powershell' || block.labels[0] === 'windows-restart';
  report.carried(place, `${attribute}.pause_before`, windows ? 'steps[].powershell' : 'steps[].shell', `a step that waits ${seconds} s`);
  return [windows
    ? { powershell: { name: `pause ${seconds} s`, commands: [`Start-Sleep -Seconds ${seconds}`] } }
    : { shell: { name: `pause ${seconds} s`, commands: [`sleep ${seconds}`] } }];
}
