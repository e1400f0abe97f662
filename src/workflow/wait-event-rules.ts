import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import { IBucket } from 'aws-cdk-lib/aws-s3';
import { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { StepFunctions } from './definition';
import { AwaitedStep, WAIT_REGISTRY_PREFIX, WAKING_EVENTS } from './wait-events';
import { BAKERY_ENV } from '../contract';

/**
 * Lets EC2's and SSM's events end the waits of a bake: one rule per awaited check on the default bus (where AWS
 * services put their events), the wait registry in the staging bucket, and the right to send a waiting task's outcome.
 *
 * The task-response grant is a policy of its own, not the functions' default policy: the state machine depends on
 * the functions, so their default policies cannot name it.
 */
export function wakeWaitsOnEvents(scope: Construct, functions: StepFunctions, stateMachine: IStateMachine, bucket: IBucket): void {
  for (const step of Object.keys(WAKING_EVENTS) as AwaitedStep[]) {
    const fn = functions[step] as LambdaFn;
    fn.addEnvironment(BAKERY_ENV.waitRegistry, `s3://${bucket.bucketName}/${WAIT_REGISTRY_PREFIX}`);
    fn.addToRolePolicy(new PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      resources: [bucket.arnForObjects(`${WAIT_REGISTRY_PREFIX}*`)],
    }));
    new Policy(scope, `${idOf(step)}TaskResponse`, {
      roles: [fn.role!],
      statements: [new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [stateMachine.stateMachineArn] })],
    });
    const { source, 'detail-type': detailType, detail } = WAKING_EVENTS[step];
    new Rule(scope, `Wake${idOf(step)}`, {
      description: `cdk-ami-bakery: ends a bake's wait in ${step} when EC2 or SSM reports the change`,
      eventPattern: { source: [...source], detailType: [...detailType], detail: { ...detail } },
      // A missed event costs only the wait until the next fallback check: no dead-letter queue.
      targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
  }
}

/** "check-step" → "CheckStep". */
function idOf(step: string): string {
  return step.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}
