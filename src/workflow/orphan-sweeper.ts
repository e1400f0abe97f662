import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Runs the orphan sweeper on a schedule: it removes what this bakery made that no running bake can own any
 * more (older than the bake timeout) and that was never handed out, whatever left it behind.
 */
export function sweepOrphansOnSchedule(scope: Construct, sweeper: IFunction, interval: Duration, deadLetterQueue?: IQueue): Rule {
  return new Rule(scope, 'OrphanSweep', {
    description: 'cdk-ami-bakery: remove instances, images and snapshots no bake owns any more',
    schedule: Schedule.rate(interval),
    targets: [new LambdaFunction(sweeper, { retryAttempts: 2, deadLetterQueue })],
  });
}
