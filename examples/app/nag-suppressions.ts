/**
 * cdk-nag AwsSolutions findings on a stack with an AmiBakery that are intended, each acknowledged with its
 * reason, on the construct that has it and for the exact wildcard resource (not a whole rule).
 * test/constructs/cdk-nag.test.ts checks the example stack has no other finding and that every
 * acknowledgment here still matches one.
 */
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { IRole, Policy } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { AmiBakery } from '../../src';

const TAG_EVIDENCE = 'test/constructs/iam-simulation.test.ts proves untagged and other bakeries\' resources are refused.';

/** Acknowledges the intended AwsSolutions findings of `bakery` in `stack`. */
export function addNagSuppressions(stack: Stack, bakery: AmiBakery): void {
  const { partition, region, account } = stack;
  const ec2 = (resource: string) => flatten(stack, `arn:${partition}:ec2:${region}:${account}:${resource}`);
  const ec2WithoutAccount = (resource: string) => flatten(stack, `arn:${partition}:ec2:${region}::${resource}`);
  const ec2AnyRegion = (resource: string) => flatten(stack, `arn:${partition}:ec2:*::${resource}`);
  const stagedFiles: Record<string, string> = {
    [`IAM5[Resource::${flatten(stack, bakery.stagingBucket.arnForObjects('staging/*'))}]`]:
      's3:GetObject only, on the staging prefix: each staged layout is keyed by the SHA-256 of its contents, so the keys '
      + 'are not known at deploy time. test/constructs/iam-simulation.test.ts proves nothing else of any bucket is readable.',
  };
  const steps = bakery.node.findAll().filter((child): child is LambdaFunction => child instanceof LambdaFunction);

  acknowledge(bakery.instanceRole, {
    'IAM5[Resource::*]':
      'The SSM agent registers its instance (ssm:UpdateInstanceInformation) and takes commands over its message channels '
      + '(ec2messages, ssmmessages), which take no narrower resource. In place of AmazonSSMManagedInstanceCore: the role reads '
      + 'no parameter, document or key; test/constructs/iam-simulation.test.ts proves it.',
    [`IAM5[Resource::${flatten(stack, `arn:${partition}:logs:${region}:${account}:log-group:*`)}]`]:
      'logs:DescribeLogGroups only, which lists groups and so is authorized on log-group:*; the SSM agent calls it before '
      + 'it streams command output. Writing is limited to the command output log group.',
    ...stagedFiles,
  });
  for (const id of ['CleanupDeadLetters', 'SweepDeadLetters']) {
    acknowledge(bakery.node.findChild(id), {
      SQS3: 'This queue is itself a dead-letter queue: of an EventBridge rule target and of the function\'s asynchronous '
        + 'invocations, which cdk-nag does not recognise (it only sees SQS redrive). An alarm goes off at its first message.',
    });
  }
  acknowledge(bakery.stagingBucket, {
    S1: 'The staging bucket holds build inputs keyed by their SHA-256 and expiring by lifecycle rule; every read is by a '
      + 'build instance through SSM (in the command output) or by Prepare (in its log), and uploads come from bakery build, '
      + 'so server access logs would add a second bucket and record nothing those logs do not.',
  });

  // Wildcard resources step roles share; each role is acknowledged for those its own policy grants.
  const shared: Record<string, string> = {
    '*':
      'Read-only calls that support no resource-level permissions (ec2:DescribeInstances, ec2:DescribeImages, '
      + 'ec2:DescribeSnapshots, ssm:DescribeInstanceInformation, ssm:GetCommandInvocation, ssm:ListCommandInvocations), and with tracing on the '
      + 'X-Ray writes, which take no resource either. test/constructs/runner-iam.test.ts fails on any other action on *.',
    [ec2('instance/*')]:
      'The runner acts on the instances it launched, which it knows by tag, not by an id known at deploy time: every '
      + 'action on instance/* requires aws:ResourceTag (ssm:resourceTag for SendCommand) cdk-ami-bakery:bakery = this '
      + `bakery, RunInstances the tag in the request, CreateTags ec2:CreateAction = RunInstances. ${TAG_EVIDENCE}`,
    [ec2AnyRegion('image/*')]:
      'AMIs are created at run time, in this region and as copies in the regions a recipe names: CreateImage, CopyImage and '
      + 'CreateTags may create them only with the bakery tag in the request (or ec2:CreateAction = CreateImage/CopyImage); '
      + `ModifyImageAttribute, DeregisterImage and the others need the bakery tag on the image. ${TAG_EVIDENCE}`,
    [flatten(stack, bakery.stagingBucket.arnForObjects('waits/*'))]:
      's3:PutObject, GetObject and DeleteObject on the wait registry only: a waiting check registers its task token there '
      + 'under the id of the command, instance or image it waits for, known only at run time, and the event that ends the wait finds it.',
    [ec2AnyRegion('snapshot/*')]:
      'The snapshots of the bakery\'s AMIs and copies, created at run time: created only with the bakery tag in the request, '
      + `tagged only during CreateImage or CopyImage, shared and deleted only when they carry the bakery tag. ${TAG_EVIDENCE}`,
  };
  // Wildcard resources of one step, by the id of its function.
  const byFunction: Record<string, Record<string, string>> = {
    CopyImageFunction: Object.fromEntries(copyRegionResources(stack, steps).map((resource) => [resource,
      'The copies of the bakery\'s AMIs, and their snapshots, created at run time in a region a registered recipe copies to '
      + '(distribution.regions; no other region): CopyImage may create them only with the bakery tag in the request, and CreateTags '
      + `only during CopyImage. ${TAG_EVIDENCE}`])),
    PrepareFunction: {
      ...Object.fromEntries(Object.entries(stagedFiles).map(([finding, reason]) => [finding.replace(/^IAM5\[Resource::|\]$/g, ''), reason])),
      [flatten(stack, `arn:${partition}:ssm:${region}::parameter/aws/service/*`)]:
        'ssm:GetParameter on the public parameters AWS publishes the latest AMI ids under (SourceImage.ubuntu(), '
        + '.amazonLinux2023()); the recipe picks which one at run time.',
    },
    SweepOrphansFunction: {
      [flatten(stack, Stack.of(bakery).formatArn({
        service: 'states', resource: 'execution', resourceName: `${workflowOf(bakery).stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }))]:
        'states:DescribeExecution only, on the executions of the bakery\'s own state machine: the sweeper asks whether the build id '
        + 'on a tagged resource names one of its bakes (tags can be copied onto anything), and build ids are chosen at run time.',
    },
    LaunchFunction: {
      [ec2WithoutAccount('image/*')]:
        'RunInstances reads the base image, which is any AMI the recipe names (public, Marketplace or the account\'s) and is '
        + 'resolved at run time. The instance it launches must carry the bakery tag.',
      [ec2('volume/*')]:
        `The build instance's volumes: RunInstances may create them only with the bakery tag in the request. ${TAG_EVIDENCE}`,
      [ec2('subnet/*')]:
        'Without a vpc the build instance launches into the default VPC, which IAM cannot name; Prepare refuses any subnet a recipe '
        + 'names that the app did not declare, and the instance must carry the bakery tag. With a vpc, only its subnets are granted.',
      [ec2('security-group/*')]:
        'Without a vpc the build instance gets the default VPC\'s default group, which IAM cannot name; Prepare refuses any group a '
        + 'recipe names that the app did not declare. With a vpc, only the bakery\'s groups are granted.',
      [ec2('network-interface/*')]:
        'The network interface RunInstances creates with the build instance; its id cannot be known before the launch.',
    },
  };
  for (const id of Object.keys(byFunction)) {
    if (!steps.some((fn) => fn.node.id === id)) throw new Error(`addNagSuppressions: the bakery has no ${id}; update examples/app/nag-suppressions.ts.`);
  }
  for (const fn of steps) {
    const granted = grantedResources(stack, fn.role!);
    const reasons = Object.fromEntries(Object.entries({ ...shared, ...byFunction[fn.node.id] }).filter(([resource]) => granted.includes(resource)));
    acknowledge(fn.role!, Object.fromEntries(Object.entries(reasons).map(([resource, reason]) => [`IAM5[Resource::${resource}]`, reason])));
  }

  acknowledge(workflowOf(bakery).role, {
    'IAM5[Resource::*]':
      'The log delivery actions Step Functions needs to write to its CloudWatch log group (logs:CreateLogDelivery and '
      + 'the other *LogDelivery actions, logs:PutResourcePolicy, logs:DescribeResourcePolicies, logs:DescribeLogGroups) '
      + 'support no resource-level permissions; with tracing on, the same holds for the X-Ray writes.',
    ...Object.fromEntries(steps
      .filter((fn) => grantedResources(stack, workflowOf(bakery).role).includes(flatten(stack, `${fn.functionArn}:*`)))
      .map((fn) => [
        `IAM5[Resource::${flatten(stack, `${fn.functionArn}:*`)}]`,
        'lambda:InvokeFunction on the versions and aliases of the bakery\'s own step function (CDK\'s LambdaInvoke grants ARN and ARN:*).',
      ])),
  });

  acknowledgeBucketDeployment(stack, bakery);

  acknowledge(bakery.stateMachine, {
    SF2: 'X-Ray is opt-in (AmiBakeryProps.tracing) and this example leaves it off: every state transition is in the '
      + 'state machine\'s CloudWatch log (LogLevel.ALL) and every step in its own Lambda log group, which is how a bake is followed.',
  });
}

/**
 * The handler aws-cdk-lib's BucketDeployment adds once per stack when a recipe ships files: it copies the recipes'
 * staged layouts from the CDK assets bucket into the staging bucket at deploy time.
 */
function acknowledgeBucketDeployment(stack: Stack, bakery: AmiBakery): void {
  const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) return;
  const { partition, region, account } = stack;
  const copies = 'aws-cdk-lib\'s BucketDeployment copies the recipes\' staged files from the CDK assets bucket into the staging bucket when the '
    + 'stack deploys; CDK writes its policy. The bakery sets prune: false and retainOnDelete: true, so it never deletes what it copied.';
  acknowledge(handler, {
    [`IAM4[Policy::${flatten(stack, `arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`)}]`]:
      'The BucketDeployment handler\'s role writes only its own CloudWatch logs with the basic execution policy.',
    'IAM5[Action::s3:GetObject*]': copies,
    'IAM5[Action::s3:GetBucket*]': copies,
    'IAM5[Action::s3:List*]': copies,
    'IAM5[Action::s3:DeleteObject*]': copies,
    'IAM5[Action::s3:Abort*]': copies,
    [`IAM5[Resource::${flatten(stack, `arn:${partition}:s3:::cdk-hnb659fds-assets-${account}-${region}/*`)}]`]: copies,
    [`IAM5[Resource::${flatten(stack, bakery.stagingBucket.arnForObjects('*'))}]`]: copies,
    'L1': 'The BucketDeployment handler\'s runtime is the one the installed aws-cdk-lib chooses; upgrading aws-cdk-lib updates it.',
  });
}

/** Acknowledges AwsSolutions findings (ids without the `AwsSolutions-` prefix) on a construct and its children. */
function acknowledge(scope: IConstruct, reasons: Record<string, string>): void {
  Validations.of(scope).acknowledge(...Object.entries(reasons).map(([id, reason]) => ({ id: `AwsSolutions-${id}`, reason })));
}

/** The image and snapshot ARNs of the regions the registered recipes copy to, as the copy step's policy names them. */
function copyRegionResources(stack: Stack, steps: LambdaFunction[]): string[] {
  const copyImage = steps.find((fn) => fn.node.id === 'CopyImageFunction');
  return copyImage ? grantedResources(stack, copyImage.role!).filter((resource) => /:ec2:[a-z0-9-]+::(image|snapshot)\/\*$/.test(resource)) : [];
}

/** The resources a role's own (default) policy names, as cdk-nag names them. */
function grantedResources(stack: Stack, role: IRole): string[] {
  const policy = role.node.tryFindChild('DefaultPolicy') as Policy | undefined;
  const statements: any[] = policy ? stack.resolve(policy.document).Statement : [];
  return statements.flatMap((statement) => [statement.Resource].flat()).map(flattenResolved);
}

/** A string with tokens, as cdk-nag names it in findings: `arn:<AWS::Partition>:...`, `<LogicalId.Arn>`. */
function flatten(stack: Stack, value: string): string {
  return flattenResolved(stack.resolve(value));
}

function flattenResolved(node: any): string {
  if (typeof node === 'string') return node;
  if (node['Fn::Join']) return node['Fn::Join'][1].map(flattenResolved).join(node['Fn::Join'][0]);
  if (node.Ref) return `<${node.Ref}>`;
  if (node['Fn::GetAtt']) return `<${node['Fn::GetAtt'].join('.')}>`;
  throw new Error(`addNagSuppressions: cannot name ${JSON.stringify(node)} as cdk-nag does`);
}

/** The bakery's own state machine, whose role and name the findings name (the bakery offers it as an IStateMachine). */
function workflowOf(bakery: AmiBakery): StateMachine {
  return bakery.stateMachine as StateMachine;
}
