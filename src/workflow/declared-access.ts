import { Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { compactArn, MAX_LISTED_RESOURCES } from './compact-arns';
import { StepFunctions } from './definition';
import { BAKERY_TAG } from '../contract';
import { AdHocBounds, PUBLIC_PARAMETER_PREFIX } from '../recipe/recipe-policy';

/** What the app declares that the runner may reach beyond its own resources: all of it, and nothing else. */
export interface DeclaredAccessScope {
  readonly stack: Stack;
  readonly bakeryId: string;
}


/** What a registered recipe's document names. */
export interface RecipeReach {
  readonly source?: { ssmParameter?: string };
  readonly distribution?: { regions?: string[]; ssmParameter?: string; ssmParameterRoles?: string[] };
}

/**
 * IAM derived at synth from what the app declares, grown as recipes are registered: parameters are written only
 * where a registered recipe or the ad-hoc prefix points them, only declared roles are assumed, copies go only to
 * declared regions, build instances launch only into declared subnets and security groups, and Prepare reads
 * only declared source parameters. Each grant is added once; past `MAX_LISTED_RESOURCES` for one step and action,
 * further ones are compacted (`compact-arns.ts`), so hundreds of recipes stay within IAM's policy size limits.
 */
export class DeclaredAccess {
  /** What each step, action list and condition grants so far: as declared, and as listed in statements. */
  private readonly granted = new Map<string, { declared: Set<string>; listed: Set<string> }>();
  private readonly region: string;
  private readonly account: string;
  private readonly partition: string;

  constructor(private readonly functions: StepFunctions, private readonly scope: DeclaredAccessScope) {
    this.region = scope.stack.region;
    this.account = scope.stack.account;
    this.partition = scope.stack.partition;
    this.readSourceParameters([`${PUBLIC_PARAMETER_PREFIX}*`], '');
  }


  /**
   * What a registered recipe reaches: its source parameter (unless the app's parameter object was granted already),
   * copy regions, SSM parameter and roles.
   */
  public declareRecipe(document: RecipeReach, { sourceParameterGranted = false } = {}): void {
    const source = document.source?.ssmParameter;
    if (source !== undefined && !sourceParameterGranted && !source.startsWith(PUBLIC_PARAMETER_PREFIX)) this.readSourceParameters([source]);
    const regions = document.distribution?.regions ?? [];
    this.copyTo(regions);
    const parameter = document.distribution?.ssmParameter;
    if (parameter !== undefined) this.writeParameters(parameter, [this.region, ...regions]);
    this.assumeRoles(document.distribution?.ssmParameterRoles ?? []);
  }

  /** What ad-hoc recipes may reach within their bounds. */
  public declareAdHoc(bounds: AdHocBounds): void {
    this.copyTo(bounds.copyRegions);
    if (bounds.parameterPrefix !== undefined) {
      this.writeParameters(`${bounds.parameterPrefix}*`, [this.region, ...bounds.copyRegions]);
      this.readSourceParameters([`${bounds.parameterPrefix}*`]);
    }
    this.assumeRoles(bounds.parameterRoles);
    if (bounds.subnetIds || bounds.securityGroupIds) this.launchInto(bounds.subnetIds ?? [], bounds.securityGroupIds ?? []);
  }

  /**
   * Subnets and security groups build and test instances may use. `*` for the default VPC, which IAM cannot name:
   * Prepare then refuses any subnet or group a document names that the app did not declare.
   */
  public launchInto(subnetIds: readonly string[], securityGroupIds: readonly string[]): void {
    const resources = [
      ...subnetIds.map((id) => this.ec2Arn(`subnet/${id}`)),
      ...securityGroupIds.map((id) => this.ec2Arn(`security-group/${id}`)),
    ];
    this.grant('launch', 'ec2:RunInstances', resources);
  }

  private readSourceParameters(names: readonly string[], account = this.account): void {
    this.grant('prepare', 'ssm:GetParameter', names.map((name) => this.parameterArn(name, this.region, account)));
  }

  /**
   * `distribution.ssmParameter` in these regions: read by Prepare, written, read back and restored after a failure
   * by the steps that point it at the new image or put back what it held, and by the orphan sweeper before it removes
 * an image a failed bake's parameter still names.
   */
  private writeParameters(name: string, regions: readonly string[]): void {
    const resources = regions.map((region) => this.parameterArn(name, region, this.account));
    const actions = ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:DeleteParameter'];
    for (const step of ['distribute', 'cleanup-failure', 'abort-cleanup', 'sweep-orphans'] as const) this.grant(step, actions, resources);
    // Prepare checks the data type of an existing parameter of that name before anything is launched.
    this.grant('prepare', 'ssm:GetParameter', resources);
  }

  /** `distribution.ssmParameterRoles`: assumed to write the parameter in other accounts. */
  private assumeRoles(roleArns: readonly string[]): void {
    for (const step of ['distribute', 'cleanup-failure'] as const) this.grant(step, 'sts:AssumeRole', roleArns);
  }

  /**
   * Copies into declared regions only: the new image and its snapshots, tagged by the bakery in the request, and
   * tagged only by the copy.
   */
  private copyTo(regions: readonly string[]): void {
    const resources = regions.flatMap((region) => [`arn:${this.partition}:ec2:${region}::image/*`, `arn:${this.partition}:ec2:${region}::snapshot/*`]);
    this.grant('copy-image', 'ec2:CopyImage', resources, { StringEquals: { [`aws:RequestTag/${BAKERY_TAG}`]: this.scope.bakeryId } });
    this.grant('copy-image', 'ec2:CreateTags', resources, { StringEquals: { 'ec2:CreateAction': 'CopyImage' } });
  }

  /**
   * Adds one statement with the resources not granted before for this step, actions and condition; once they have
   * declared more than `MAX_LISTED_RESOURCES`, compacted.
   */
  private grant(step: keyof StepFunctions, actions: string | string[], resources: readonly string[], conditions?: Record<string, unknown>): void {
    const actionList = typeof actions === 'string' ? [actions] : actions;
    const key = `${step} ${actionList.join(',')} ${JSON.stringify(conditions ?? {})}`;
    const granted = this.granted.get(key) ?? { declared: new Set<string>(), listed: new Set<string>() };
    this.granted.set(key, granted);
    resources.forEach((resource) => granted.declared.add(resource));
    const listed = granted.declared.size > MAX_LISTED_RESOURCES ? resources.map(compactArn) : resources;
    const fresh = [...new Set(listed)].filter((resource) => !granted.listed.has(resource));
    if (fresh.length === 0) return;
    fresh.forEach((resource) => granted.listed.add(resource));
    this.functions[step].addToRolePolicy(new PolicyStatement({ actions: actionList, resources: fresh, conditions }));
  }

  /** A parameter's ARN: names with a leading `/` join the ARN as they are, others after a `/`; public ones name no account. */
  private parameterArn(name: string, region: string, account: string): string {
    const path = Token.isUnresolved(name) || name.startsWith('/') ? name : `/${name}`;
    return `arn:${this.partition}:ssm:${region}:${account}:parameter${path}`;
  }

  private ec2Arn(resource: string): string {
    return `arn:${this.partition}:ec2:${this.region}:${this.account}:${resource}`;
  }
}
