/**
 * What the `ami` and `distribution` fields of a recipe document cannot do together, and what EC2 refuses in the
 * list of copy regions. The recipe schema (runner side) and the `Recipe` construct (synth time) both apply these
 * rules, so this file has no imports.
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

/** A region name such as `eu-west-1`. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Most regions a recipe copies its image to. */
export const MAX_COPY_REGIONS = 16;

/** The copy regions are kept in a tag, whose value holds at most 256 characters. */
const MAX_COPY_REGION_CHARACTERS = 256;

/** A KMS key or alias ARN, with its region. */
const KMS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:(key|alias)\//;

/**
 * EC2 refuses public encrypted images, other accounts cannot use the AWS managed EBS key, a parameter in
 * another account must point at an image that account can see, and a key encrypts only in its own region.
 * Given the bakery's region (`homeRegion`), `ami.kmsKeyId` is checked against it too.
 */
export function distributionProblems(recipe: DistributionFields, homeRegion?: string): FieldProblem[] {
  const encrypted = recipe.ami?.encrypted !== false;
  const distribution = recipe.distribution ?? {};
  return [
    ...encryptionProblems(recipe, encrypted),
    ...keyRegionProblems(recipe, homeRegion),
    ...publicSharingProblems(distribution, encrypted),
    ...accountSharingProblems(recipe, encrypted),
    ...parameterProblems(distribution),
  ];
}

/**
 * What EC2 and the bakery refuse in `distribution.regions`, with paths inside the list: names that are not
 * regions, a region twice, too many, and, given the bakery's region (`homeRegion`), a copy to where the image is made.
 */
export function copyRegionProblems(regions: readonly string[], homeRegion?: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  regions.forEach((region, index) => {
    if (!REGION.test(region)) {
      problems.push({ path: [index], message: 'expected a region name such as "eu-west-1"' });
    } else if (region === homeRegion) {
      problems.push({ path: [index], message: `${region} is the bakery's own region, where the image is made; leave it out` });
    }
  });
  const twice = regions.filter((region, index) => regions.indexOf(region) !== index);
  if (twice.length > 0) problems.push({ path: [], message: `lists an entry twice (${[...new Set(twice)].join(', ')}); name each region once` });
  if (regions.length > MAX_COPY_REGIONS) problems.push({ path: [], message: `at most ${MAX_COPY_REGIONS} regions (got ${regions.length})` });
  if (regions.join(' ').length > MAX_COPY_REGION_CHARACTERS) {
    problems.push({ path: [], message: `at most ${MAX_COPY_REGION_CHARACTERS} characters of region names in all (they are kept in a tag)` });
  }
  return problems;
}

/** The region of a KMS key or alias given as an ARN; undefined for key ids and alias names, whose region is the caller's. */
export function kmsKeyRegion(keyId: string): string | undefined {
  return KMS_ARN.exec(keyId)?.[1];
}

/** EC2 encrypts a volume or a copy only with a key of the region it is in. */
function keyRegionProblems(recipe: DistributionFields, homeRegion: string | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [region, keyId] of Object.entries(recipe.distribution?.kmsKeyIds ?? {})) {
    const keyRegion = kmsKeyRegion(keyId);
    if (keyRegion !== undefined && keyRegion !== region) {
      problems.push({
        path: ['distribution', 'kmsKeyIds', region],
        message: `the key ARN is in ${keyRegion}, and the copy in ${region} can only use a key of ${region}; ` +
          `name a key (or a multi-Region replica) in ${region}`,
      });
    }
  }
  const homeKeyRegion = recipe.ami?.kmsKeyId === undefined ? undefined : kmsKeyRegion(recipe.ami.kmsKeyId);
  if (homeRegion !== undefined && homeKeyRegion !== undefined && homeKeyRegion !== homeRegion) {
    problems.push({
      path: ['ami', 'kmsKeyId'],
      message: `the key ARN is in ${homeKeyRegion}, and the image is made in ${homeRegion}, the bakery's region; ` +
        `name a key (or a multi-Region replica) in ${homeRegion}`,
    });
  }
  return problems;
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
  const fix = 'other accounts cannot use the default EBS key (aws/ebs); name a customer managed key they are granted (see docs/distribution.md, "Sharing rules")';
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
