/**
 * The EC2 instance types there are, with the architecture and vCPUs of each, so that a recipe naming a type
 * that does not exist is refused before anything is launched (by the CDK classes at synth time, and by the
 * recipe schema), and so that the simulator can refuse it as EC2 does and count vCPUs against a quota.
 *
 * Internal: not exported from the package index. Imports only its data file, so the constructs and the handlers share it.
 */
import { ARM64_FAMILIES, BURSTABLE_FAMILIES, MAC_FAMILIES, VCPU_EXCEPTIONS, X86_64_FAMILIES } from './instance-type-data';

/** The architectures EC2 reports for instance types. */
export type InstanceTypeArchitecture = 'x86_64' | 'arm64' | 'x86_64_mac' | 'arm64_mac';

/** What the bakery knows of one instance type. */
export interface InstanceTypeInfo {
  /** `t3.small`. */
  readonly name: string;
  /** `t3`. */
  readonly family: string;
  /** `small`. */
  readonly size: string;
  readonly architecture: InstanceTypeArchitecture;
  /** The default number of vCPUs (what the On-Demand vCPU quota counts). */
  readonly vcpus: number;
}

/** The vCPUs a size has by its name alone: `large` 2, `xlarge` 4, `Nxlarge` and `metal-Nxl` 4×N, `medium` 1 (2 on burstable families). */
function vcpusByName(family: string, size: string): number | undefined {
  const multiple = /^(?:(\d+)xlarge|metal-(\d+)xl)$/.exec(size);
  if (multiple) return 4 * Number(multiple[1] ?? multiple[2]);
  if (size === 'xlarge') return 4;
  if (size === 'large') return 2;
  if (size === 'medium') return BURSTABLE_FAMILIES.has(family) ? 2 : 1;
  if (size === 'nano' || size === 'micro' || size === 'small') return BURSTABLE_FAMILIES.has(family) ? 2 : 1;
  return undefined;
}

function familyTypes(family: string, sizes: string, architecture: InstanceTypeArchitecture): InstanceTypeInfo[] {
  const named = sizes.split(' ').map((size) => ({ size, vcpus: VCPU_EXCEPTIONS[`${family}.${size}`] ?? vcpusByName(family, size) }));
  // A plain `metal` size has the vCPUs of the family's largest virtual size, unless listed otherwise.
  const largest = Math.max(0, ...named.map((entry) => entry.vcpus ?? 0));
  return named.map(({ size, vcpus }) => ({ name: `${family}.${size}`, family, size, architecture, vcpus: vcpus ?? largest }));
}

function buildCatalog(): Map<string, InstanceTypeInfo> {
  const types = [
    ...Object.entries(ARM64_FAMILIES).flatMap(([family, sizes]) => familyTypes(family, sizes, 'arm64')),
    ...Object.entries(X86_64_FAMILIES).flatMap(([family, sizes]) => familyTypes(family, sizes, 'x86_64')),
    ...Object.entries(MAC_FAMILIES).map(([family, mac]) => ({ name: `${family}.metal`, family, size: 'metal', ...mac })),
  ];
  return new Map(types.map((info) => [info.name, info]));
}

const CATALOG = buildCatalog();

/** What the bakery knows of an instance type, or undefined when EC2 has no type of that name. */
export function instanceTypeInfo(instanceType: string): InstanceTypeInfo | undefined {
  return CATALOG.get(instanceType);
}

/** True when EC2 has an instance type of that name. */
export function isInstanceType(instanceType: string): boolean {
  return CATALOG.has(instanceType);
}

/** Every instance type name, family by family. */
export function allInstanceTypes(): string[] {
  return [...CATALOG.keys()];
}

/**
 * The On-Demand vCPU quota an instance type counts against ("Running On-Demand <bucket> instances"): Standard
 * (A, C, D, H, I, M, R, T, Z), G and VT, P, Inf, Trn, DL, F, X, HPC, High Memory (U), or Mac.
 */
export function vcpuQuotaBucket(instanceType: string): string {
  const family = instanceType.split('.')[0];
  const prefixes: readonly [RegExp, string][] = [
    [/^mac/, 'Mac'], [/^inf/, 'Inf'], [/^trn/, 'Trn'], [/^dl/, 'DL'], [/^hpc/, 'HPC'], [/^u/, 'High Memory'],
    [/^(g|vt)/, 'G and VT'], [/^p/, 'P'], [/^f/, 'F'], [/^x/, 'X'],
  ];
  return prefixes.find(([pattern]) => pattern.test(family))?.[1] ?? 'Standard';
}

/**
 * Why a name is not an instance type, suggesting the nearest one (`"t3.mediun" is not an EC2 instance type; did you mean
 * "t3.medium"?`); undefined when it is one.
 */
export function unknownInstanceTypeProblem(instanceType: string): string | undefined {
  if (CATALOG.has(instanceType)) return undefined;
  const nearest = nearestInstanceType(instanceType);
  return `"${instanceType}" is not an EC2 instance type; ` +
    (nearest ? `did you mean "${nearest}"?` : 'use one that "aws ec2 describe-instance-types" lists, such as t3.small or t4g.small');
}

/** The instance type closest in spelling, when one is at most 2 edits away. */
export function nearestInstanceType(instanceType: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of CATALOG.keys()) {
    const distance = editDistance(instanceType, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= 2 ? best.name : undefined;
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions between two strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
