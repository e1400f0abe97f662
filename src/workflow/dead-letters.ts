/**
 * Where a cleanup or sweep goes when it fails for good: EventBridge could not deliver its event, or the function
 * failed every retry of its asynchronous invocation. Each gets an encrypted queue that keeps the event 14 days,
 * and an alarm as soon as one is in it, so a resource a cleanup could not remove is never left behind silently.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetters {
  readonly queue: Queue;
  readonly alarm: Alarm;
}

export interface DeadLetterOptions {
  /** `Cleanup` or `Sweep`: the construct ids' prefix. */
  readonly id: string;
  /** What failed, for the alarm's description. */
  readonly what: string;
  /** The function whose failed asynchronous invocations the queue receives. */
  readonly handler: IFunction;
  /** Retries of a failed asynchronous invocation before its event goes to the queue. */
  readonly retryAttempts: number;
  readonly removalPolicy: RemovalPolicy;
  readonly topic?: ITopic;
}

export function deadLetters(scope: Construct, options: DeadLetterOptions): DeadLetters {
  const queue = new Queue(scope, `${options.id}DeadLetters`, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: options.removalPolicy,
  });
  options.handler.configureAsyncInvoke({ onFailure: new SqsDestination(queue), retryAttempts: options.retryAttempts });
  const alarm = new Alarm(scope, `${options.id}DeadLettersAlarm`, {
    alarmDescription: `cdk-ami-bakery: ${options.what} failed for good; the event is in the dead-letter queue, and its error in the function's log.`,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  if (options.topic) alarm.addAlarmAction(new SnsAction(options.topic));
  return { queue, alarm };
}
