/**
 * The executions of the bakery's state machine as Step Functions keeps them: every bake the simulator ran in
 * the account, with when it started and stopped. `DescribeExecution` answers from them, so a handler that asks
 * Step Functions which bakes there were (the orphan sweeper) sees what AWS would show it.
 */
import type { OperationContext } from './context';
import { sfnError } from './errors';

export interface BakeExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  /** Epoch milliseconds. */
  readonly startDate: number;
  stopDate?: number;
  status: string;
}

/** Where the account keeps them. */
export interface ExecutionDirectory {
  readonly bakeExecutions: BakeExecutionRecord[];
}

export function describeExecution(_ctx: OperationContext, input: { executionArn?: string }, directory: ExecutionDirectory): object {
  const arn = input.executionArn ?? '';
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) throw sfnError('InvalidArn', `Invalid Arn: '${arn}'`);
  const record = directory.bakeExecutions.find((candidate) => candidate.executionArn === arn);
  if (!record) throw sfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startDate),
    ...(record.stopDate === undefined ? {} : { stopDate: new Date(record.stopDate) }),
  };
}
