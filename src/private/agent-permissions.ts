/**
 * What the SSM agent on a build instance needs to run the bakery's commands, in place of AWS's
 * `AmazonSSMManagedInstanceCore`, which also grants `ssm:GetParameter(s)` on every parameter (so any provisioning
 * command could read the account's parameters) and the association, inventory and patching actions a bake never
 * uses. The agent registers its instance, then takes commands and sends replies over its message channels.
 * Reading staged files and writing command output are granted beside these, on the bakery's own bucket and log group.
 */
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';

/** Registering the instance with Systems Manager and keeping its ping status current. */
export const AGENT_REGISTRATION_ACTIONS = ['ssm:UpdateInstanceInformation'];

/** Run Command's delivery: the message service (`ec2messages`) and the agent's control and data channels (`ssmmessages`). */
export const AGENT_MESSAGE_ACTIONS = [
  'ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage', 'ec2messages:GetEndpoint',
  'ec2messages:GetMessages', 'ec2messages:SendReply',
  'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel',
];

/** The agent's statements; these actions take no resource narrower than `*` (the instance calls them as itself). */
export function agentStatements(): PolicyStatement[] {
  return [
    new PolicyStatement({ sid: 'SsmAgentRegistration', actions: AGENT_REGISTRATION_ACTIONS, resources: ['*'] }),
    new PolicyStatement({ sid: 'SsmAgentMessages', actions: AGENT_MESSAGE_ACTIONS, resources: ['*'] }),
  ];
}
