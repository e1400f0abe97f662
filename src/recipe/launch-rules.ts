/**
 * What EC2 and SSM would refuse when a bake launches its instance, tags what it made or runs a step: the recipe
 * schema (`bakery validate`, Prepare) and the `Recipe` construct (synth time) both apply these rules, so this file
 * imports only other rule files that the constructs and the handlers share.
 */
import { copyRegionProblems, type FieldProblem } from './distribution-rules';
import { architectureMismatch } from './instance-architecture';
import { unknownInstanceTypeProblem } from './instance-types';
import { parameterNameProblems } from './parameter-names';
import { stepsIn } from './step-lists';

/** EC2's limit of tags on one resource. */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * Most tags the bakery puts on a build instance and its volumes: `Name`, the build's identity (bakery, build id,
 * recipe), the copy regions, the SSM parameter, the ad-hoc mark, and `keep-until` on an instance kept after a failure.
 */
export const BAKERY_INSTANCE_TAGS = 8;

/**
 * Most tags the bakery puts on an image, its snapshots and copies: the build's identity, the copy regions, the SSM
 * parameter, the ad-hoc mark, the source AMI, the recipe hash, and `tested` and `artifact` once the bake settles.
 */
export const BAKERY_IMAGE_TAGS = 10;

/** Most tags `ami.tags` (and so `instance.tags`) may hold: what an image leaves beside the bakery's own. */
export const MAX_RECIPE_TAGS = MAX_TAGS_PER_RESOURCE - BAKERY_IMAGE_TAGS;

/** SSM's limit on how long one command runs (`executionTimeout`): 2 days. */
export const MAX_STEP_TIMEOUT_SECONDS = 172800;

/** The root volume type EC2 gets when the recipe names none. */
export const DEFAULT_ROOT_VOLUME_TYPE = 'gp3';

/** The EBS volume types a root volume may have, each with what EC2 lets a recipe set on it. */
const VOLUME_TYPES: Record<string, { readonly iops: 'none' | 'optional' | 'required'; readonly throughput: boolean }> = {
  gp2: { iops: 'none', throughput: false },
  gp3: { iops: 'optional', throughput: true },
  io1: { iops: 'required', throughput: false },
  io2: { iops: 'required', throughput: false },
  st1: { iops: 'none', throughput: false },
  sc1: { iops: 'none', throughput: false },
  standard: { iops: 'none', throughput: false },
};

/** The fields of a recipe document these rules read. */
export interface LaunchFields {
  readonly source?: { readonly ssmParameter?: string; readonly filter?: { readonly architecture?: string } };
  readonly instance?: {
    readonly types?: readonly string[];
    readonly tags?: Readonly<Record<string, string>>;
    readonly rootVolume?: { readonly type?: string; readonly iops?: number; readonly throughputMiBps?: number };
  };
  readonly testInstance?: { readonly types?: readonly string[] };
  readonly ami?: { readonly tags?: Readonly<Record<string, string>> };
  readonly distribution?: { readonly regions?: readonly string[]; readonly ssmParameter?: string };
}

/**
 * What EC2 would refuse at launch: instance types that do not exist, more tags on the build instance than EC2 takes,
 * IOPS or throughput on a volume type that has none, and instance types that cannot boot the source's architecture.
 */
export function launchProblems(recipe: LaunchFields): FieldProblem[] {
  return [...unknownTypeProblems(recipe), ...instanceTagProblems(recipe), ...rootVolumeProblems(recipe), ...architectureProblems(recipe)];
}

/**
 * The limits the schema applies field by field, for a caller that holds a whole document and not the schema (the
 * construct at synth time): tag counts, parameter names, copy regions (and, given the bakery's region, a copy
 * to it) and step timeouts.
 */
export function fieldLimitProblems(recipe: LaunchFields, homeRegion?: string): FieldProblem[] {
  const parameters = (['source', 'distribution'] as const).flatMap((use) => {
    const name = recipe[use]?.ssmParameter;
    return name === undefined ? [] : parameterNameProblems(name, use).map((message) => ({ path: [use, 'ssmParameter'], message }));
  });
  const tags = (['ami', 'instance'] as const).flatMap((field) => {
    const problem = tagLimitProblem(recipe[field]?.tags ?? {});
    return problem ? [{ path: [field, 'tags'], message: problem }] : [];
  });
  const regions = copyRegionProblems(recipe.distribution?.regions ?? [], homeRegion)
    .map((problem) => ({ path: ['distribution', 'regions', ...problem.path], message: problem.message }));
  return [...tags, ...parameters, ...regions, ...stepTimeoutProblems(recipe)];
}

/** The problem with one map of recipe tags that leaves an image no room for the bakery's own; undefined when it fits. */
export function tagLimitProblem(tags: Readonly<Record<string, string>>): string | undefined {
  const count = Object.keys(tags).length;
  if (count <= MAX_RECIPE_TAGS) return undefined;
  return `at most ${MAX_RECIPE_TAGS} tags (AWS allows ${MAX_TAGS_PER_RESOURCE} per resource and the bakery adds its own); ` +
    `remove ${count - MAX_RECIPE_TAGS}`;
}

/**
 * The build instance and its volumes carry `ami.tags` and `instance.tags` together with the bakery's own; a recipe
 * `Name` replaces the bakery's. (An image carries `ami.tags` only, which {@link tagLimitProblem} keeps in bounds.)
 */
function instanceTagProblems(recipe: LaunchFields): FieldProblem[] {
  const amiKeys = Object.keys(recipe.ami?.tags ?? {});
  const instanceKeys = Object.keys(recipe.instance?.tags ?? {});
  // A map over its own limit is refused on its own field already.
  if (amiKeys.length > MAX_RECIPE_TAGS || instanceKeys.length > MAX_RECIPE_TAGS) return [];
  const keys = new Set([...amiKeys, ...instanceKeys]);
  keys.delete('Name');
  const room = MAX_TAGS_PER_RESOURCE - BAKERY_INSTANCE_TAGS;
  if (keys.size <= room) return [];
  return [{
    path: ['instance', 'tags'],
    message: `ami.tags and instance.tags together put ${keys.size} tags on the build instance, and the bakery adds up to ` +
      `${BAKERY_INSTANCE_TAGS} (Name and cdk-ami-bakery:*): over EC2's limit of ${MAX_TAGS_PER_RESOURCE} per resource; ` +
      `keep the two to at most ${room} keys in all (a key in both counts once)`,
  }];
}

/** EC2 takes IOPS for gp3, io1 and io2 volumes only (and needs them for io1 and io2), and throughput for gp3 only. */
function rootVolumeProblems(recipe: LaunchFields): FieldProblem[] {
  const volume = recipe.instance?.rootVolume;
  const type = volume?.type ?? DEFAULT_ROOT_VOLUME_TYPE;
  const allowed = VOLUME_TYPES[type];
  if (!volume || !allowed) return [];
  const path = ['instance', 'rootVolume'];
  const problems: FieldProblem[] = [];
  if (volume.iops !== undefined && allowed.iops === 'none') {
    problems.push({
      path: [...path, 'iops'],
      message: `EC2 sets no IOPS on ${type} volumes (only on gp3, io1 and io2); remove iops, or set type to gp3`,
    });
  }
  if (volume.iops === undefined && allowed.iops === 'required') {
    problems.push({
      path: [...path, 'iops'],
      message: `required for ${type} volumes: EC2 provisions exactly the IOPS given; add iops (e.g. 3000), or set type to gp3`,
    });
  }
  if (volume.throughputMiBps !== undefined && !allowed.throughput) {
    problems.push({
      path: [...path, 'throughputMiBps'],
      message: `EC2 sets throughput on gp3 volumes only, and this one is ${type}; remove throughputMiBps, or set type to gp3`,
    });
  }
  return problems;
}

/** True when EC2 needs the IOPS of a root volume of this type (io1, io2). */
export function needsProvisionedIops(volumeType: string): boolean {
  return VOLUME_TYPES[volumeType]?.iops === 'required';
}

/** Applies a check to every instance type of the build and of the test instance, naming each problem's field. */
function instanceTypeProblems(recipe: LaunchFields, check: (instanceType: string) => string | undefined): FieldProblem[] {
  const fields = [[['instance', 'types'], recipe.instance?.types], [['testInstance', 'types'], recipe.testInstance?.types]] as const;
  return fields.flatMap(([path, types]) => (types ?? []).flatMap((instanceType, index) => {
    const problem = typeof instanceType === 'string' ? check(instanceType) : undefined;
    return problem ? [{ path: [...path, index], message: problem }] : [];
  }));
}

/** Instance types EC2 does not have (`t3.mediun`), with the nearest real one when there is one. */
function unknownTypeProblems(recipe: LaunchFields): FieldProblem[] {
  return instanceTypeProblems(recipe, unknownInstanceTypeProblem);
}

/** Instance types, of the build or of the test instance, that cannot boot the architecture `source.filter` asks for. */
function architectureProblems(recipe: LaunchFields): FieldProblem[] {
  const architecture = recipe.source?.filter?.architecture;
  if (architecture === undefined) return [];
  return instanceTypeProblems(recipe, (instanceType) => architectureMismatch(instanceType, architecture));
}

/** Step timeouts SSM would refuse: from 1 second to {@link MAX_STEP_TIMEOUT_SECONDS}. */
function stepTimeoutProblems(recipe: LaunchFields): FieldProblem[] {
  return stepsIn<Record<string, unknown>>(recipe).flatMap(({ list, index, step }) => Object.entries(step ?? {}).flatMap(([kind, fields]) => {
    const seconds = (fields as { timeoutSeconds?: unknown } | undefined)?.timeoutSeconds;
    if (typeof seconds !== 'number' || (seconds >= 1 && seconds <= MAX_STEP_TIMEOUT_SECONDS)) return [];
    return [{
      path: [list, index, kind, 'timeoutSeconds'],
      message: `must be between 1 and ${MAX_STEP_TIMEOUT_SECONDS} seconds (2 days, SSM's limit for a command); got ${seconds}`,
    }];
  }));
}
