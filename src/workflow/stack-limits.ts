/**
 * CloudFormation's limits on one stack, checked at synth: a bakery with many recipes should fail `cdk synth` with
 * what to change, not a deployment halfway through.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';

/** Resources CloudFormation allows in one stack. */
export const MAX_STACK_RESOURCES = 500;
/** Bytes of a template CloudFormation accepts from S3 (the CDK uploads every large template there). */
export const MAX_TEMPLATE_BYTES = 1_000_000;

/** What would make CloudFormation refuse the stack: too many resources, or a template too large. */
export function stackLimitProblems(stack: Stack): string[] {
  const resources = stack.node.findAll().filter((node) => CfnResource.isCfnResource(node) && Stack.of(node) === stack) as CfnResource[];
  if (resources.length > MAX_STACK_RESOURCES) {
    return [`stack ${stack.stackName} has ${resources.length} resources (${largestTypes(resources)}), and CloudFormation allows ` +
      `${MAX_STACK_RESOURCES} in one stack; move some recipes, their schedules or grantStartBake() rules, to a second AmiBakery in another stack`];
  }
  // Measured as the CDK writes it, indented by one space.
  const template = stack.resolve((stack as unknown as { _toCloudFormation(): unknown })._toCloudFormation());
  const bytes = Buffer.byteLength(JSON.stringify(template, undefined, 1), 'utf8');
  if (bytes > MAX_TEMPLATE_BYTES) {
    return [`stack ${stack.stackName}'s template is ${bytes} bytes, and CloudFormation accepts at most ${MAX_TEMPLATE_BYTES}; ` +
      'move some recipes to a second AmiBakery in another stack'];
  }
  return [];
}

/** The three most common resource types and their counts. */
function largestTypes(resources: readonly CfnResource[]): string {
  const counts = new Map<string, number>();
  for (const resource of resources) counts.set(resource.cfnResourceType, (counts.get(resource.cfnResourceType) ?? 0) + 1);
  return [...counts].sort(([, left], [, right]) => right - left).slice(0, 3).map(([type, count]) => `${count} ${type}`).join(', ');
}
