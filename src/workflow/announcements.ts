import { Duration } from 'aws-cdk-lib';
import { IEventBus } from 'aws-cdk-lib/aws-events';
import { JsonPath, State, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { EventBridgePutEvents } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/** The `source` of the events every bake puts on its bakery's event bus. */
export const BAKE_EVENT_SOURCE = 'cdk-ami-bakery';
export const BAKE_SUCCEEDED = 'Bake Succeeded';
export const BAKE_FAILED = 'Bake Failed';

/**
 * A task that puts a bake's outcome on the bakery's event bus: the detail is the manifest found at
 * `manifestPath` (it names its bakery, so rules can tell bakeries apart). The task passes its input
 * through unchanged, and is retried a few times; whether it succeeds never changes the bake's outcome.
 */
export function announce(scope: Construct, bus: IEventBus, stateName: string, detailType: string, manifestPath: string): EventBridgePutEvents {
  const task = new EventBridgePutEvents(scope, stateName.replace(/[^A-Za-z]/g, ''), {
    stateName,
    entries: [{
      eventBus: bus,
      source: BAKE_EVENT_SOURCE,
      detailType,
      detail: TaskInput.fromJsonPathAt(manifestPath),
    }],
    resultPath: JsonPath.DISCARD,
  });
  task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3 });
  return task;
}

/** What follows an announcement: the state the bake ends in, whether or not the announcement went out. */
export function thenEnd(task: EventBridgePutEvents, end: State): void {
  task.addCatch(end, { resultPath: JsonPath.DISCARD });
  task.next(end);
}
