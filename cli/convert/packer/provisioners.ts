/**
 * Packer provisioners as recipe steps: `shell` and `powershell` (inline commands, or one `script` step per script
 * file), `file` uploads, `ansible-local` and `ansible` (played on the instance itself), `windows-restart` and a
 * `shell` reboot with `expect_disconnect` as `reboot` steps. A provisioner the recipe cannot express is reported.
 * Script and file sources are absolute paths here; the converter copies them beside the recipe.
 */
import { basename, dirname, posix } from 'node:path';
import { attributeValues } from './block-values';
import type { PackerTemplate } from './load-template';
import { isFolder, localPath } from './local-paths';
import { pauseStep, reportOtherSettings } from './provisioner-settings';
import { bakeTimeNames } from '../hcl/bake-time';
import { durationSeconds } from '../hcl/durations';
import { describe, isObject } from '../hcl/evaluate';
import { Block, ConvertError, Value } from '../hcl/syntax';
import type { Report } from '../report';

export type Step = Record<string, Record<string, unknown>>;

interface ProvisionerContext {
  readonly block: Block;
  readonly values: { [name: string]: Value };
  readonly attribute: string;
  readonly report: Report;
  /** The absolute path of a file the provisioner names; fails at the provisioner's line when it does not exist. */
  readonly path: (given: string, what: string) => string;
}

const REBOOT_COMMAND = /^\s*(sudo\s+)?(reboot|shutdown\s+-r\b|systemctl\s+reboot)/;

/** The steps one provisioner block becomes (none when it is not carried). */
export function provisionerSteps(block: Block, index: number, template: PackerTemplate, report: Report): Step[] {
  const type = block.labels[0];
  const context: ProvisionerContext = {
    block,
    values: attributeValues(block.body, template.scope),
    attribute: `build.provisioner[${index}] (${type})`,
    report,
    path: (given, what) => localPath(given, template.root, block, what),
  };
  const mapper = Object.hasOwn(PROVISIONERS, type) ? PROVISIONERS[type] : undefined;
  if (!mapper) {
    report.notCarried(block, context.attribute, `the recipe has no step for Packer's ${type} provisioner`);
    return [];
  }
  checkSettingTypes(block, context.values);
  const bakeTime = CARRIED_SETTINGS.flatMap((name) => bakeTimeNames(JSON.stringify(context.values[name] ?? '')));
  if (bakeTime.length > 0) {
    report.notCarried(block, context.attribute, `it uses ${[...new Set(bakeTime)].join(', ')}, known only while Packer builds; a step's commands are fixed ` +
      'in the recipe (the image\'s cdk-ami-bakery:source-ami tag names the source image)');
    return [];
  }
  const steps = mapper(context);
  reportOtherSettings(block, context.attribute, report);
  return steps.length > 0 ? [...pauseStep(block, context.values, context.attribute, report), ...steps] : steps;
}

/** The settings that become a step's commands, environment and files. */
const CARRIED_SETTINGS = ['inline', 'environment_vars', 'env', 'script', 'scripts', 'source', 'sources', 'destination', 'content', 'playbook_file', 'extra_arguments'];

/** Settings that are text or lists of text; anything else (an object where a path belongs) fails at the provisioner. */
const TEXT_SETTINGS = [...CARRIED_SETTINGS, 'valid_exit_codes', 'playbook_dir', 'timeout', 'execute_command', 'direction'];

function checkSettingTypes(block: Block, values: ProvisionerContext['values']): void {
  for (const name of TEXT_SETTINGS.filter((setting) => Object.hasOwn(values, setting))) {
    const value = values[name];
    const items = name === 'env' ? Object.values(isObject(value) ? value : { value }) : Array.isArray(value) ? value : [value];
    if (items.some((item) => item !== null && typeof item === 'object')) {
      throw new ConvertError(block, `${name} must be ${name === 'env' ? 'a map of strings' : 'a string or a list of strings'}, got ${describe(value)}`);
    }
  }
}

/** Commands that generalise a Windows instance, which the bakery does itself as the last step (`windows.sysprep`). */
const GENERALISE_COMMAND = /ec2launch(\.exe)?['"]?\s+(sysprep|reset)|SysprepInstance\.ps1|InitializeInstance\.ps1\s+-Schedule|sysprep\.exe/i;

const PROVISIONERS: Record<string, (context: ProvisionerContext) => Step[]> = {
  'shell': (context) => commandSteps(context, 'shell'),
  'powershell': (context) => commandSteps(context, 'powershell'),
  'file': fileSteps,
  'ansible-local': (context) => ansibleSteps(context, 'playbook_dir'),
  'ansible': (context) => ansibleSteps(context, undefined),
  'windows-restart': (context) => {
    context.report.carried(context.block, context.attribute, 'steps[].reboot');
    return [{ reboot: {} }];
  },
  'breakpoint': (context) => {
    context.report.notCarried(context.block, context.attribute, 'a breakpoint pauses Packer for a person; a bake does not pause');
    return [];
  },
};

const strings = (value: Value | undefined): string[] => {
  if (Array.isArray(value)) return value.map(String);
  return value === undefined || value === null ? [] : [String(value)];
};

/** `environment_vars = ["K=v"]` as an environment object. */
function environment(values: ProvisionerContext['values']): Record<string, string> | undefined {
  const pairs = strings(values.environment_vars).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]);
  const vars = values.env && typeof values.env === 'object' && !Array.isArray(values.env) ? Object.entries(values.env).map(([k, v]) => [k, String(v)]) : [];
  const all = [...pairs, ...vars];
  return all.length > 0 ? Object.fromEntries(all) : undefined;
}

/** Fields every carried step keeps: `valid_exit_codes` and `timeout`. */
function runFields(values: ProvisionerContext['values']): Record<string, unknown> {
  const seconds = typeof values.timeout === 'string' ? durationSeconds(values.timeout) : undefined;
  return {
    ...(values.valid_exit_codes !== undefined ? { validExitCodes: strings(values.valid_exit_codes).map(Number) } : {}),
    ...(seconds ? { timeoutSeconds: Math.round(seconds) } : {}),
  };
}

function commandSteps(context: ProvisionerContext, kind: 'shell' | 'powershell'): Step[] {
  const { values, block, report, attribute } = context;
  const notes = [
    ...(typeof values.execute_command === 'string' && /sudo/.test(values.execute_command) ? ['sudo in execute_command is dropped: SSM runs commands as root'] : []),
    ...(values.elevated_user !== undefined ? ['elevated_user is dropped: SSM runs commands as SYSTEM'] : []),
  ];
  const written = strings(values.inline);
  const inline = kind === 'powershell' ? written.filter((command) => !GENERALISE_COMMAND.test(command)) : written;
  if (inline.length < written.length) {
    notes.push('EC2Launch sysprep commands are dropped: the bakery generalises the image itself as its last step (windows.sysprep)');
    if (inline.length === 0) {
      report.carried(block, attribute, 'windows.sysprep', notes.join('; '));
      return [];
    }
  }
  if (inline.length > 0) {
    if (kind === 'shell' && values.expect_disconnect === true && inline.some((command) => REBOOT_COMMAND.test(command))) {
      report.carried(block, attribute, 'steps[].reboot', 'a reboot that expects the disconnect is the bakery\'s reboot step');
      return [{ reboot: {} }];
    }
    report.carried(block, attribute, `steps[].${kind}`, notes.join('; ') || undefined);
    return [{ [kind]: { commands: inline, ...withEnvironment(values), ...runFields(values) } }];
  }
  const scripts = [...strings(values.script), ...strings(values.scripts)];
  if (scripts.length === 0) {
    report.notCarried(block, attribute, `a ${kind} provisioner needs inline, script or scripts`);
    return [];
  }
  report.carried(block, attribute, 'steps[].script', [`${scripts.length} script file(s)`, ...notes].join('; '));
  return scripts.map((script) => ({ script: { source: filePath(context, script, 'script'), ...withEnvironment(values), ...runFields(values) } }));
}

/** A script or playbook: a file, not a folder. */
function filePath(context: ProvisionerContext, given: string, what: string): string {
  const path = context.path(given, what);
  if (isFolder(path)) throw new ConvertError(context.block, `${what} "${given}" is a folder; name a file`);
  return path;
}

function withEnvironment(values: ProvisionerContext['values']): Record<string, unknown> {
  const env = environment(values);
  return env ? { environment: env } : {};
}

function fileSteps(context: ProvisionerContext): Step[] {
  const { values, block, report, attribute } = context;
  if (values.direction === 'download') {
    report.notCarried(block, attribute, 'downloads from the instance are not carried; copy files out with an onFailure step or to S3 in a step');
    return [];
  }
  const sources = values.sources !== undefined ? strings(values.sources) : strings(values.source);
  if (typeof values.content === 'string') {
    report.carried(block, attribute, 'steps[].file', 'content is written to a file beside the recipe, which the step uploads');
    // The text stays in the draft; writing the recipe puts it in a file beside it (write-recipes.ts).
    return [{ file: { content: values.content, destination: String(values.destination ?? '') } }];
  }
  report.carried(block, attribute, 'steps[].file');
  return sources.map((source) => uploadStep(source, String(values.destination ?? ''), context));
}

/**
 * One upload. A folder named with a trailing `/` uploads what is in it; without one, Packer puts the folder itself
 * into the destination, so the destination gains the folder's name.
 */
function uploadStep(source: string, destination: string, context: ProvisionerContext): Step {
  const path = context.path(source, 'file');
  if (!isFolder(path)) return { file: { source: path, destination } };
  const contentsOnly = /[\\/]$/.test(source);
  const windows = /^[A-Za-z]:[\\/]|\\/.test(destination);
  const into = contentsOnly ? destination : windows ? `${destination.replace(/[\\/]+$/, '')}\\${basename(path)}` : posix.join(destination, basename(path));
  return { file: { source: `${path}/`, destination: into } };
}

function ansibleSteps(context: ProvisionerContext, folderField: string | undefined): Step[] {
  const { values, block, report, attribute } = context;
  const playbook = String(values.playbook_file ?? '');
  if (!playbook) {
    report.notCarried(block, attribute, 'an ansible provisioner needs playbook_file');
    return [];
  }
  const playbookPath = filePath(context, playbook, 'playbook');
  const folder = folderField && typeof values[folderField] === 'string' ? context.path(String(values[folderField]), 'playbook folder') : dirname(playbookPath);
  if (!playbookPath.startsWith(`${folder}/`)) {
    throw new ConvertError(block, `playbook "${playbook}" is not inside playbook_dir "${String(values[folderField!])}"; the recipe uploads the folder and plays the playbook in it`);
  }
  const playbookInFolder = playbookPath.slice(folder.length + 1);
  const note = block.labels[0] === 'ansible' ? 'now played on the instance itself (ansible-local), not over SSH' : undefined;
  report.carried(block, attribute, 'steps[].ansible', note);
  return [{ ansible: { source: `${folder}/`, playbook: playbookInFolder, ...extraVars(values), ...runFields(values) } }];
}

/** `extra_arguments = ["--extra-vars", "env=prod"]` (also `-e`): the variables the playbook gets. */
function extraVars(values: ProvisionerContext['values']): Record<string, unknown> {
  const args = strings(values.extra_arguments);
  const vars: Record<string, string> = {};
  args.forEach((arg, index) => {
    if ((arg === '--extra-vars' || arg === '-e') && args[index + 1]) {
      for (const pair of args[index + 1].split(/\s+/)) if (pair.includes('=')) vars[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
    }
  });
  return Object.keys(vars).length > 0 ? { extraVars: vars } : {};
}
