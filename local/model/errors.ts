/**
 * The error the model throws. The SDK bridge turns it into the exception class the real client
 * would throw (same `name`, `$fault` and HTTP status), so handlers cannot tell the difference.
 */

export type ServiceName = 'ec2' | 'ssm' | 's3' | 'sts' | 'logs' | 'sfn';

export interface SimulatedErrorOptions {
  readonly fault?: 'client' | 'server';
  readonly httpStatusCode?: number;
  readonly throttling?: boolean;
}

/** An AWS service error: `name` is the AWS error code. */
export class SimulatedAwsError extends Error {
  readonly $fault: 'client' | 'server';
  readonly httpStatusCode: number;
  readonly throttling: boolean;

  constructor(
    readonly service: ServiceName,
    readonly code: string,
    message: string,
    options: SimulatedErrorOptions = {},
  ) {
    super(message);
    this.name = code;
    this.$fault = options.fault ?? 'client';
    this.httpStatusCode = options.httpStatusCode ?? 400;
    this.throttling = options.throttling ?? false;
  }
}

/** An EC2 client error (HTTP 400 unless told otherwise). */
export function ec2Error(code: string, message: string, options?: SimulatedErrorOptions): SimulatedAwsError {
  return new SimulatedAwsError('ec2', code, message, options);
}

/** An SSM client error (HTTP 400 unless told otherwise). */
export function ssmError(code: string, message: string, options?: SimulatedErrorOptions): SimulatedAwsError {
  return new SimulatedAwsError('ssm', code, message, options);
}

/** An S3 client error (HTTP 400 unless told otherwise). */
export function s3Error(code: string, message: string, options?: SimulatedErrorOptions): SimulatedAwsError {
  return new SimulatedAwsError('s3', code, message, options);
}

/** A CloudWatch Logs client error (HTTP 400 unless told otherwise). */
export function logsError(code: string, message: string, options?: SimulatedErrorOptions): SimulatedAwsError {
  return new SimulatedAwsError('logs', code, message, options);
}

/** A Step Functions client error (HTTP 400 unless told otherwise). */
export function sfnError(code: string, message: string, options?: SimulatedErrorOptions): SimulatedAwsError {
  return new SimulatedAwsError('sfn', code, message, options);
}

/** An STS client error (HTTP 400 unless told otherwise). */
export function stsError(code: string, message: string, options?: SimulatedErrorOptions): SimulatedAwsError {
  return new SimulatedAwsError('sts', code, message, options);
}
