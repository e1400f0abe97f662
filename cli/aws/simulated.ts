/**
 * `--simulate FILE`: the CLI's Step Functions and CloudWatch Logs calls answered by the local simulator
 * instead of AWS. A started bake runs in the simulated account kept in FILE (as `bakery simulate --state`
 * keeps it) and is played back at `speed` times real time, so following it looks as it does against AWS.
 *
 * Every change to the account (a started bake, a staged file) holds the state file's lock (the one
 * `bakery simulate --state` takes), reads the file again, makes the change and saves it: two runs on one file
 * take turns, and neither saves over the other's bake. A file that cannot be read is refused, naming it.
 */
import { LogsApi, SdkLogs } from './logs';
import type { AwsServices } from './services';
import { SdkStepFunctions, StepFunctionsApi } from './step-functions';
import type { SimulatedAccount } from '../../local/model';
import type { ObjectStore } from '../../src/staging/local-sources';
import { UsageError } from '../errors';

/** Where the simulated bakery is: its own region, with credentials that are never sent anywhere. */
const SIMULATED = { region: 'us-east-1' };

/** The simulator's modules, loaded only for `--simulate` (the simulator synthesizes the construct). */
type Simulator = Awaited<ReturnType<typeof loadSimulator>>;

async function loadSimulator() {
  const [state, { SimulatedStepFunctions }, { simulatedObjectStore }, { parseFaults }] = await Promise.all([
    import('../../local/account-state'),
    import('../../local/simulated-step-functions'),
    import('../../local/staging-store'),
    import('../../local/faults'),
  ]);
  return { ...state, SimulatedStepFunctions, simulatedObjectStore, parseFaults };
}

/** One account as the CLI talks to it: the account, and SDK clients whose calls it answers. */
interface Connection {
  readonly account: SimulatedAccount;
  readonly stepFunctions: SdkStepFunctions;
  readonly logs: SdkLogs;
}

/** How this run's simulated account behaves: as `bakery simulate`'s options of the same names say. */
export interface SimulatedAccountSettings {
  /** Virtual seconds per real second when playing simulated bakes back. */
  readonly speed: number;
  /** Fault rules for this run (`step:2:fail`, `event:drop`, ...); an account keeps none between runs. */
  readonly faults: readonly string[];
  /** Seed of the account's random choices, when the file holds no account yet. */
  readonly seed?: number;
}

export async function simulatedServices(file: string, settings: SimulatedAccountSettings): Promise<AwsServices> {
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIASIMULATED';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'simulated';
  const simulator = await loadSimulator();
  try {
    simulator.parseFaults(settings.faults);
  } catch (error) {
    throw new UsageError((error as Error).message, 'bakery simulate --help lists the fault rules');
  }
  const session = new SimulatedSession(file, settings, simulator);
  const current = () => session.current;
  const stepFunctions: StepFunctionsApi = {
    region: () => current().stepFunctions.region(),
    listStateMachines: () => current().stepFunctions.listStateMachines(),
    tagsOf: (arn) => current().stepFunctions.tagsOf(arn),
    startExecution: (stateMachineArn, name, input) => session.change((latest) => latest.stepFunctions.startExecution(stateMachineArn, name, input)),
    describeExecution: (arn) => current().stepFunctions.describeExecution(arn),
    eventsAfter: (arn, afterId) => current().stepFunctions.eventsAfter(arn, afterId),
    listExecutions: (arn, maxResults, nextToken) => current().stepFunctions.listExecutions(arn, maxResults, nextToken),
    stopExecution: (arn, cause) => current().stepFunctions.stopExecution(arn, cause),
  };
  // Logs are read from the current account: the one that holds the latest bake this run started.
  const logs: LogsApi = {
    streamEvents: (group, stream) => current().logs.streamEvents(group, stream),
    streamEventsAfter: (group, stream, token) => current().logs.streamEventsAfter(group, stream, token),
  };
  return { stepFunctions, logs, staging: (bucket) => session.staging(bucket) };
}

/** The account in FILE as this run sees it, changed only under the file's lock. */
class SimulatedSession {
  /** The account read last: at the start, then after each change this run made. */
  public current: Connection;

  constructor(private readonly file: string, private readonly settings: SimulatedAccountSettings, private readonly simulator: Simulator) {
    this.current = this.connect(this.read());
  }

  /**
   * Runs `work` on the account as the file holds it now, with the file locked, saves the account, and makes it the
   * current one: another run's bake saved in the meantime is kept.
   */
  public change<T>(work: (latest: Connection) => Promise<T>): Promise<T> {
    return this.simulator.withStateFileLock(this.file, async () => {
      const latest = this.connect(this.read());
      const result = await work(latest);
      this.simulator.saveAccount(latest.account, this.file);
      this.current = latest;
      return result;
    });
  }

  /** A staging bucket of the account: a file put there is saved at once, under the lock. */
  public staging(bucket: string): ObjectStore {
    return {
      has: (key) => this.simulator.simulatedObjectStore(this.current.account, bucket).has(key),
      put: (key, body) => this.change((latest) => this.simulator.simulatedObjectStore(latest.account, bucket).put(key, body)),
    };
  }

  private read(): SimulatedAccount {
    try {
      return this.simulator.openAccount(this.file, { seed: this.settings.seed, faults: [...this.settings.faults] }).account;
    } catch (error) {
      throw new UsageError((error as Error).message, '--simulate takes a file that bakery simulate --state or bakery --simulate wrote, or a new file name');
    }
  }

  private connect(account: SimulatedAccount): Connection {
    const stepFunctions = new SdkStepFunctions(SIMULATED);
    const logs = new SdkLogs(SIMULATED);
    new this.simulator.SimulatedStepFunctions(account, { speed: this.settings.speed }).attach(stepFunctions.client, logs.client);
    return { account, stepFunctions, logs };
  }
}
