/**
 * The one Powertools logger of the handlers: JSON lines with `service: cdk-ami-bakery`, the step
 * name (`BAKERY_STEP`) and, once known, the build id as persistent keys.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { BAKERY_ENV } from '../../src/contract';

export const logger = new Logger({ serviceName: 'cdk-ami-bakery' });

/** What the logger reads from the Lambda context (the runtime passes the full object). */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
}

/**
 * Binds the logger to one invocation: the step name (`BAKERY_STEP`, else the handler's own name),
 * the build id when known, and the Lambda context when there is one.
 */
export function bindLogger(step: string, buildId: string | undefined, context?: LambdaContext): void {
  logger.appendPersistentKeys({ step: process.env[BAKERY_ENV.step] || step });
  if (buildId) logger.appendPersistentKeys({ buildId });
  else logger.removePersistentKeys(['buildId']);
  if (context) logger.addContext(context as Parameters<Logger['addContext']>[0]);
}
