/**
 * Keeps a grant that lists many resources within IAM's policy size limits: past a threshold, further SSM parameter
 * ARNs become one wildcard per region and top-level path (`parameter/images/*`), and role ARNs one per account
 * (`role/*`). IAM then allows more than the app declared, so Prepare refuses, before anything is launched, a
 * document that names a parameter or role the app did not declare (`ad-hoc-bounds.ts`; registered recipes cannot
 * override `distribution` or `source`).
 */
import { Token } from 'aws-cdk-lib';

/** Resources one step's grant of an action lists as they are; past this, further ones are compacted. */
export const MAX_LISTED_RESOURCES = 20;

const PARAMETER_ARN = /^(arn:[^:]+:ssm:[^:]*:[^:]*:parameter\/[^/]+\/).+$/;
const ROLE_ARN = /^(arn:[^:]+:iam::[^:]*:role\/).+$/;

/**
 * A parameter's ARN as the wildcard of its region and top-level path, a role's as its account's; others, and names
 * that hold a token, as they are.
 */
export function compactArn(resource: string): string {
  const prefix = PARAMETER_ARN.exec(resource)?.[1] ?? ROLE_ARN.exec(resource)?.[1];
  return prefix === undefined || Token.isUnresolved(resource.slice(prefix.length)) ? resource : `${prefix}*`;
}
