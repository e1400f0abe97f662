/**
 * What SSM Parameter Store refuses in a parameter name: the recipe schema (`bakery validate`, Prepare) and the
 * `Recipe` construct (synth time) both apply these rules to `source.ssmParameter` and `distribution.ssmParameter`,
 * so this file has no imports.
 */

/** Letters, digits, `_`, `.` and `-`, in `/`-separated levels or as one plain name. */
export const SSM_PARAMETER_NAME = /^(\/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$/;

/** SSM refuses names that start with these (reserved by AWS). */
const RESERVED_PARAMETER_PREFIX = /^\/?(aws|ssm)/i;

/** SSM's limit on the depth of a parameter hierarchy: `/a/b/c` has 3 levels. */
export const MAX_PARAMETER_LEVELS = 15;

/** How a recipe uses a parameter name, which decides its limits. */
export type ParameterUse = 'source' | 'distribution';

interface ParameterRules {
  /** The message for a name that is not one, with an example. */
  readonly expected: string;
  readonly maxLength: number;
  /** Whether the name may be AWS's own (`/aws/service/...`): a source may read those, the bakery may not write them. */
  readonly reservedAllowed: boolean;
}

const RULES: Record<ParameterUse, ParameterRules> = {
  source: { expected: 'expected an SSM parameter name like /aws/service/...', maxLength: 2048, reservedAllowed: true },
  distribution: { expected: 'expected an SSM parameter name such as /images/web/latest', maxLength: 1011, reservedAllowed: false },
};

/** Every reason SSM would refuse `name` as a parameter the recipe reads (`source`) or writes (`distribution`); empty when it would not. */
export function parameterNameProblems(name: string, use: ParameterUse): string[] {
  const rules = RULES[use];
  if (name.length > rules.maxLength) return [`must be at most ${rules.maxLength} characters`];
  if (!SSM_PARAMETER_NAME.test(name)) return [rules.expected];
  const problems: string[] = [];
  if (!rules.reservedAllowed && RESERVED_PARAMETER_PREFIX.test(name)) problems.push('names starting with "aws" or "ssm" are reserved by AWS');
  const levels = parameterLevels(name);
  if (levels > MAX_PARAMETER_LEVELS) {
    problems.push(`the name has ${levels} levels ("/"-separated parts) and SSM allows at most ${MAX_PARAMETER_LEVELS}; use a shorter path`);
  }
  return problems;
}

/** The levels of a parameter name: `/images/web/latest` has 3, `latest` has 1. */
function parameterLevels(name: string): number {
  return name.split('/').filter((part) => part !== '').length;
}
