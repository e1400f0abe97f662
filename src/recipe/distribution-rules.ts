/**
 * What the `ami` and `distribution` fields of a recipe document cannot do together. The recipe schema
 * (runner side) and the `Recipe` construct (synth time) both apply these rules, so this file has no imports.
 */

/** One problem, with the path of the field to fix. */
export interface FieldProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** The sharing part of a recipe document's `distribution`. */
export interface SharingFields {
  readonly accounts?: readonly string[];
  readonly organizationArns?: readonly string[];
  readonly organizationalUnitArns?: readonly string[];
  readonly public?: boolean;
  readonly allowPublic?: boolean;
}

/** The fields of a recipe document these rules read. */
export interface DistributionFields {
  readonly ami?: { readonly encrypted?: boolean; readonly kmsKeyId?: string };
  readonly distribution?: {
    readonly regions?: readonly string[];
    readonly kmsKeyIds?: Readonly<Record<string, string>>;
    readonly sharing?: SharingFields;
    readonly ssmParameter?: string;
    readonly ssmParameterRoles?: readonly string[];
  };
}

type Distribution = NonNullable<DistributionFields['distribution']>;

/**
 * EC2 refuses public encrypted images, other accounts cannot use the AWS managed EBS key, and a parameter in
 * another account must point at an image that account can see.
 */
export function distributionProblems(recipe: DistributionFields): FieldProblem[] {
  const encrypted = recipe.ami?.encrypted !== false;
  const distribution = recipe.distribution ?? {};
  return [
    ...encryptionProblems(recipe, encrypted),
    ...publicSharingProblems(distribution, encrypted),
    ...accountSharingProblems(recipe, encrypted),
    ...parameterProblems(distribution),
  ];
}

function encryptionProblems(recipe: DistributionFields, encrypted: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!encrypted && recipe.ami?.kmsKeyId) {
    problems.push({ path: ['ami', 'kmsKeyId'], message: 'a KMS key only applies to an encrypted image; remove it or remove ami.encrypted: false' });
  }
  if (!encrypted && recipe.distribution?.kmsKeyIds) {
    problems.push({ path: ['distribution', 'kmsKeyIds'], message: 'KMS keys only apply to encrypted copies; remove them or remove ami.encrypted: false' });
  }
  const regions = recipe.distribution?.regions ?? [];
  for (const region of Object.keys(recipe.distribution?.kmsKeyIds ?? {})) {
    if (!regions.includes(region)) {
      problems.push({ path: ['distribution', 'kmsKeyIds', region], message: `${region} is not in distribution.regions; add it there or remove this key` });
    }
  }
  return problems;
}

function publicSharingProblems(distribution: Distribution, encrypted: boolean): FieldProblem[] {
  const sharing = distribution.sharing;
  if (!sharing?.public) return [];
  const path = ['distribution', 'sharing', 'public'];
  if (sharing.allowPublic !== true) {
    return [{ path, message: 'makes the AMI launchable by every AWS account; also set distribution.sharing.allowPublic: true if that is intended' }];
  }
  if (encrypted) return [{ path, message: 'EC2 cannot make an encrypted AMI public; set ami.encrypted: false to bake an unencrypted image' }];
  return [];
}

/**
 * Other accounts can launch an encrypted AMI only with a customer managed key they may use, in every
 * region that holds a copy: the AWS managed `aws/ebs` key cannot be shared.
 */
function accountSharingProblems(recipe: DistributionFields, encrypted: boolean): FieldProblem[] {
  const sharing = recipe.distribution?.sharing;
  const withAccounts = !!(sharing?.accounts ?? sharing?.organizationArns ?? sharing?.organizationalUnitArns);
  if (!encrypted || !withAccounts) return [];
  const fix = 'other accounts cannot use the default EBS key (aws/ebs); name a customer managed key they are granted (see the README, "Sharing rules")';
  const problems: FieldProblem[] = [];
  if (!recipe.ami?.kmsKeyId) problems.push({ path: ['ami', 'kmsKeyId'], message: `required when distribution.sharing names accounts: ${fix}` });
  for (const region of recipe.distribution?.regions ?? []) {
    if (!recipe.distribution?.kmsKeyIds?.[region]) {
      problems.push({ path: ['distribution', 'kmsKeyIds', region], message: `required when distribution.sharing names accounts: ${fix}` });
    }
  }
  return problems;
}

/** A parameter written in another account must point at an AMI shared with that account. */
function parameterProblems(distribution: Distribution): FieldProblem[] {
  const roles = distribution.ssmParameterRoles ?? [];
  if (roles.length > 0 && !distribution.ssmParameter) {
    return [{ path: ['distribution', 'ssmParameterRoles'], message: 'needs distribution.ssmParameter, the parameter to write in those accounts' }];
  }
  const sharing = distribution.sharing;
  if (sharing?.public || sharing?.organizationArns || sharing?.organizationalUnitArns) return [];
  return roles.flatMap((role, index) => {
    const account = role.split(':')[4];
    return sharing?.accounts?.includes(account) ? [] : [{
      path: ['distribution', 'ssmParameterRoles', index],
      message: `account ${account} could not launch the AMI its parameter names; add it to distribution.sharing.accounts`,
    }];
  });
}
