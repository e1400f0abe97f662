import { Stack } from 'aws-cdk-lib';
import { IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import { StepFunctions } from './definition';
import { BAKERY_TAG, BAKERY_TAG_PREFIX, StepName } from '../contract';
import { AWS_DOCUMENTS } from '../recipe/aws-documents';

/** What the runner's permissions are scoped to. */
export interface RunnerScope {
  readonly stack: Stack;
  /** Value of the bakery tag on everything this bakery creates. */
  readonly bakeryId: string;
  /** The build instances' role: the only role the runner may pass. */
  readonly instanceRole: IRole;
}

/**
 * Least-privilege IAM for each runner step: no wildcard actions; anything that changes an instance, image
 * or snapshot is allowed only on resources carrying this bakery's tag, and anything that creates one only
 * when the request carries that tag.
 */
export function grantRunnerPermissions(functions: StepFunctions, scope: RunnerScope): void {
  const statements = new RunnerStatements(scope);
  const byStep: Record<StepName, PolicyStatement[]> = {
    'prepare': [statements.describe('ec2:DescribeImages')],
    'launch': statements.runInstances(),
    'check-agent': [statements.describe('ec2:DescribeInstances', 'ssm:DescribeInstanceInformation')],
    'run-step': [...statements.sendCommand(), statements.describe('ssm:ListCommandInvocations')],
    'check-step': [statements.describe('ssm:GetCommandInvocation')],
    'stop': [statements.onTaggedInstances('ec2:StopInstances')],
    'check-stopped': [statements.describe('ec2:DescribeInstances')],
    'create-image': [...statements.createImage(), statements.describe('ec2:DescribeImages'), ...statements.removeImages()],
    'check-image': [statements.describe('ec2:DescribeImages'), statements.onTaggedImages('ec2:ModifyImageAttribute')],
    'finish-tests': [statements.markTested(), statements.onTaggedInstances('ec2:TerminateInstances')],
    'copy-image': [statements.describe('ec2:DescribeImages'), statements.onTaggedImages('ec2:CopyImage'), ...statements.removeImages()],
    'check-copy': [statements.describe('ec2:DescribeImages', 'ec2:DescribeSnapshots'), statements.onTaggedImages('ec2:ModifyImageAttribute')],
    'distribute': [
      statements.onTaggedImages('ec2:EnableImageDeprecation'),
      statements.onTaggedImages('ec2:EnableImageDeregistrationProtection'),
      statements.onTaggedImages('ec2:ModifyImageAttribute'),
      statements.onTaggedSnapshots('ec2:ModifySnapshotAttribute'),
      statements.describe('ec2:DescribeImages'),
    ],
    'finish': [
      statements.markArtifacts(),
      statements.onTaggedInstances('ec2:TerminateInstances'),
      ...statements.removeImages(),
      statements.describe('ec2:DescribeInstances', 'ec2:DescribeImages', 'ec2:DescribeSnapshots', 'ec2:DescribeLaunchTemplateVersions'),
    ],
    'cleanup-failure': [
      statements.onTaggedInstances('ec2:TerminateInstances'),
      statements.markKeptInstances(),
      statements.markTested(),
      statements.unprotectImages(),
      ...statements.removeImages(),
      statements.audit(),
    ],
    'abort-cleanup': [
      statements.onTaggedInstances('ec2:TerminateInstances'),
      statements.unprotectImages(),
      ...statements.removeImages(),
      statements.audit(),
    ],
    'sweep-orphans': [statements.onTaggedInstances('ec2:TerminateInstances'), ...statements.removeImages(), statements.audit()],
  };
  for (const [step, stepStatements] of Object.entries(byStep)) {
    const fn: IFunction = functions[step as StepName];
    stepStatements.forEach((statement) => fn.addToRolePolicy(statement));
  }
}

/**
 * Lets the step that sends commands run SSM documents beyond the AWS ones the bakery knows (those the registered
 * recipes name, and the bakery's own staged-files document), and Prepare describe them unless `describe` is
 * false. Prepare refuses any other document a recipe names (the `COMMAND_DOCUMENTS` it is given).
 */
export function grantCommandDocuments(
  functions: StepFunctions, scope: RunnerScope, documents: readonly string[], options = { describe: true },
): void {
  if (documents.length === 0) return;
  const statements = new RunnerStatements(scope);
  const resources = documents.map((document) => statements.documentArn(document));
  functions['run-step'].addToRolePolicy(new PolicyStatement({ actions: ['ssm:SendCommand'], resources }));
  if (options.describe) functions.prepare.addToRolePolicy(new PolicyStatement({ actions: ['ssm:DescribeDocument'], resources }));
}

class RunnerStatements {
  private readonly region: string;
  private readonly account: string;
  private readonly partition: string;

  constructor(private readonly scope: RunnerScope) {
    this.region = scope.stack.region;
    this.account = scope.stack.account;
    this.partition = scope.stack.partition;
  }

  /** Read-only calls that EC2 and SSM only allow on all resources. */
  public describe(...actions: string[]): PolicyStatement {
    return new PolicyStatement({ actions, resources: ['*'] });
  }

  public audit(): PolicyStatement {
    return this.describe('ec2:DescribeInstances', 'ec2:DescribeImages', 'ec2:DescribeSnapshots');
  }

  public runInstances(): PolicyStatement[] {
    return [
      new PolicyStatement({
        actions: ['ec2:RunInstances'],
        resources: [this.ec2Arn('instance/*'), this.ec2Arn('volume/*')],
        conditions: { StringEquals: { [`aws:RequestTag/${BAKERY_TAG}`]: this.scope.bakeryId } },
      }),
      // Subnets and security groups are the declared ones only (DeclaredAccess.launchInto).
      new PolicyStatement({
        actions: ['ec2:RunInstances'],
        resources: [`arn:${this.partition}:ec2:${this.region}::image/*`, this.ec2Arn('network-interface/*')],
      }),
      new PolicyStatement({
        actions: ['ec2:CreateTags'],
        resources: [this.ec2Arn('instance/*'), this.ec2Arn('volume/*')],
        conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
      }),
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.scope.instanceRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
    ];
  }

  /** SendCommand with the AWS documents the bakery knows, on the bakery's instances only. */
  public sendCommand(): PolicyStatement[] {
    return [
      new PolicyStatement({
        actions: ['ssm:SendCommand'],
        resources: Object.keys(AWS_DOCUMENTS).map((name) => `arn:${this.partition}:ssm:${this.region}::document/${name}`),
      }),
      new PolicyStatement({
        actions: ['ssm:SendCommand'],
        resources: [this.ec2Arn('instance/*')],
        conditions: { StringEquals: { [`ssm:resourceTag/${BAKERY_TAG}`]: this.scope.bakeryId } },
      }),
    ];
  }

  /** The ARN of a document a recipe names: this account's by name, or another's by its ARN. */
  public documentArn(nameOrArn: string): string {
    return nameOrArn.startsWith('arn:') ? nameOrArn : `arn:${this.partition}:ssm:${this.region}:${this.scope.stack.account}:document/${nameOrArn}`;
  }

  public createImage(): PolicyStatement[] {
    return this.makesImages('ec2:CreateImage', this.onTaggedInstances('ec2:CreateImage'));
  }

  /**
   * An action that makes an image and its snapshots from one of the bakery's resources (`fromTagged`): the new
   * image and snapshots must carry the bakery's tag in the request, and may be tagged only by that action.
   */
  private makesImages(action: 'ec2:CreateImage', fromTagged: PolicyStatement): PolicyStatement[] {
    return [
      fromTagged,
      new PolicyStatement({
        actions: [action],
        resources: [this.imageArn(), this.snapshotArn()],
        conditions: { StringEquals: { [`aws:RequestTag/${BAKERY_TAG}`]: this.scope.bakeryId } },
      }),
      new PolicyStatement({
        actions: ['ec2:CreateTags'],
        resources: [this.imageArn(), this.snapshotArn()],
        conditions: { StringEquals: { 'ec2:CreateAction': action.replace('ec2:', '') } },
      }),
    ];
  }

  /** Deregister images and delete snapshots this bakery made (half-made ones after a failure, or forceDeregister). */
  public removeImages(): PolicyStatement[] {
    return [this.onTaggedImages('ec2:DeregisterImage'), this.onTaggedSnapshots('ec2:DeleteSnapshot')];
  }

  /** Lift deregistration protection from a failed build's own image before removing it. */
  public unprotectImages(): PolicyStatement {
    return this.onTaggedImages('ec2:DisableImageDeregistrationProtection');
  }

  /** Tagging one of the bakery's images as handed over (the orphan sweeper and retention rely on it), with that tag key only. */
  public markArtifacts(): PolicyStatement {
    return new PolicyStatement({
      actions: ['ec2:CreateTags'],
      resources: [this.imageArn()],
      conditions: {
        'StringEquals': { [`aws:ResourceTag/${BAKERY_TAG}`]: this.scope.bakeryId },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [`${BAKERY_TAG_PREFIX}artifact`] },
      },
    });
  }

  /** Tagging one of the bakery's images and its snapshots with the outcome of its tests, with that tag key only. */
  public markTested(): PolicyStatement {
    return new PolicyStatement({
      actions: ['ec2:CreateTags'],
      resources: [this.imageArn(), this.snapshotArn()],
      conditions: {
        'StringEquals': { [`aws:ResourceTag/${BAKERY_TAG}`]: this.scope.bakeryId },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [`${BAKERY_TAG_PREFIX}tested`] },
      },
    });
  }

  /** Tagging one of the bakery's instances as kept for inspection (`keepOnFailure`), with that tag key only. */
  public markKeptInstances(): PolicyStatement {
    return new PolicyStatement({
      actions: ['ec2:CreateTags'],
      resources: [this.ec2Arn('instance/*')],
      conditions: {
        'StringEquals': { [`aws:ResourceTag/${BAKERY_TAG}`]: this.scope.bakeryId },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [`${BAKERY_TAG_PREFIX}keep-until`] },
      },
    });
  }

  public onTaggedInstances(action: string): PolicyStatement {
    return this.onTagged(action, this.ec2Arn('instance/*'));
  }

  public onTaggedImages(action: string): PolicyStatement {
    return this.onTagged(action, this.imageArn());
  }

  public onTaggedSnapshots(action: string): PolicyStatement {
    return this.onTagged(action, this.snapshotArn());
  }

  private onTagged(action: string, resource: string): PolicyStatement {
    return new PolicyStatement({
      actions: [action],
      resources: [resource],
      conditions: { StringEquals: { [`aws:ResourceTag/${BAKERY_TAG}`]: this.scope.bakeryId } },
    });
  }

  /** Image and snapshot ARNs name no account; any region, as copies (`distribution.regions`) live elsewhere. */
  private imageArn(): string {
    return `arn:${this.partition}:ec2:*::image/*`;
  }

  private snapshotArn(): string {
    return `arn:${this.partition}:ec2:*::snapshot/*`;
  }

  private ec2Arn(resource: string): string {
    return `arn:${this.partition}:ec2:${this.region}:${this.account}:${resource}`;
  }
}
