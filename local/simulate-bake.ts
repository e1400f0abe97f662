/**
 * Runs one bake in the simulator: the state machine definition synthesized from the real `AmiBakery`,
 * executed by aws-local-stepfunctions, every Lambda task bound to the real handler module, every AWS call
 * answered by the simulated account, all on a virtual clock.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import './promise-polyfill';
import { SimulatedAccount } from './model';
import { ProgressListener, ProgressTracker } from './progress';
import { attachSimulator } from './sdk-bridge';
import { STEP_HANDLERS } from './step-handlers';
import { SimulatedFunction, synthesizeBakery, SynthesizedBakery } from './synthesized-bakery';
import { runOnVirtualClock } from './virtual-clock';
import { clients } from '../lambda/shared/clients';
import { logger } from '../lambda/shared/logger';
import type { BakeFailure, BakeState, Manifest } from '../lambda/shared/types';
import type { AmiBakery } from '../src';

export interface SimulateBakeOptions {
  /** The execution input: `{"recipe": {...}}` or `{"recipeName": "..."}`. */
  readonly input: unknown;
  /** The simulated account; one with the public catalog is made when not given. */
  readonly account?: SimulatedAccount;
  /** Fault rules for a new account (`step:2:fail`, `api:RunInstances:throttle:3`, ...). */
  readonly faults?: readonly string[];
  /** Seed of a new account's random choices. @default 1 */
  readonly seed?: number;
  /** Virtual time the bake starts at. @default now */
  readonly startTime?: Date;
  /** The execution name, which is the build id. @default derived from the recipe name and start time */
  readonly executionName?: string;
  /** Registers recipes on the bakery before synthesis, for `{"recipeName"}` inputs. */
  readonly configureBakery?: (bakery: AmiBakery) => void;
  readonly onProgress?: ProgressListener;
  /** Print the handlers' JSON logs. @default false */
  readonly verboseLogs?: boolean;
}

export interface SimulatedBake {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly manifest: Manifest;
  /** The Fail state's error and cause when the bake failed. */
  readonly error?: { readonly name: string; readonly cause: string };
  readonly executionName: string;
  readonly simulatedSeconds: number;
  readonly account: SimulatedAccount;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

let cachedBakery: SynthesizedBakery | undefined;

/** Runs a whole bake in the simulator and returns its manifest, with leaks checked against the account. */
export async function simulateBake(options: SimulateBakeOptions): Promise<SimulatedBake> {
  const bakery = options.configureBakery
    ? synthesizeBakery({ account: ACCOUNT, region: REGION, configure: options.configureBakery })
    : (cachedBakery ??= synthesizeBakery({ account: ACCOUNT, region: REGION }));
  const account = options.account
    ?? new SimulatedAccount({ seed: options.seed ?? 1, faults: options.faults ?? [], region: REGION, accountId: ACCOUNT });
  seedStackParameters(account, bakery);
  const startTime = options.startTime ?? new Date(Math.max(Date.now(), account.now()));
  const executionName = options.executionName ?? defaultExecutionName(options.input, startTime);
  const tracker = new ProgressTracker(options.onProgress);
  logger.setLogLevel(options.verboseLogs ? 'DEBUG' : 'SILENT');

  const detach = [attachSimulator(clients.ec2, account), attachSimulator(clients.ssm, account)];
  try {
    const run = new BakeRun(bakery, tracker);
    const { result, elapsedMs } = await runOnVirtualClock(startTime.getTime(), async () => {
      const outcome = await run.execute(options.input, executionName, startTime);
      const manifest = withLeaks(outcome.manifest, account, startTime.getTime());
      tracker.finished(manifest);
      return { ...outcome, manifest };
    });
    return { ...result, executionName, simulatedSeconds: Math.round(elapsedMs / 1000), account };
  } finally {
    detach.forEach((undo) => undo());
  }
}

/** One execution: binds each Task state to its handler and collects the outcome. */
class BakeRun {
  private failure?: BakeFailure;

  constructor(private readonly bakery: SynthesizedBakery, private readonly tracker: ProgressTracker) {}

  public async execute(input: unknown, executionName: string, startTime: Date): Promise<Pick<SimulatedBake, 'status' | 'manifest' | 'error'>> {
    const machine = new StateMachine(this.bakery.definition, { validationOptions: { checkArn: false } });
    const execution = machine.run(input as any, {
      overrides: { taskResourceLocalHandlers: this.localHandlers() },
      context: { Execution: { Id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:bakery:${executionName}`, Name: executionName, StartTime: startTime.toISOString(), Input: input as any } },
    });
    try {
      const manifest = await execution.result as unknown as Manifest;
      return { status: 'SUCCEEDED', manifest };
    } catch (error) {
      const { name, cause } = failureOf(error);
      return { status: 'FAILED', manifest: this.failure?.manifest ?? orphanFailureManifest(executionName, name, cause), error: { name, cause } };
    }
  }

  private localHandlers(): Record<string, (input: any) => Promise<any>> {
    const handlers: Record<string, (input: any) => Promise<any>> = {};
    for (const [stateName, resource] of taskStates(this.bakery.definition.States)) {
      const fn = this.bakery.functions.get(resource);
      if (!fn) throw new Error(`simulator: Task state "${stateName}" calls ${resource}, which is not a runner function`);
      handlers[stateName] = (input) => this.invoke(fn, input);
    }
    return handlers;
  }

  /** Invokes a handler as Lambda would: its own environment, a JSON copy of the payload, errors as Lambda reports them. */
  private async invoke(fn: SimulatedFunction, input: unknown): Promise<unknown> {
    const handler = STEP_HANDLERS[fn.step];
    if (!handler) throw new Error(`simulator: no handler module for step "${fn.step}"`);
    const restore = useEnvironment({ ...fn.environment, AWS_REGION: REGION });
    try {
      const output = jsonCopy(await handler(jsonCopy(input), lambdaContext(fn)));
      this.observe(fn.step, output);
      return output;
    } catch (error) {
      throw asLambdaError(error);
    } finally {
      restore();
    }
  }

  private observe(step: string, output: unknown): void {
    if (step === 'cleanup-failure') {
      this.failure = (output as BakeState).failure;
      return;
    }
    this.tracker.observe(output as BakeState);
  }
}

/** Sets a function's environment variables, as Lambda would, until the returned function restores the previous ones. */
function useEnvironment(variables: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

function taskStates(states: Record<string, any>): [string, string][] {
  return Object.entries(states).filter(([, state]) => state.Type === 'Task').map(([name, state]) => [name, state.Resource as string]);
}

/** The registered recipes of the synthesized stack exist in the account as the deployed stack would make them. */
function seedStackParameters(account: SimulatedAccount, bakery: SynthesizedBakery): void {
  for (const [name, value] of bakery.parameters) account.putParameter(name, value);
}

/** Lambda reports a handler's exception with its name as the error and a JSON cause. */
function asLambdaError(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const reported = new Error(JSON.stringify({ errorType: original.name, errorMessage: original.message, trace: [] }));
  reported.name = original.name;
  return reported;
}

function failureOf(error: unknown): { name: string; cause: string } {
  const err = error as { name?: string; message?: string; cause?: unknown };
  const inner = err.cause as { name?: string; message?: string } | undefined;
  return { name: inner?.name ?? err.name ?? 'Error', cause: inner?.message ?? err.message ?? String(error) };
}

/** When even the failure cleanup could not report, the manifest says so with what the execution knows. */
function orphanFailureManifest(buildId: string, name: string, cause: string): Manifest {
  return {
    status: 'FAILED',
    buildId,
    recipe: '',
    sourceAmiId: null,
    artifacts: [],
    phases: [],
    steps: [],
    leakedResources: [],
    error: { phase: 'cleanup', step: null, message: `${name}: ${cause}` },
  };
}

function withLeaks(manifest: Manifest, account: SimulatedAccount, sinceMs: number): Manifest {
  const handedOver = manifest.artifacts.flatMap((artifact) => [artifact.amiId, ...artifact.snapshotIds]);
  return { ...manifest, leakedResources: account.leakedResources(sinceMs, handedOver) };
}

function defaultExecutionName(input: unknown, start: Date): string {
  const recipe = (input as any)?.recipe?.name ?? (input as any)?.recipeName ?? 'bake';
  const stamp = start.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const name = String(recipe).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 50);
  return `${name}-${stamp}-${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0')}`;
}

function lambdaContext(fn: SimulatedFunction) {
  return {
    functionName: `bakery-${fn.step}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:bakery-${fn.step}`,
    memoryLimitInMB: '256',
    awsRequestId: `sim-${Date.now().toString(16)}`,
  };
}

function jsonCopy<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}
