import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { StepFunctions } from './definition';
import { BAKERY_ENV, RUNNER_TIMEOUT_SECONDS, STEP_NAMES, StepName } from '../contract';
import { handlerCode } from '../private/handler-code';
import { bakeryLogGroup, LogGroupSettings } from '../private/log-groups';

/** Settings every runner function shares. */
export interface StepFunctionSettings {
  /** Environment every step receives; steps read only what they need. */
  readonly environment: Record<string, string>;
  readonly logs: LogGroupSettings;
  readonly tracing: boolean;
}

/**
 * One small arm64 function per runner step, each with its own role and log group. The role may write to that
 * log group only (not `AWSLambdaBasicExecutionRole`, which lets a function create and write to any group).
 */
export function createStepFunctions(scope: Construct, settings: StepFunctionSettings): StepFunctions {
  const functions = {} as Record<StepName, LambdaFunction>;
  for (const step of STEP_NAMES) {
    const id = step.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
    const logGroup = bakeryLogGroup(scope, `${id}Logs`, settings.logs);
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `cdk-ami-bakery runner step: ${step}`,
    });
    logGroup.grantWrite(role);
    functions[step] = new LambdaFunction(scope, `${id}Function`, {
      description: `cdk-ami-bakery runner step: ${step}`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: handlerCode(step),
      memorySize: 256,
      timeout: Duration.seconds(RUNNER_TIMEOUT_SECONDS),
      logGroup,
      role,
      tracing: settings.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: {
        ...settings.environment,
        [BAKERY_ENV.step]: step,
        POWERTOOLS_SERVICE_NAME: 'cdk-ami-bakery',
      },
    });
  }
  return functions;
}
