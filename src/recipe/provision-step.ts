import { Duration } from 'aws-cdk-lib';

/** Options for {@link ProvisionStep.shell}. */
export interface ShellStepOptions {
  /** Shell commands, run in order by `AWS-RunShellScript` as one script; the first failing command fails the step. */
  readonly commands: string[];
  /**
   * A short name shown in progress output and failure causes.
   * @default - no name; the step is known by its number
   */
  readonly name?: string;
  /**
   * How long the commands may run before SSM stops them and the bake fails.
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
  /**
   * Directory the commands run in.
   * @default - the SSM agent's working directory for the command
   */
  readonly workingDirectory?: string;
  /**
   * Environment variables exported before the commands run. Do not put secrets here: the recipe is readable
   * by whoever can read the state machine; read secrets from SSM Parameter Store or Secrets Manager on the instance.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Exit codes that count as success (Packer's `valid_exit_codes`).
   * @default [0]
   */
  readonly validExitCodes?: number[];
}

/** Options for {@link ProvisionStep.powershell}. */
export interface PowerShellStepOptions extends StepRunOptions {
  /**
   * PowerShell commands, run in order by `AWS-RunPowerShellScript` as one script (Packer's powershell provisioner's
   * `inline`). A failing cmdlet stops the step; the step ends with the last program's exit code, and `exit 3010`
   * reboots the instance and runs the commands again.
   */
  readonly commands: string[];
  /**
   * Directory the commands run in.
   * @default - the SSM agent's working directory for the command
   */
  readonly workingDirectory?: string;
  /**
   * Environment variables set before the commands run. Do not put secrets here: the recipe is readable by whoever can read the state machine.
   * @default - none
   */
  readonly environment?: Record<string, string>;
}

/** Options for {@link ProvisionStep.document}. */
export interface DocumentStepOptions {
  /**
   * The SSM Command document to run: an AWS document (`AWS-RunPatchBaseline`), one of this account's by name,
   * or another account's shared document by ARN.
   */
  readonly name: string;
  /**
   * The document's parameters, each a list of strings as SSM takes them (`{ Operation: ['Install'] }`). They are
   * checked against the parameters the document declares before a bake launches anything.
   * @default - none: the document's defaults
   */
  readonly parameters?: Record<string, string[]>;
  /**
   * The document version to run: `$LATEST`, `$DEFAULT` or a version number.
   * @default - the document's default version
   */
  readonly documentVersion?: string;
  /**
   * How long the document may run. For the AWS documents the bakery knows, it also becomes the document's own
   * time limit parameter (`executionTimeout`, `TimeoutSeconds`, ...) unless `parameters` sets that.
   * @default - the document's own time limit, else Duration.hours(1)
   */
  readonly timeout?: Duration;
  /**
   * Exit codes that count as success.
   * @default [0]
   */
  readonly validExitCodes?: number[];
}

/** What every step that runs on the instance may set besides its own fields. */
export interface StepRunOptions {
  /**
   * A short name shown in progress output and failure causes.
   * @default - no name; the step is known by its kind and number
   */
  readonly name?: string;
  /**
   * How long the step may run before it fails the bake.
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
  /**
   * Exit codes that count as success (Packer's `valid_exit_codes`).
   * @default [0]
   */
  readonly validExitCodes?: number[];
}

/** Options for {@link ProvisionStep.script}. */
export interface ScriptStepOptions extends StepRunOptions {
  /**
   * The script file: a path on this machine (relative to the CDK app's directory), shipped with the stack, or
   * an s3:// URI in the bakery's staging location. It runs by its `#!` line, or with bash when it has none;
   * exit 194 reboots the instance and runs it again.
   */
  readonly source: string;
  /**
   * Arguments passed to the script.
   * @default - none
   */
  readonly args?: string[];
  /**
   * Environment variables set for the script. Do not put secrets here: the recipe is readable by whoever can read the state machine.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Directory the script runs in.
   * @default - the folder the step's files were downloaded to
   */
  readonly workingDirectory?: string;
}

/** Options for {@link ProvisionStep.file}. */
export interface FileStepOptions extends StepRunOptions {
  /** The file, or a whole folder when it ends with `/`: a path on this machine (relative to the CDK app's directory), shipped with the stack. */
  readonly source: string;
  /** Where it goes on the instance: an absolute path (for a folder, the folder its files go into). */
  readonly destination: string;
  /**
   * Owner of the file (or of every file of the folder): `user` or `user:group`.
   * @default - root
   */
  readonly owner?: string;
  /**
   * Octal mode of the file (or of every file of the folder), such as `0644`.
   * @default '0644' for a file; a folder's files keep theirs
   */
  readonly mode?: string;
}

/** Options for {@link ProvisionStep.ansible}. */
export interface AnsibleStepOptions extends StepRunOptions {
  /** The folder that holds the playbook and its roles, ending with `/`: a path on this machine, shipped with the stack. */
  readonly source: string;
  /** The playbook's path inside the folder, such as `site.yml`. */
  readonly playbook: string;
  /**
   * Variables passed to the playbook (`--extra-vars`).
   * @default - none
   */
  readonly extraVars?: Record<string, string>;
}

/**
 * One provisioning step, run on the build instance through SSM Run Command.
 */
export abstract class ProvisionStep {
  /** Run shell commands on the build instance. */
  public static shell(options: ShellStepOptions): ProvisionStep {
    const shell: Record<string, unknown> = { commands: [...options.commands] };
    if (options.name !== undefined) shell.name = options.name;
    if (options.timeout !== undefined) shell.timeoutSeconds = options.timeout.toSeconds();
    if (options.workingDirectory !== undefined) shell.workingDirectory = options.workingDirectory;
    if (options.environment !== undefined) shell.environment = { ...options.environment };
    if (options.validExitCodes !== undefined) shell.validExitCodes = [...options.validExitCodes];
    return new RenderedStep({ shell });
  }

  /**
   * Run an SSM Command document on the build instance, as State Manager or Run Command would, for example
   * `AWS-RunPatchBaseline` with `{ Operation: ['Install'] }`. Documents other than the AWS ones the bakery knows
   * are added to what the bakery may run when the recipe is registered.
   */
  public static document(options: DocumentStepOptions): ProvisionStep {
    const document: Record<string, unknown> = { name: options.name };
    if (options.documentVersion !== undefined) document.documentVersion = options.documentVersion;
    if (options.parameters !== undefined) {
      document.parameters = Object.fromEntries(Object.entries(options.parameters).map(([key, values]) => [key, [...values]]));
    }
    if (options.timeout !== undefined) document.timeoutSeconds = options.timeout.toSeconds();
    if (options.validExitCodes !== undefined) document.validExitCodes = [...options.validExitCodes];
    return new RenderedStep({ document });
  }

  /**
   * Run a script file on the build instance (Packer's shell provisioner with `script`). A local file is shipped
   * with the stack to the bakery's staging bucket; the instance downloads it through SSM and checks its SHA-256.
   */
  public static script(options: ScriptStepOptions): ProvisionStep {
    return new RenderedStep({
      script: withRunFields({
        source: options.source,
        args: options.args && [...options.args],
        environment: options.environment && { ...options.environment },
        workingDirectory: options.workingDirectory,
      }, options),
    });
  }

  /** Upload a file, or a folder when `source` ends with `/` (Packer's file provisioner, upload direction). */
  public static file(options: FileStepOptions): ProvisionStep {
    return new RenderedStep({
      file: withRunFields({ source: options.source, destination: options.destination, owner: options.owner, mode: options.mode }, options),
    });
  }

  /** Upload a folder and play its playbook on the instance itself (Packer's ansible-local); Ansible is installed when the image has none. */
  public static ansible(options: AnsibleStepOptions): ProvisionStep {
    return new RenderedStep({
      ansible: withRunFields({
        source: options.source,
        playbook: options.playbook,
        extraVars: options.extraVars && { ...options.extraVars },
      }, options),
    });
  }

  /** Run PowerShell commands on a Windows build instance (Packer's powershell provisioner). */
  public static powershell(options: PowerShellStepOptions): ProvisionStep {
    return new RenderedStep({
      powershell: withRunFields({
        commands: [...options.commands],
        workingDirectory: options.workingDirectory,
        environment: options.environment && { ...options.environment },
      }, options),
    });
  }

  /** Reboot the build instance (for a new kernel, say); the next step runs once the SSM agent is back. */
  public static reboot(name?: string): ProvisionStep {
    return new RenderedStep({ reboot: name === undefined ? {} : { name } });
  }

  protected constructor() {}

  /**
   * The step object of the recipe document.
   * @internal
   */
  public abstract _render(): Record<string, unknown>;
}

class RenderedStep extends ProvisionStep {
  constructor(private readonly step: Record<string, unknown>) {
    super();
  }

  public _render(): Record<string, unknown> {
    return this.step;
  }
}

/** The step's fields with the common ones, leaving out what is not set. */
function withRunFields(fields: Record<string, unknown>, options: StepRunOptions): Record<string, unknown> {
  const all: Record<string, unknown> = {
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...fields,
    timeoutSeconds: options.timeout?.toSeconds(),
    validExitCodes: options.validExitCodes && [...options.validExitCodes],
  };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}
