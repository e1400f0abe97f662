/**
 * Whether a resource that carries this bakery's tags was made by one of its bakes. Anyone who may tag EC2
 * resources can copy the bakery's tags onto a resource of their own; only the state machine knows which bakes
 * there were. A resource counts as a bake's when its build id names an execution of the bakery's state machine
 * and it was made while that execution ran.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from './clients/sfn';
import * as config from './config';
import { isAwsErrorNamed } from './errors';
import { executionArnFor } from '../../src/contract';

/** Clocks of EC2 and Step Functions differ a little; a resource made this close to a bake's start or stop is still its. */
const CLOCK_SKEW_MS = 5 * 60_000;

interface ExecutionWindow {
  readonly startMs: number;
  /** Absent while the execution runs. */
  readonly stopMs?: number;
}

export class BakeExecutions {
  private readonly windows = new Map<string, Promise<ExecutionWindow | undefined>>();

  /** True when `buildId` names an execution of the bakery's state machine that ran when the resource was made. */
  async made(buildId: string | undefined, createdAt: Date | string | undefined): Promise<boolean> {
    if (!buildId || createdAt === undefined) return false;
    const window = await this.windowOf(buildId);
    const created = new Date(createdAt).getTime();
    return window !== undefined && created >= window.startMs - CLOCK_SKEW_MS && created <= (window.stopMs ?? Infinity) + CLOCK_SKEW_MS;
  }

  private windowOf(buildId: string): Promise<ExecutionWindow | undefined> {
    let window = this.windows.get(buildId);
    if (!window) {
      window = describe(buildId);
      this.windows.set(buildId, window);
    }
    return window;
  }
}

async function describe(buildId: string): Promise<ExecutionWindow | undefined> {
  const executionArn = executionArnFor(config.stateMachineArn(), buildId);
  try {
    const execution = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    return { startMs: execution.startDate!.getTime(), ...(execution.stopDate ? { stopMs: execution.stopDate.getTime() } : {}) };
  } catch (error) {
    if (isAwsErrorNamed(error, 'ExecutionDoesNotExist') || isAwsErrorNamed(error, 'InvalidArn')) return undefined;
    throw error;
  }
}
