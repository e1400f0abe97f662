/**
 * Which steps fit which platform: a Linux build runs shell, script and ansible steps; a Windows build runs
 * powershell and `.ps1` scripts, copies files to Windows paths without POSIX owners or modes, and has no Ansible
 * on the instance itself. Prepare checks against the source image's platform, before anything is launched;
 * `bakery validate` and synth check already when the source names its platform (AWS's public parameters).
 *
 * This file imports only the step lists, so the constructs, the CLI and the handlers share it.
 */
import { stepPath, stepsIn } from './step-lists';

/** The operating system of a build. */
export type Platform = 'linux' | 'windows';

/** The parts of a step these rules read. */
interface PlatformStep {
  readonly shell?: unknown;
  readonly powershell?: unknown;
  readonly ansible?: unknown;
  readonly script?: { readonly source: string };
  readonly file?: FileFields;
}

interface FileFields {
  readonly destination: string;
  readonly owner?: string;
  readonly mode?: string;
}

/** The parts of a recipe these rules read. */
export interface PlatformRecipe {
  readonly source: { readonly ssmParameter?: string; readonly filter?: { readonly name: string } };
  readonly windows?: unknown;
}

const WINDOWS_PATH = /^[A-Za-z]:[\\/]/;

/** AWS's public parameters and image names that say the platform before the image is looked up. */
const WINDOWS_SOURCE = /^(\/aws\/service\/ami-windows-latest\/|Windows_Server-)/;
const LINUX_SOURCE = /^(\/aws\/service\/(canonical|ami-amazon-linux-latest|debian|suse|redhat|bottlerocket)\/|(ubuntu|al2023|amzn2|debian)[-/])/;

/** The platform a source names without a lookup (`/aws/service/ami-windows-latest/...`); undefined when only the image says. */
export function platformNamedBy(source: PlatformRecipe['source']): Platform | undefined {
  const name = source.ssmParameter ?? source.filter?.name;
  if (name === undefined) return undefined;
  if (WINDOWS_SOURCE.test(name)) return 'windows';
  return LINUX_SOURCE.test(name) ? 'linux' : undefined;
}

/** Every field that does not fit the platform, with the field's path and what to do instead. */
export function platformProblems(recipe: PlatformRecipe, platform: Platform): string[] {
  const steps = stepsIn<PlatformStep>(recipe).flatMap((at) => {
    const check = platform === 'windows' ? windowsStepProblems : linuxStepProblems;
    return check(at.step).map((problem) => `${stepPath(at)}.${problem}`);
  });
  const windowsField = platform === 'linux' && recipe.windows
    ? ['windows: applies to Windows source images, and this one is Linux; leave the field out']
    : [];
  return [...steps, ...windowsField];
}

/** The problems that show already when the source names its platform; none when only the image will say. */
export function namedPlatformProblems(recipe: PlatformRecipe): string[] {
  const platform = platformNamedBy(recipe.source);
  return platform ? platformProblems(recipe, platform) : [];
}

function linuxStepProblems(step: PlatformStep): string[] {
  if (step.powershell) return ['powershell: the source image is Linux, and powershell steps run on Windows; use a "shell" step'];
  if (step.script && /\.ps1$/i.test(step.script.source)) {
    return ['script.source: a .ps1 script runs on Windows, and the source image is Linux; use a shell script'];
  }
  if (step.file && WINDOWS_PATH.test(step.file.destination)) {
    return [`file.destination: ${step.file.destination} is a Windows path, and the source image is Linux; use a path such as /etc/app.conf`];
  }
  return [];
}

function windowsStepProblems(step: PlatformStep): string[] {
  if (step.shell) return ['shell: the source image is Windows, and shell steps run on Linux; use a "powershell" step'];
  if (step.ansible) {
    return ['ansible: Ansible cannot run on a Windows instance itself; apply the configuration with "powershell" steps or a "document" step'];
  }
  if (step.script && !/\.ps1$/i.test(step.script.source)) {
    return ['script.source: on Windows a script runs with PowerShell, so it must be a .ps1 file; rename it, or use a "powershell" step'];
  }
  if (step.file) return windowsFileProblems(step.file);
  return [];
}

function windowsFileProblems(file: FileFields): string[] {
  const problems: string[] = [];
  if (!WINDOWS_PATH.test(file.destination)) {
    problems.push(`file.destination: ${file.destination} is not a Windows path; use a path such as C:\\inetpub\\wwwroot\\index.html`);
  }
  for (const field of ['owner', 'mode'] as const) {
    if (file[field] !== undefined) {
      problems.push(`file.${field}: POSIX ${field === 'owner' ? 'owners' : 'modes'} do not apply on Windows; leave the field out ` +
        '(set ACLs with a "powershell" step)');
    }
  }
  return problems;
}
