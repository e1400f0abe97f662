/**
 * Limits and defaults of the recipe document. Kept apart from the schema so that handlers which only
 * need a default do not bundle the schema library.
 */
import type { Platform } from '../../src/recipe/platform-rules';

/** Placeholders an AMI name template may use. */
export const NAME_PLACEHOLDERS = ['timestamp', 'date', 'buildId', 'recipe'] as const;

/** Placeholders an image's tag values and description may use: the name's, and facts of the build. */
export const TAG_PLACEHOLDERS = [...NAME_PLACEHOLDERS, 'sourceAmiId', 'sourceAmiName', 'region'] as const;

/** Tags the bakery adds itself; recipes may not set keys with this prefix. */
export { BAKERY_TAG_PREFIX } from '../../src/workflow/steps';

/** Most tags a recipe may set, leaving room for the bakery's own under AWS's limit of 50. */
export { MAX_RECIPE_TAGS } from '../../src/recipe/launch-rules';

export const DEFAULT_TIMEOUTS = {
  agentOnlineSeconds: 600,
  instanceStopSeconds: 900,
  imageAvailableSeconds: 3600,
  copyAvailableSeconds: 7200,
} as const;

export const DEFAULT_STEP_TIMEOUT_SECONDS = 3600;

export type { Platform };

/**
 * Defaults for Windows builds: Windows Server wants 4 GiB of memory, its first boot and the SSM agent's registration
 * take minutes, and updates and feature installs take longer than Linux packages.
 */
export const WINDOWS_DEFAULTS = {
  instanceTypes: ['t3.medium'],
  agentOnlineSeconds: 1800,
  stepTimeoutSeconds: 7200,
  rebootStepTimeoutSeconds: 1800,
} as const;

/** The instance type a recipe that names none launches, by the source image's architecture and platform. */
export function defaultInstanceTypes(architecture: string, platform: Platform = 'linux'): string[] {
  if (platform === 'windows') return [...WINDOWS_DEFAULTS.instanceTypes];
  return architecture === 'arm64' ? ['t4g.small'] : ['t3.small'];
}

/** How long the SSM agent has to come online on a new instance, unless the recipe says. */
export function defaultAgentOnlineSeconds(platform: Platform): number {
  return platform === 'windows' ? WINDOWS_DEFAULTS.agentOnlineSeconds : DEFAULT_TIMEOUTS.agentOnlineSeconds;
}

/** How long a build instance kept for inspection (`keepOnFailure`) stays before the sweeper removes it. */
export const DEFAULT_KEEP_ON_FAILURE_HOURS = 24;
