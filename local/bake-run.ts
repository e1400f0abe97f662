/**
 * One execution of the bake workflow in aws-local-stepfunctions: each Task state bound to its handler,
 * an optional stop ("abort") when a given state is entered, Step Functions' limits (payload size, history
 * events; see `step-functions-limits.ts`), and the execution status change delivered to the stack's
 * EventBridge rules as AWS would deliver it.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import './promise-polyfill';
import { busName, matchesPattern } from './event-pattern';
import { ExecutionHistory, MAX_HISTORY_EVENTS, TaskKind } from './execution-history';
import type { SimulatedAccount } from './model';
import type { ServiceEvent } from './model/service-events';
import type { ProgressTracker } from './progress';
import type { SimulatedLambda } from './simulated-lambda';
import { historyLimitFailure, LimitFailure, payloadLimitFailure, TerminalStatesError } from './step-functions-limits';
import type { SynthesizedBakery } from './synthesized-bakery';
import { awaitToken, INVOKE_WAITING_FOR_TOKEN, timeoutMsOf, TOKEN_PLACEHOLDER, TokenTaskTimeout, withoutTokenTimeouts, withToken } from './task-token-tasks';
import { failedManifest, recipeNameOf } from '../lambda/shared/manifest';
import { currentPhase } from '../lambda/shared/phases';
import type { BakeFailure, BakeState, Manifest, PhaseName } from '../lambda/shared/types';

export type ExecutionStatus = Manifest['status'];

export interface BakeOutcome {
  readonly status: ExecutionStatus;
  readonly manifest: Manifest;
  /** The error and cause the execution ended with, unless it succeeded. */
  readonly error?: { readonly name: string; readonly cause: string };
  /** The execution history, as Step Functions' GetExecutionHistory returns it. */
  readonly history: HistoryEvent[];
}

export interface ExecutionIdentity {
  readonly name: string;
  readonly arn: string;
  readonly startTime: Date;
  readonly region: string;
  readonly account: string;
}

/** Limits of the simulated Step Functions, smaller than AWS's only to test them. */
export interface ExecutionLimits {
  /** The most events an execution's history holds. @default 25,000 */
  readonly maxHistoryEvents?: number;
}

/** The Step Functions service integration that puts events on an EventBridge bus. */
const PUT_EVENTS = 'arn:aws:states:::events:putEvents';

/** Lambda retries an asynchronous invocation that failed twice, after about one and then two minutes. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

export class BakeRun {
  private failure?: BakeFailure;
  private readonly history: ExecutionHistory;
  private lastState?: BakeState;
  /** The phase a failure path recorded (`failedPhase`), for a manifest the workflow could not write. */
  private failedPhase?: PhaseName;
  /** Set when the execution hit a Step Functions limit, which no Catch handles. */
  private limitFailure?: LimitFailure;
  private abortRun?: () => void;
  private stoppedIn?: string;
  /** Set when the execution is stopped: Step Functions starts no state after that (a Lambda already invoked runs on). */
  private stopped = false;
  /** The definition as the engine runs it, and the timeouts of the token tasks the simulator applies itself. */
  private readonly definition: any;
  private readonly tokenTimeouts: Map<string, TokenTaskTimeout | undefined>;

  constructor(
    private readonly bakery: SynthesizedBakery,
    private readonly lambda: SimulatedLambda,
    private readonly tracker: ProgressTracker,
    private readonly account: SimulatedAccount,
    limits: ExecutionLimits = {},
  ) {
    ({ definition: this.definition, timeouts: this.tokenTimeouts } = withoutTokenTimeouts(bakery.definition));
    const kinds = new Map(taskStates(bakery.definition.States).map(([name, resource]): [string, TaskKind] => [name, resource === PUT_EVENTS ? 'service' : 'lambda']));
    this.history = new ExecutionHistory(kinds, limits.maxHistoryEvents ?? MAX_HISTORY_EVENTS);
  }

  /** Runs the execution to its end, then delivers its status change to the stack's rules. */
  public async execute(input: unknown, execution: ExecutionIdentity, abortAtState?: string): Promise<BakeOutcome> {
    const machine = new StateMachine(this.definition, { validationOptions: { checkArn: false } });
    const run = machine.run(input as any, {
      overrides: { taskResourceLocalHandlers: this.localHandlers(execution) },
      context: {
        Execution: { Id: execution.arn, Name: execution.name, StartTime: execution.startTime.toISOString(), Input: input as any },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    this.abortRun = () => run.abort();
    const stopListening = this.account.serviceEvents.subscribe((event) => this.deliverServiceEvent(event, execution.region));
    const watching = this.watch(run, abortAtState);
    const ended = await this.outcomeOf(run.result, input, execution.name).finally(stopListening);
    await watching;
    // The engine may finish before the watch reads the event that passed a limit: the limit still decides.
    const outcome = this.limitFailure ? this.limitOutcome(input, execution.name, this.limitFailure) : ended;
    this.history.end(new Date(), outcome.status === 'SUCCEEDED'
      ? { status: 'SUCCEEDED', output: outcome.manifest }
      : { status: outcome.status as 'FAILED' | 'ABORTED' | 'TIMED_OUT', error: outcome.error?.name ?? 'States.Runtime', cause: outcome.error?.cause ?? '' });
    if (outcome.status !== 'SUCCEEDED') await this.deliverStatusChange(outcome, execution);
    return { ...outcome, history: this.history.events };
  }

  private async outcomeOf(result: Promise<unknown>, input: unknown, buildId: string): Promise<Omit<BakeOutcome, 'history'>> {
    try {
      return { status: 'SUCCEEDED', manifest: await result as Manifest };
    } catch (error) {
      if (error instanceof ExecutionAbortedError || error instanceof ExecutionTimeoutError) {
        const status = error instanceof ExecutionAbortedError ? 'ABORTED' : 'TIMED_OUT';
        const cause = `the execution ended ${status} in state "${this.stoppedIn ?? 'unknown'}", so the workflow's own cleanup did not run`;
        return { status, manifest: this.endedManifest(status, input, buildId, cause), error: { name: `States.${status}`, cause } };
      }
      const { name, cause } = failureOf(error);
      return { status: 'FAILED', manifest: this.failure?.manifest ?? this.endedManifest('FAILED', input, buildId, `${name}: ${cause}`), error: { name, cause } };
    }
  }

  /** A limit no Catch handles ended the execution: FAILED, and the status-change rule's cleanup removes what it made. */
  private limitOutcome(input: unknown, buildId: string, { name, cause }: LimitFailure): Omit<BakeOutcome, 'history'> {
    return { status: 'FAILED', manifest: this.endedManifest('FAILED', input, buildId, `${name}: ${cause}`), error: { name, cause } };
  }

  private localHandlers(execution: ExecutionIdentity): Record<string, (payload: any) => Promise<any>> {
    const handlers: Record<string, (payload: any) => Promise<any>> = {};
    for (const [stateName, resource] of taskStates(this.bakery.definition.States)) {
      const task = resource === INVOKE_WAITING_FOR_TOKEN ? this.tokenTaskHandler(stateName, execution) : this.taskHandler(stateName, resource);
      handlers[stateName] = async (payload) => {
        if (this.stopped) throw new Error(`simulator: the execution was stopped before "${stateName}" started`);
        return task(payload);
      };
    }
    return handlers;
  }

  /** What a Task state does: put events on the bus, or invoke a runner function. */
  private taskHandler(stateName: string, resource: string): (payload: any) => Promise<any> {
    if (resource === PUT_EVENTS) return async (payload) => this.putEvents(payload);
    const fn = this.bakery.functions.get(resource);
    if (!fn) throw new Error(`simulator: Task state "${stateName}" calls ${resource}, which is not a runner function`);
    return async (payload) => {
      this.checkPayload(stateName, 'input', payload);
      const output = await this.lambda.invoke(fn, payload);
      this.checkPayload(stateName, 'result', output);
      this.observe(fn.step, output);
      return output;
    };
  }

  /**
   * A Lambda invocation that waits for its task token: the function gets a token of its own and returns at once;
   * the task ends when someone sends the token's outcome (the function itself, or it again when an event wakes it),
   * or when its timeout passes.
   */
  private tokenTaskHandler(stateName: string, execution: ExecutionIdentity): (payload: any) => Promise<any> {
    return async (parameters: { FunctionName: string; Payload: unknown }) => {
      const fn = this.bakery.functions.get(parameters.FunctionName);
      if (!fn) throw new Error(`simulator: Task state "${stateName}" calls ${parameters.FunctionName}, which is not a runner function`);
      const deadline = Date.now() + timeoutMsOf(this.tokenTimeouts.get(stateName), parameters);
      const { token, outcome } = this.account.taskTokens.issue(execution.name, deadline);
      const payload = withToken(parameters.Payload, token);
      this.checkPayload(stateName, 'input', payload);
      try {
        await this.lambda.invoke(fn, payload);
      } catch (error) {
        // The function failed after it sent the outcome (removing its registration, say): the task has its outcome.
        const sent = await Promise.race([outcome, Promise.resolve(undefined)]);
        if (!sent) {
          this.account.taskTokens.close(token);
          throw error;
        }
      }
      const output = await awaitToken(this.account.taskTokens, token, outcome, deadline);
      this.checkPayload(stateName, 'result', output);
      this.observe(fn.step, output);
      return output;
    };
  }

  /** EC2's and SSM's events reach the rules of the bakery's region on the default bus; each target is invoked asynchronously. */
  private deliverServiceEvent(event: ServiceEvent, region: string): void {
    if (this.stopped || event.region !== region) return;
    const rules = this.bakery.rules.filter((rule) => rule.bus === 'default' && matchesPattern(rule.pattern, event as unknown as Record<string, unknown>));
    for (const target of rules.flatMap((rule) => rule.targets)) void this.invokeAsync(target, event);
  }

  /** The `events:putEvents` service integration: the entries land on the bus they name (by name or ARN), else the default bus. */
  private async putEvents(payload: { Entries: { Source: string; DetailType: string; Detail: unknown; EventBusName?: string }[] }): Promise<unknown> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const entry of payload.Entries) {
      const bus = busName(entry.EventBusName);
      this.account.events.push({ at: Date.now(), bus, source: entry.Source, detailType: entry.DetailType, detail: entry.Detail });
    }
    return { Entries: payload.Entries.map((_, index) => ({ EventId: `sim-event-${this.account.events.length}-${index}` })), FailedEntryCount: 0 };
  }

  /** Fails the execution, as Step Functions does, when a payload passes the size limit. */
  private checkPayload(stateName: string, kind: 'input' | 'output' | 'result', value: unknown): void {
    const failure = payloadLimitFailure(stateName, kind, value);
    if (failure) throw this.failWith(failure);
  }

  /** Ends the execution with a limit failure: no Retry or Catch runs, and no state starts after it. */
  private failWith(failure: LimitFailure): TerminalStatesError {
    this.limitFailure ??= failure;
    this.stopped = true;
    this.abortRun?.();
    return new TerminalStatesError(failure);
  }

  private observe(step: string, output: unknown): void {
    if (step === 'cleanup-failure') {
      this.failure = (output as BakeState).failure;
      return;
    }
    const state = output as BakeState;
    // A copy branch's state has the build but no phases: it does not stand for the bake.
    if (state?.build && state.phases) this.lastState = state;
    this.tracker.observe(state);
  }

  /**
   * Records the execution's events and, with `abortAtState`, stops the execution the first time it enters that
   * state, as the console's "Stop execution" would.
   */
  private async watch(run: ReturnType<StateMachine['run']>, abortAtState?: string): Promise<void> {
    for await (const event of run.eventLogs) {
      if (this.history.full) continue;
      this.history.record(event);
      if (this.history.full) this.failWith(historyLimitFailure(this.history.maxEvents));
      if (event.type === 'StateExited') this.checkStateOutput(event.state.name, event.state.output);
      if (this.limitFailure || event.type !== 'StateEntered') continue;
      this.stoppedIn = event.state.name;
      if (event.state.name === abortAtState) {
        this.stopped = true;
        run.abort();
        return;
      }
    }
  }

  /** Checks a state's output against the payload limit, and notes the phase a failure path recorded. */
  private checkStateOutput(stateName: string, output: unknown): void {
    const failure = payloadLimitFailure(stateName, 'output', output);
    if (failure) {
      this.failWith(failure);
      return;
    }
    const failedPhase = (output as { failedPhase?: PhaseName } | null)?.failedPhase;
    if (failedPhase) this.failedPhase = failedPhase;
  }

  /** A manifest for an execution that ended without the workflow's own failure report. */
  private endedManifest(status: ExecutionStatus, input: unknown, buildId: string, message: string): Manifest {
    const state = this.lastState ?? { phases: [] };
    const phase = this.failedPhase ?? currentPhase(state.phases) ?? 'prepare';
    const step = phase === 'provision' && state.provision ? state.provision.index + 1 : null;
    return { ...failedManifest(state, buildId, recipeNameOf(input), { phase, step, message }, []), status };
  }

  /** Delivers `Step Functions Execution Status Change` to every matching rule; async invocations are retried as Lambda does. */
  private async deliverStatusChange(outcome: Omit<BakeOutcome, 'history'>, execution: ExecutionIdentity): Promise<void> {
    const status = outcome.status;
    const failure = status === 'FAILED' ? { error: outcome.error?.name, cause: outcome.error?.cause } : {};
    const event = {
      'source': 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      'region': execution.region,
      'account': execution.account,
      'detail': {
        executionArn: execution.arn, stateMachineArn: this.bakery.stateMachineArn, name: execution.name, status, stopDate: Date.now(), ...failure,
      },
    };
    // AWS services put their events on the default bus only.
    for (const rule of this.bakery.rules.filter((candidate) => candidate.bus === 'default' && matchesPattern(candidate.pattern, event))) {
      for (const target of rule.targets) await this.invokeAsync(target, event);
    }
  }

  private async invokeAsync(functionArn: string, event: unknown): Promise<void> {
    const fn = this.bakery.functions.get(functionArn);
    if (!fn) throw new Error(`simulator: a rule targets ${functionArn}, which is not a runner function`);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.lambda.invoke(fn, event);
        return;
      } catch (error) {
        if (attempt >= ASYNC_RETRY_DELAYS_MS.length) return;
        await new Promise((resolve) => setTimeout(resolve, ASYNC_RETRY_DELAYS_MS[attempt]));
      }
    }
  }
}

/** Every Task state by name with its resource, also those inside Map and Parallel states. */
function taskStates(states: Record<string, any>): [string, string][] {
  return Object.entries(states).flatMap(([name, state]): [string, string][] => {
    if (state.Type === 'Task') return [[name, state.Resource as string]];
    const nested = [state.ItemProcessor ?? state.Iterator, ...state.Branches ?? []].filter(Boolean);
    return nested.flatMap((machine: { States: Record<string, any> }) => taskStates(machine.States));
  });
}

function failureOf(error: unknown): { name: string; cause: string } {
  const err = error as { name?: string; message?: string; cause?: unknown };
  const inner = err.cause as { name?: string; message?: string } | undefined;
  return { name: inner?.name ?? err.name ?? 'Error', cause: inner?.message ?? err.message ?? String(error) };
}
