import { IEventBus } from 'aws-cdk-lib/aws-events';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice, Condition, Fail, IntegrationPattern, JsonPath, Map as MapState, Pass, Result, State, Succeed, TaskInput, Timeout, Wait, WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { announce, BAKE_FAILED, BAKE_SUCCEEDED, thenEnd } from './announcements';
import { addCleanupRetries, addTransientRetries } from './retries';
import { PhaseName, STATES_TIMEOUT, StepName } from '../contract';
import { AwaitedStep } from './wait-events';

/** Steps that remove what a bake made: they retry for long, to outlast throttling (see `addCleanupRetries`). */
const CLEANUP_STEPS: readonly StepName[] = ['finish', 'finish-tests', 'cleanup-failure'];

/** One Lambda function per runner step. */
export type StepFunctions = Record<StepName, IFunction>;

/** A bounded wait loop: Wait (seconds chosen by the check) → check → leave when `$.poll.done`. */
interface PollLoop {
  readonly wait: string;
  readonly check: string;
  readonly done: string;
  readonly step: StepName;
  /** The phase a failure is reported in; none inside a Map branch, whose errors the Map state catches. */
  readonly phase?: PhaseName;
  /** Where errors go instead of the phase's failure path (the best-effort `onFailure` steps). */
  readonly rescue?: Rescue;
}

/**
 * A wait an event ends (see `lambda/shared/awaited-check.ts`): the check task waits for its task token, which the
 * check sends once the wait is over, at once or when EC2's or SSM's event wakes it; "Done?" leaves the loop. When
 * no event came in time (the task's timeout, `poll.fallback.seconds`), "No event for …" takes the next timeout from
 * `poll.schedule` and the check runs again.
 */
interface AwaitLoop {
  readonly check: string;
  readonly noEvent: string;
  readonly done: string;
  readonly step: AwaitedStep;
  readonly phase?: PhaseName;
  readonly rescue?: Rescue;
}

/** A Catch that leads past a best-effort part, keeping the error that started the failure cleanup at `$.error`. */
interface Rescue {
  readonly next: State;
  readonly resultPath: string;
}

/**
 * Builds the bake workflow. Every handler takes the whole state and returns it updated, so tasks need no
 * paths; every task retries transient errors and, on anything else, records its phase and goes to the
 * failure cleanup, which removes what the bake made and fails with a cause a person can act on.
 */
export class BakeDefinition {
  /** The first state of the workflow. */
  public readonly startState: State;
  private readonly failedIn = new Map<PhaseName, Pass>();
  private readonly failureCleanup: State;

  constructor(private readonly scope: Construct, private readonly functions: StepFunctions, private readonly bus: IEventBus) {
    this.failureCleanup = this.buildFailureCleanup();
    const finish = this.task('Clean up build', 'finish', 'cleanup');
    const announceSuccess = announce(scope, bus, 'Announce bake succeeded', BAKE_SUCCEEDED, '$');
    thenEnd(announceSuccess, new Succeed(scope, 'BakeSucceeded', { stateName: 'Bake succeeded' }));
    finish.next(announceSuccess);
    const distribute = this.task('Distribute image', 'distribute', 'distribute');
    distribute.next(finish);
    const image = this.createImage(this.testImage(this.copyToRegions(distribute)));
    const stop = this.stopInstance(image);
    const provision = this.provision(stop);
    const launch = this.launch(provision);
    const prepare = this.prepare();
    prepare.next(this.skipWhenNotNeeded(launch));
    this.startState = prepare;
  }

  private prepare(): LambdaInvoke {
    return this.task('Prepare build', 'prepare', 'prepare', TaskInput.fromObject({
      input: JsonPath.entirePayload,
      executionName: JsonPath.stringAt('$$.Execution.Name'),
    }));
  }

  /** "Rebuild needed?": a bake Prepare found unnecessary ends here, successfully, with its SKIPPED manifest as output. */
  private skipWhenNotNeeded(next: State): State {
    return new Choice(this.scope, 'RebuildNeeded', { stateName: 'Rebuild needed?' })
      .when(Condition.isPresent('$.skipped'), new Succeed(this.scope, 'BakeSkipped', { stateName: 'Bake skipped', outputPath: '$.skipped' }))
      .otherwise(next);
  }

  private launch(next: State): State {
    const launch = this.task('Launch build instance', 'launch', 'launch');
    launch.next(this.pollLoop({ wait: 'Wait for SSM agent', check: 'Check SSM agent', done: 'SSM agent online?', step: 'check-agent', phase: 'wait-for-agent' }, next));
    return launch;
  }

  /** Runs the recipe's steps one at a time; returns the loop's entry, the "Any steps left?" choice. */
  private provision(next: State): State {
    const anyLeft = new Choice(this.scope, 'AnyStepsLeft', { stateName: 'Any steps left?' });
    const start = this.task('Start provisioning step', 'run-step', 'provision');
    start.next(this.awaitLoop({ check: 'Check provisioning step', noEvent: 'No event for provisioning step', done: 'Provisioning step finished?', step: 'check-step', phase: 'provision' }, anyLeft));
    anyLeft.when(Condition.numberLessThanJsonPath('$.provision.index', '$.provision.count'), start).otherwise(next);
    return anyLeft;
  }

  /**
   * "Test the image?": with `tests`, a test instance launched from the new image runs them one at a time, like the
   * provisioning steps, and is terminated once all passed; a failed test fails the bake (phase `test`).
   */
  private testImage(next: State): State {
    const finishTests = this.task('Finish tests', 'finish-tests', 'test');
    finishTests.next(next);
    const anyLeft = new Choice(this.scope, 'AnyTestsLeft', { stateName: 'Any tests left?' });
    const start = this.task('Start test step', 'run-step', 'test');
    start.next(this.awaitLoop({ check: 'Check test step', noEvent: 'No event for test step', done: 'Test step finished?', step: 'check-step', phase: 'test' }, anyLeft));
    anyLeft.when(Condition.numberLessThanJsonPath('$.tests.index', '$.tests.count'), start).otherwise(finishTests);
    const launch = this.task('Launch test instance', 'launch', 'test');
    launch.next(this.pollLoop({
      wait: 'Wait for test instance agent', check: 'Check test instance agent', done: 'Test instance agent online?', step: 'check-agent', phase: 'test',
    }, anyLeft));
    return new Choice(this.scope, 'TestTheImage', { stateName: 'Test the image?' })
      .when(Condition.isPresent('$.build.recipe.tests'), launch)
      .otherwise(next);
  }

  /**
   * "Run failure steps?": after a provisioning step failed, the recipe's `onFailure` steps run on the build
   * instance, one at a time, best effort (a failing one is recorded and the next runs; an error skips the rest),
   * before the failure cleanup.
   */
  private onFailureSteps(cleanup: State): State {
    const rescue = { next: cleanup, resultPath: '$.onFailureError' };
    const anyLeft = new Choice(this.scope, 'AnyFailureStepsLeft', { stateName: 'Any failure steps left?' });
    const start = this.task('Start failure step', 'run-step', undefined, undefined, rescue);
    start.next(this.awaitLoop({ check: 'Check failure step', noEvent: 'No event for failure step', done: 'Failure step finished?', step: 'check-step', rescue }, anyLeft));
    anyLeft.when(Condition.numberLessThanJsonPath('$.onFailure.index', '$.onFailure.count'), start).otherwise(cleanup);
    return new Choice(this.scope, 'RunFailureSteps', { stateName: 'Run failure steps?' })
      .when(Condition.and(Condition.isPresent('$.build.recipe.onFailure'), Condition.isPresent('$.instanceId')), start)
      .otherwise(cleanup);
  }

  private stopInstance(next: State): State {
    const stop = this.task('Stop build instance', 'stop', 'stop');
    stop.next(this.awaitLoop({ check: 'Check instance stopped', noEvent: 'No event for instance stop', done: 'Instance stopped?', step: 'check-stopped', phase: 'stop' }, next));
    return stop;
  }

  private createImage(next: State): State {
    const create = this.task('Create image', 'create-image', 'create-image');
    create.next(this.awaitLoop({ check: 'Check image', noEvent: 'No event for image', done: 'Image available?', step: 'check-image', phase: 'create-image' }, next));
    return create;
  }

  /**
   * "Copy image to regions": one branch per `distribution.regions` entry, all at once. Each copies the image,
   * waits until the copy is available and returns it as an artifact; the first branch to fail stops the others,
   * and the failure cleanup removes every copy the build made (found by its tags in each region).
   */
  private copyToRegions(next: State): State {
    const copies = new MapState(this.scope, 'CopyImageToRegions', {
      stateName: 'Copy image to regions',
      itemsPath: '$.build.copyTargets',
      itemSelector: { 'build.$': '$.build', 'imageId.$': '$.imageId', 'target.$': '$$.Map.Item.Value' },
      resultPath: '$.copies',
    });
    const copied = new Pass(this.scope, 'CopyReady', {
      stateName: 'Copy ready',
      parameters: {
        'region.$': '$.target.region',
        'amiId.$': '$.copyId',
        'name.$': '$.build.amiName',
        'snapshotIds.$': '$.snapshotIds',
        'copySeconds.$': '$.copySeconds',
      },
    });
    const copy = this.task('Copy image', 'copy-image');
    copy.next(this.pollLoop({ wait: 'Wait for copy', check: 'Check copy', done: 'Copy available?', step: 'check-copy' }, copied));
    copies.itemProcessor(copy);
    copies.addCatch(this.failurePath('distribute'), { resultPath: '$.error' });
    copies.next(next);
    return copies;
  }

  private pollLoop(loop: PollLoop, next: State): State {
    const wait = new Wait(this.scope, idOf(loop.wait), { stateName: loop.wait, time: WaitTime.secondsPath('$.poll.seconds') });
    const done = new Choice(this.scope, idOf(loop.done), { stateName: loop.done })
      .when(Condition.booleanEquals('$.poll.done', true), next)
      .otherwise(wait);
    wait.next(this.task(loop.check, loop.step, loop.phase, undefined, loop.rescue)).next(done);
    return wait;
  }

  private awaitLoop(loop: AwaitLoop, next: State): State {
    const check = new LambdaInvoke(this.scope, idOf(loop.check), {
      stateName: loop.check,
      lambdaFunction: this.functions[loop.step],
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ state: JsonPath.entirePayload, taskToken: JsonPath.taskToken }),
      taskTimeout: Timeout.at('$.poll.fallback.seconds'),
      retryOnServiceExceptions: false,
    });
    addTransientRetries(check);
    const noEvent = new Pass(this.scope, idOf(loop.noEvent), {
      stateName: loop.noEvent,
      parameters: {
        'round.$': 'States.MathAdd($.poll.fallback.round, 1)',
        'seconds.$': 'States.ArrayGetItem($.poll.schedule, States.MathAdd($.poll.fallback.round, 1))',
      },
      resultPath: '$.poll.fallback',
    });
    check.addCatch(noEvent, { errors: [STATES_TIMEOUT], resultPath: JsonPath.DISCARD });
    if (loop.phase) check.addCatch(this.failurePath(loop.phase), { resultPath: '$.error' });
    if (loop.rescue) check.addCatch(loop.rescue.next, { resultPath: loop.rescue.resultPath });
    noEvent.next(check);
    check.next(new Choice(this.scope, idOf(loop.done), { stateName: loop.done })
      .when(Condition.booleanEquals('$.poll.done', true), next)
      .otherwise(check));
    return check;
  }

  /** A step's task; with a phase, errors that are not retried go to the failure cleanup; with a rescue, to its state. */
  private task(stateName: string, step: StepName, phase?: PhaseName, payload?: TaskInput, rescue?: Rescue): LambdaInvoke {
    const task = new LambdaInvoke(this.scope, idOf(stateName), {
      stateName,
      lambdaFunction: this.functions[step],
      payload,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    if (CLEANUP_STEPS.includes(step)) addCleanupRetries(task);
    else addTransientRetries(task);
    if (phase) task.addCatch(this.failurePath(phase), { resultPath: '$.error' });
    if (rescue) task.addCatch(rescue.next, { resultPath: rescue.resultPath });
    return task;
  }

  /**
   * "Failed in <phase>": records the phase the bake failed in, then cleans up. When Prepare failed, the
   * state is still the execution input, so it is moved under `input`: nothing a caller puts in the input
   * can pass for the build state that cleanup acts on.
   */
  private failurePath(phase: PhaseName): Pass {
    let pass = this.failedIn.get(phase);
    if (!pass) {
      const stateName = `Failed in ${phase}`;
      pass = phase === 'prepare'
        ? new Pass(this.scope, idOf(stateName), {
          stateName,
          parameters: { 'input.$': '$', 'error.$': '$.error', 'failedPhase': phase, 'phases': [] },
        })
        : new Pass(this.scope, idOf(stateName), { stateName, result: Result.fromString(phase), resultPath: '$.failedPhase' });
      pass.next(phase === 'provision' ? this.onFailureSteps(this.failureCleanup) : this.failureCleanup);
      this.failedIn.set(phase, pass);
    }
    return pass;
  }

  private buildFailureCleanup(): State {
    const cleanup = this.cleanupFailureTask('CleanUpAfterFailure', 'Clean up after failure', {});
    addCleanupRetries(cleanup);
    const report = this.cleanupFailureTask('ReportCleanupFailure', 'Report cleanup failure', { cleanupError: JsonPath.objectAt('$.cleanupError') });
    addTransientRetries(report);
    cleanup.addCatch(report, { resultPath: '$.cleanupError' });
    report.addCatch(this.describeCleanupFailure(), { resultPath: '$.reportError' });
    const announceFailure = announce(this.scope, this.bus, 'Announce bake failed', BAKE_FAILED, '$.failure.manifest');
    thenEnd(announceFailure, new Fail(this.scope, 'BakeFailed', {
      stateName: 'Bake failed',
      errorPath: '$.failure.error',
      causePath: '$.failure.cause',
    }));
    cleanup.next(announceFailure);
    report.next(announceFailure);
    return cleanup;
  }

  /**
   * The cleanup function's task. With `cleanupError`, it removes nothing: the cleanup itself failed, and the
   * function only reports the original failure, the cleanup's error and what is left.
   */
  private cleanupFailureTask(id: string, stateName: string, extra: Record<string, unknown>): LambdaInvoke {
    return new LambdaInvoke(this.scope, id, {
      stateName,
      lambdaFunction: this.functions['cleanup-failure'],
      payload: TaskInput.fromObject({ state: JsonPath.entirePayload, executionName: JsonPath.stringAt('$$.Execution.Name'), ...extra }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
  }

  /**
   * When even the report could not run, the execution still fails with both errors and the build id, built by
   * Step Functions itself (`States.Format`), so nothing is lost; the status-change rule's cleanup takes over.
   */
  private describeCleanupFailure(): State {
    const describe = new Pass(this.scope, 'DescribeCleanupFailure', {
      stateName: 'Describe cleanup failure',
      parameters: {
        'error': 'CleanupFailed',
        'cause.$': 'States.Format(' + [
          "'Bake {} failed in {}: {}: {}. Cleaning up after it failed too: {}: {}. Look for instances, images and snapshots tagged "
            + "cdk-ami-bakery:build-id={} and remove them (the orphan sweeper does, later), and check the SSM parameters of the recipe.'",
          '$$.Execution.Name', '$.failedPhase', '$.error.Error', '$.error.Cause', '$.cleanupError.Error', '$.cleanupError.Cause', '$$.Execution.Name',
        ].join(', ') + ')',
      },
    });
    describe.next(new Fail(this.scope, 'CleanupFailed', {
      stateName: 'Cleanup after failure failed',
      errorPath: '$.error',
      causePath: '$.cause',
    }));
    return describe;
  }
}

/** Construct ids from readable state names: "Wait for SSM agent" → "WaitForSSMAgent". */
function idOf(stateName: string): string {
  return stateName.replace(/[^A-Za-z0-9 ]/g, '').split(' ').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}
