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
