/**
 * `--simulate FILE`: the CLI's Step Functions and CloudWatch Logs calls answered by the local simulator
 * instead of AWS. A started bake runs in the simulated account kept in FILE (as `bakery simulate --state`
 * keeps it) and is played back at `speed` times real time, so following it looks as it does against AWS.
 * The account is saved after every started bake, so later commands list it, show it and read its output.
 */
import { SdkLogs } from './logs';
import type { AwsServices } from './services';
import { SdkStepFunctions, StepFunctionsApi } from './step-functions';
import { UsageError } from '../errors';

/** Where the simulated bakery is: its own region, with credentials that are never sent anywhere. */
const SIMULATED = { region: 'us-east-1' };

export async function simulatedServices(file: string, speed: number): Promise<AwsServices> {
  // Loaded only here: the simulator synthesizes the construct.
  const [{ openAccount, saveAccount }, { SimulatedStepFunctions }, { simulatedObjectStore }] = await Promise.all([
    import('../../local/account-state'),
    import('../../local/simulated-step-functions'),
    import('../../local/staging-store'),
  ]);
  let account;
  try {
    account = openAccount(file).account;
  } catch (error) {
    throw new UsageError((error as Error).message, '--simulate takes a file that bakery simulate --state or bakery --simulate wrote, or a new file name');
  }
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIASIMULATED';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'simulated';
  const sdkStepFunctions = new SdkStepFunctions(SIMULATED);
  const logs = new SdkLogs(SIMULATED);
  new SimulatedStepFunctions(account, { speed }).attach(sdkStepFunctions.client, logs.client);
  const stepFunctions: StepFunctionsApi = {
    region: () => sdkStepFunctions.region(),
    listStateMachines: () => sdkStepFunctions.listStateMachines(),
    tagsOf: (arn) => sdkStepFunctions.tagsOf(arn),
    startExecution: async (stateMachineArn, name, input) => {
      const started = await sdkStepFunctions.startExecution(stateMachineArn, name, input);
      saveAccount(account, file);
      return started;
    },
    describeExecution: (arn) => sdkStepFunctions.describeExecution(arn),
    eventsAfter: (arn, afterId) => sdkStepFunctions.eventsAfter(arn, afterId),
    listExecutions: (arn, maxResults, nextToken) => sdkStepFunctions.listExecutions(arn, maxResults, nextToken),
    stopExecution: (arn, cause) => sdkStepFunctions.stopExecution(arn, cause),
  };
  return { stepFunctions, logs, staging: (bucket) => simulatedObjectStore(account, bucket) };
}
