/**
 * The CPU architecture an instance type runs, from the bundled list of instance types, so that a type that cannot
 * boot the image is refused before anything is launched: by the CDK classes at synth time, and by Prepare.
 *
 * This file imports only the instance type list and the contract, so the constructs and the handlers share it.
 */
import { instanceTypeInfo } from './instance-types';
import { DEFAULT_INSTANCE_TYPES } from '../contract';

/** An instance type that suits each architecture, for messages. */
export const EXAMPLE_TYPES: Record<string, string> = { arm64: DEFAULT_INSTANCE_TYPES.arm64, x86_64: DEFAULT_INSTANCE_TYPES.x86_64 };

/**
 * The CPU architecture of an instance type (`t4g.small` → arm64, `t3.small` → x86_64); undefined for names that are
 * not instance types (refused on their own), and Mac types (their images are `*_mac`).
 */
export function instanceTypeArchitecture(instanceType: string): string | undefined {
  const architecture = instanceTypeInfo(instanceType)?.architecture;
  return architecture === 'x86_64' || architecture === 'arm64' ? architecture : undefined;
}

/** Why an instance type cannot boot an image of `imageArchitecture`, or undefined when it can (or either is unknown). */
export function architectureMismatch(instanceType: string, imageArchitecture: string): string | undefined {
  const typeArchitecture = instanceTypeArchitecture(instanceType);
  if (typeArchitecture === undefined || typeArchitecture === imageArchitecture || !(imageArchitecture in EXAMPLE_TYPES)) return undefined;
  return `instance type ${instanceType} is ${typeArchitecture} but the source image is ${imageArchitecture}; ` +
    `use an ${imageArchitecture} type such as ${EXAMPLE_TYPES[imageArchitecture]}, or an ${typeArchitecture} source image`;
}
