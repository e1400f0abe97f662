/**
 * What a command runs with: the global options, the terminal, and the AWS services (made on first use,
 * so `--help`, `validate` and `simulate` never touch AWS), and the bakery they talk to.
 */
import { AwsOptions } from './aws/clients';
import { LogsApi, SdkLogs } from './aws/logs';
import { checkProfile } from './aws/profiles';
import type { AwsServices } from './aws/services';
import { simulatedServices } from './aws/simulated';
import { SdkStaging } from './aws/staging';
import { SdkStepFunctions, StepFunctionsApi } from './aws/step-functions';
import { checkBuildId } from './bake/build-input';
import { UsageError } from './errors';
import { Bakery, checkStateMachineArn, executionArnOf, findBakery, regionOfArn } from './find-bakery';
import type { Terminal } from './terminal';
import type { ObjectStore } from '../src/staging/local-sources';

export interface GlobalOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly stateMachine?: string;
  readonly bakery?: string;
  readonly json?: boolean;
  readonly debug?: boolean;
  /** A simulated account file: the commands talk to the local simulator instead of AWS. */
  readonly simulate?: string;
  /** Virtual seconds per real second when playing simulated bakes back. */
  readonly speed?: number;
  /** With `simulate`: fault rules for the simulated account. */
  readonly fault?: string[];
  /** With `simulate`: seed of a new simulated account. */
  readonly seed?: number;
}

export class Session {
  private services?: Promise<AwsServices>;
  private found?: Promise<Bakery>;
  private regionHint?: string;

  constructor(readonly options: GlobalOptions, readonly terminal: Terminal) {
    if (options.stateMachine) checkStateMachineArn(options.stateMachine);
    if (options.simulate === undefined && ((options.fault ?? []).length > 0 || options.seed !== undefined)) {
      throw new UsageError('--fault and --seed apply to a simulated account', 'add --simulate FILE, or bake a recipe file with bakery simulate');
    }
  }

  public get json(): boolean {
    return this.options.json === true;
  }

  public async stepFunctions(): Promise<StepFunctionsApi> {
    return (await this.aws()).stepFunctions;
  }

  public async logs(): Promise<LogsApi> {
    return (await this.aws()).logs;
  }

  public async staging(bucket: string): Promise<ObjectStore> {
    return (await this.aws()).staging(bucket);
  }

  /** The bakery's state machine (found once). */
  public bakery(): Promise<Bakery> {
    this.found ??= this.stepFunctions().then((sfn) => findBakery(sfn, this.options));
    return this.found;
  }

  /** The execution ARN of a build id (an execution ARN is taken as it is, and needs no bakery lookup). */
  public async executionArn(buildId: string): Promise<string> {
    if (buildId.startsWith('arn:')) {
      if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]+:[^:\s]+$/.test(buildId)) {
        throw new UsageError(`"${buildId}" is not an execution ARN`, 'pass a build id (the execution name), as bakery list shows them');
      }
      this.regionHint ??= regionOfArn(buildId);
      // The execution's own state machine, unless one was named.
      const [, partition, , region, accountId, , stateMachine] = buildId.split(':');
      this.found ??= Promise.resolve({ stateMachineArn: `arn:${partition}:states:${region}:${accountId}:stateMachine:${stateMachine}`, name: stateMachine });
      return buildId;
    }
    return executionArnOf((await this.bakery()).stateMachineArn, checkBuildId(buildId));
  }

  /** The AWS services, made on first use: the SDK's, or the simulator's with --simulate. */
  private aws(): Promise<AwsServices> {
    this.services ??= this.options.simulate !== undefined
      ? simulatedServices(this.options.simulate, { speed: this.options.speed ?? 30, faults: this.options.fault ?? [], seed: this.options.seed })
      : this.sdkServices();
    return this.services;
  }

  /** The SDK's clients, once a --profile is known to be in the shared AWS files. */
  private async sdkServices(): Promise<AwsServices> {
    if (this.options.profile) await checkProfile(this.options.profile);
    const options = this.awsOptions();
    return {
      stepFunctions: new SdkStepFunctions(options),
      logs: new SdkLogs(options),
      staging: (bucket: string) => new SdkStaging(bucket, options),
    };
  }

  private awsOptions(): AwsOptions {
    return { region: this.options.region ?? regionOfArn(this.options.stateMachine) ?? this.regionHint, profile: this.options.profile };
  }
}
