import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import { IQueue } from 'aws-cdk-lib/aws-sqs';
import { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * Step Functions runs no Catch when an execution is stopped or times out. This rule sends those status
 * changes (and FAILED, in case the workflow's own cleanup could not finish) to the cleanup function,
 * which removes everything tagged with the execution's build id.
 */
export function cleanUpEndedExecutions(scope: Construct, stateMachine: IStateMachine, cleanup: IFunction, deadLetterQueue?: IQueue): Rule {
  return new Rule(scope, 'CleanupAfterEndedExecution', {
    description: 'cdk-ami-bakery: remove what a stopped, timed-out or failed bake left behind',
    eventPattern: {
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { status: ['ABORTED', 'TIMED_OUT', 'FAILED'], stateMachineArn: [stateMachine.stateMachineArn] },
    },
    targets: [new LambdaFunction(cleanup, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue })],
  });
}
