/**
 * Limits and defaults of the recipe document. Kept apart from the schema so that handlers which only
 * need a default do not bundle the schema library.
 */
import { DEFAULT_INSTANCE_TYPES } from '../../src/contract';
import type { Platform } from '../../src/recipe/platform-rules';
import { WINDOWS_DEFAULTS } from '../../src/recipe/timeouts';

/** Placeholders an AMI name template may use. */
export const NAME_PLACEHOLDERS = ['timestamp', 'date', 'buildId', 'recipe'] as const;

/** Placeholders an image's tag values and description may use: the name's, and facts of the build. */
export const TAG_PLACEHOLDERS = [...NAME_PLACEHOLDERS, 'sourceAmiId', 'sourceAmiName', 'region'] as const;

/** Tags the bakery adds itself; recipes may not set keys with this prefix. */
export { BAKERY_TAG_PREFIX } from '../../src/contract';

/** Most tags a recipe may set, leaving room for the bakery's own under AWS's limit of 50. */
export { MAX_RECIPE_TAGS } from '../../src/recipe/launch-rules';

/** How long each wait may last unless the recipe says: kept with the construct, which derives `bakeTimeout` from them. */
export { DEFAULT_TIMEOUTS, defaultAgentOnlineSeconds } from '../../src/recipe/timeouts';

export type { Platform };

/** The instance type a recipe that names none launches, by the source image's architecture and platform. */
export function defaultInstanceTypes(architecture: string, platform: Platform = 'linux'): string[] {
  if (platform === 'windows') return [...WINDOWS_DEFAULTS.instanceTypes];
  return [architecture === 'arm64' ? DEFAULT_INSTANCE_TYPES.arm64 : DEFAULT_INSTANCE_TYPES.x86_64];
}

/** How long a build instance kept for inspection (`keepOnFailure`) stays before the sweeper removes it. */
export const DEFAULT_KEEP_ON_FAILURE_HOURS = 24;
