/**
 * The CPU architecture an instance type runs, from its family, so that a type that cannot boot the image is
 * refused before anything is launched: by the CDK classes at synth time, and by Prepare.
 *
 * This file has no imports, so the constructs and the handlers share it.
 */

/** Families of Graviton (arm64) instance types; every other known family is x86_64. */
const ARM64_FAMILIES = new Set([
  'a1', 't4g', 'm6g', 'm6gd', 'm7g', 'm7gd', 'm8g', 'c6g', 'c6gd', 'c6gn', 'c7g', 'c7gd', 'c7gn', 'c8g',
  'r6g', 'r6gd', 'r7g', 'r7gd', 'r8g', 'x2gd', 'im4gn', 'is4gen', 'i4g', 'g5g', 'hpc7g',
]);

/** An instance type that suits each architecture, for messages. */
export const EXAMPLE_TYPES: Record<string, string> = { arm64: 't4g.small', x86_64: 't3.small' };

/**
 * The CPU architecture of an instance type from its family (`t4g.small` → arm64, `t3.small` → x86_64);
 * undefined for strings not shaped like `family.size`, and Mac families (their images are `*_mac`).
 */
export function instanceTypeArchitecture(instanceType: string): string | undefined {
  const match = /^([a-z][a-z0-9-]*)\.[a-z0-9-]+$/.exec(instanceType);
  if (!match || match[1].startsWith('mac')) return undefined;
  return ARM64_FAMILIES.has(match[1]) ? 'arm64' : 'x86_64';
}

/** Why an instance type cannot boot an image of `imageArchitecture`, or undefined when it can (or either is unknown). */
export function architectureMismatch(instanceType: string, imageArchitecture: string): string | undefined {
  const typeArchitecture = instanceTypeArchitecture(instanceType);
  if (typeArchitecture === undefined || typeArchitecture === imageArchitecture || !(imageArchitecture in EXAMPLE_TYPES)) return undefined;
  return `instance type ${instanceType} is ${typeArchitecture} but the source image is ${imageArchitecture}; ` +
    `use an ${imageArchitecture} type such as ${EXAMPLE_TYPES[imageArchitecture]}, or an ${typeArchitecture} source image`;
}
