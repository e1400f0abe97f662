/**
 * Limits and defaults of the recipe document. Kept apart from the schema so that handlers which only
 * need a default do not bundle the schema library.
 */

/** Placeholders an AMI name template may use. */
export const NAME_PLACEHOLDERS = ['timestamp', 'date', 'buildId', 'recipe'] as const;

/** Tags the bakery adds itself; recipes may not set keys with this prefix. */
export { BAKERY_TAG_PREFIX } from '../../src/workflow/steps';

/** Most tags a recipe may set, leaving room for the bakery's own under AWS's limit of 50. */
export const MAX_RECIPE_TAGS = 40;

export const DEFAULT_TIMEOUTS = {
  agentOnlineSeconds: 600,
  instanceStopSeconds: 900,
  imageAvailableSeconds: 3600,
  copyAvailableSeconds: 7200,
} as const;

export const DEFAULT_STEP_TIMEOUT_SECONDS = 3600;
/** The instance type a recipe that names none launches, by the source image's architecture. */
export function defaultInstanceTypes(architecture: string): string[] {
  return architecture === 'arm64' ? ['t4g.small'] : ['t3.small'];
}

/** How long a build instance kept for inspection (`keepOnFailure`) stays before the sweeper removes it. */
export const DEFAULT_KEEP_ON_FAILURE_HOURS = 24;
