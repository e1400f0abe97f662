/**
 * Resolves the CloudFormation intrinsics a synthesized bakery template uses (Ref, Fn::GetAtt, Fn::Join,
 * pseudo parameters) into the values a deployed stack would have in the simulated account.
 */

export interface ResolverEnvironment {
  readonly account: string;
  readonly region: string;
  /** Resource type by logical id, to shape physical names and ARNs. */
  readonly resources: Record<string, { Type: string }>;
}

/** The ARN a Lambda function resource gets in the simulated account. */
export function lambdaArn(env: ResolverEnvironment, logicalId: string): string {
  return `arn:aws:lambda:${env.region}:${env.account}:function:${logicalId}`;
}

/** Resolves `value` deeply; unknown intrinsics raise an error naming them. */
export function resolveIntrinsics(value: unknown, env: ResolverEnvironment): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, env));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return resolveIntrinsic(keys[0], object[keys[0]], env);
  return Object.fromEntries(keys.map((key) => [key, resolveIntrinsics(object[key], env)]));
}

function resolveIntrinsic(name: string, argument: unknown, env: ResolverEnvironment): unknown {
  switch (name) {
    case 'Ref':
      return resolveRef(argument as string, env);
    case 'Fn::GetAtt':
      return resolveGetAtt(argument as [string, string], env);
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown[]];
      return (resolveIntrinsics(parts, env) as unknown[]).join(separator);
    }
    default:
      throw new Error(`simulator: the template uses ${name}, which the simulator does not resolve`);
  }
}

function resolveRef(logicalId: string, env: ResolverEnvironment): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': env.region,
    'AWS::AccountId': env.account,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'BakerySimulator',
  };
  if (pseudo[logicalId]) return pseudo[logicalId];
  if (!env.resources[logicalId]) throw new Error(`simulator: Ref to unknown resource ${logicalId}`);
  // Ref of a state machine is its ARN; other resources' Ref is their name, here the logical id.
  if (env.resources[logicalId].Type === 'AWS::StepFunctions::StateMachine') return `arn:aws:states:${env.region}:${env.account}:stateMachine:${logicalId}`;
  if (env.resources[logicalId].Type === 'AWS::S3::Bucket') return bucketName(logicalId, env);
  return logicalId;
}

/** A bucket's name: bucket names are lower case and unique across accounts, so the account is part of it. */
export function bucketName(logicalId: string, env: ResolverEnvironment): string {
  return `${logicalId.toLowerCase()}-${env.account}`.slice(0, 63);
}

function resolveGetAtt([logicalId, attribute]: [string, string], env: ResolverEnvironment): string {
  const resource = env.resources[logicalId];
  if (!resource) throw new Error(`simulator: Fn::GetAtt on unknown resource ${logicalId}`);
  // A state machine's name is its logical id here, as in the ARN its Ref resolves to.
  if (attribute === 'Name' && resource.Type === 'AWS::StepFunctions::StateMachine') return logicalId;
  // A security group's id is its logical id here, as a subnet's Ref resolves to.
  if (attribute === 'GroupId' && resource.Type === 'AWS::EC2::SecurityGroup') return logicalId;
  if (attribute !== 'Arn') throw new Error(`simulator: Fn::GetAtt ${logicalId}.${attribute} is not resolved`);
  switch (resource.Type) {
    case 'AWS::Lambda::Function': return lambdaArn(env, logicalId);
    case 'AWS::IAM::Role': return `arn:aws:iam::${env.account}:role/${logicalId}`;
    case 'AWS::IAM::InstanceProfile': return `arn:aws:iam::${env.account}:instance-profile/${logicalId}`;
    case 'AWS::Logs::LogGroup': return `arn:aws:logs:${env.region}:${env.account}:log-group:${logicalId}:*`;
    case 'AWS::S3::Bucket': return `arn:aws:s3:::${bucketName(logicalId, env)}`;
    case 'AWS::Events::EventBus': return `arn:aws:events:${env.region}:${env.account}:event-bus/${logicalId}`;
    default: return `arn:aws:simulated:${env.region}:${env.account}:${logicalId}`;
  }
}
