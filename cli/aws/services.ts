/** The AWS services a CLI session talks to: the SDK's, or the simulator's with --simulate. */
import type { LogsApi } from './logs';
import type { StepFunctionsApi } from './step-functions';
import type { ObjectStore } from '../../src/staging/local-sources';

export interface AwsServices {
  readonly stepFunctions: StepFunctionsApi;
  readonly logs: LogsApi;
  /** The staging bucket of the bakery, to upload a recipe's files to. */
  readonly staging: (bucket: string) => ObjectStore;
}
