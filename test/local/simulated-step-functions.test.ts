import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeExecutionCommand, GetExecutionHistoryCommand, HistoryEvent, ListExecutionsCommand, ListStateMachinesCommand, ListTagsForResourceCommand,
  SFNClient, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { SimulatedAccount } from '../../local/model';
import { SimulatedStepFunctions } from '../../local/simulated-step-functions';
import { recipe } from '../workflow/recipes';

const config = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };

function clients(account: SimulatedAccount, speed: number) {
  const sfn = new SFNClient(config);
  const logs = new CloudWatchLogsClient(config);
  new SimulatedStepFunctions(account, { speed }).attach(sfn, logs);
  return { sfn, logs };
}

async function stateMachine(sfn: SFNClient): Promise<{ arn: string; tags: Record<string, string> }> {
  const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
  const arn = stateMachines![0].stateMachineArn!;
  const { tags } = await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }));
  return { arn, tags: Object.fromEntries(tags!.map((tag) => [tag.key!, tag.value!])) };
}

async function allEvents(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 100 }));
    events.push(...page.events ?? []);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

describe('simulated Step Functions', () => {
  test('a started execution bakes in the simulator and reads back as AWS would: status, output, history, listing, command output', async () => {
    const account = new SimulatedAccount();
    const { sfn, logs } = clients(account, Infinity);
    const machine = await stateMachine(sfn);
    expect(machine.tags['cdk-ami-bakery:bakery']).toMatch(/^BakerySimulator-Bakery-/);

    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name: 'web-1', input: JSON.stringify({ recipe: recipe() }) }));
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution).toMatchObject({ name: 'web-1', status: 'SUCCEEDED', startDate: expect.any(Date), stopDate: expect.any(Date) });
    const manifest = JSON.parse(execution.output!);
    expect(manifest).toMatchObject({ status: 'SUCCEEDED', buildId: 'web-1' });

    const events = await allEvents(sfn, executionArn!);
    expect(events[0].type).toBe('ExecutionStarted');
    expect(events[events.length - 1]).toMatchObject({ type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: execution.output } });
    const exits = events.filter((event) => event.type === 'TaskStateExited').map((event) => event.stateExitedEventDetails!.name);
    expect(exits).toEqual(expect.arrayContaining(['Prepare build', 'Start provisioning step', 'Check provisioning step', 'Clean up build']));
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));

    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.arn }));
    expect(executions!.map((summary) => [summary.name, summary.status])).toEqual([['web-1', 'SUCCEEDED']]);

    const runStep = events.find((event) => event.type === 'TaskStateExited' && event.stateExitedEventDetails!.name === 'Start provisioning step')!;
    const { provision, instanceId } = JSON.parse(runStep.stateExitedEventDetails!.output!);
    const stream = `${provision.commandId}/${instanceId}/aws-runShellScript/stdout`;
    const { events: lines } = await logs.send(new GetLogEventsCommand({ logGroupName: machine.tags['cdk-ami-bakery:output-log-group'], logStreamName: stream }));
    expect(lines!.length).toBeGreaterThan(0);
  });

  test('played back in real time, a bake is RUNNING with only its first events visible; a second start of the name is refused', async () => {
    const account = new SimulatedAccount();
    const { sfn } = clients(account, 1);
    const { arn } = await stateMachine(sfn);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'web-2', input: JSON.stringify({ recipe: recipe() }) }));

    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    const visible = await allEvents(sfn, executionArn!);
    expect(visible.some((event) => event.type === 'ExecutionSucceeded')).toBe(false);
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'web-2', input: '{}' }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await expect(sfn.send(new StopExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('executions are kept in the saved account, so a later run lists them', async () => {
    const account = new SimulatedAccount();
    const { sfn } = clients(account, Infinity);
    const { arn } = await stateMachine(sfn);
    await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'web-3', input: JSON.stringify({ recipe: recipe() }) }));

    const later = clients(SimulatedAccount.fromState(JSON.parse(JSON.stringify(account.toState()))), Infinity);
    const { executions } = await later.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    expect(executions!.map((summary) => summary.name)).toEqual(['web-3']);
  });
});
