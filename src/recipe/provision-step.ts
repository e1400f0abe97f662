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
    return new RenderedStep({ shell });
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
