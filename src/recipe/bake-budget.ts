/**
 * The longest a bake of a recipe can take when every wait uses its whole budget: the budgets the recipe's own
 * timeouts set (agent, steps, stop, image, tests, copies) plus launch, the bakery's own steps and cleanup.
 *
 * The state machine's timeout is derived from the registered recipes' budgets, so for them the budget of a wait,
 * which fails the bake with an error naming the field to raise, runs out before Step Functions times the whole bake
 * out. A step SSM could not deliver is sent again with a fresh budget (at most three sends); the hour for the
 * bakery's own steps and cleanup is the slack for that.
 */
import { platformNamedBy } from './platform-rules';
import type { Platform } from './platform-rules';
import {
  DEFAULT_TIMEOUTS, defaultAgentOnlineSeconds, STEP_GRACE_SECONDS, stepTimeoutSeconds, SYSPREP_TIMEOUT_SECONDS, TimedStep,
} from './timeouts';

/**
 * Launching an instance (every instance type and subnet tried, Spot falling back to On-Demand), Prepare, distribution
 * and the hand-over, with Step Functions' retries of their throttled calls.
 */
export const BAKERY_STEPS_SECONDS = 1800;
/** Cleanup of a failed bake, retried with backoff until everything it made is gone (two retriers of about 15 minutes). */
export const CLEANUP_SECONDS = 1800;
/**
 * The shortest default `bakeTimeout`: room for recipes registered outside the app (a recipe file baked ad hoc, whose
 * timeouts are only known at run time) and for Step Functions' own delays.
 */
export const MIN_BAKE_SECONDS = 4 * 3600;

/** A recipe document, as far as how long its bake can take. */
export interface BudgetedRecipe {
  readonly source: { readonly ssmParameter?: string; readonly filter?: { readonly name: string } };
  readonly steps?: readonly TimedStep[];
  readonly tests?: readonly TimedStep[];
  readonly onFailure?: readonly TimedStep[];
  readonly windows?: { readonly sysprep?: boolean };
  readonly timeouts?: {
    readonly agentOnlineSeconds?: number;
    readonly instanceStopSeconds?: number;
    readonly imageAvailableSeconds?: number;
    readonly copyAvailableSeconds?: number;
  };
  readonly distribution?: { readonly regions?: readonly string[] };
}

/** The seconds a bake of `recipe` can take at most; for a platform only the source image will tell, the longer of the two. */
export function bakeBudgetSeconds(recipe: BudgetedRecipe): number {
  const named = platformNamedBy(recipe.source) ?? (recipe.windows ? 'windows' : undefined);
  const platforms: Platform[] = named ? [named] : ['linux', 'windows'];
  return Math.max(...platforms.map((platform) => budgetOn(recipe, platform)));
}

function budgetOn(recipe: BudgetedRecipe, platform: Platform): number {
  const timeouts = recipe.timeouts ?? {};
  const agentOnline = timeouts.agentOnlineSeconds ?? defaultAgentOnlineSeconds(platform);
  const sysprep = platform === 'windows' && recipe.windows?.sysprep !== false ? SYSPREP_TIMEOUT_SECONDS + STEP_GRACE_SECONDS : 0;
  const tests = recipe.tests ? agentOnline + stepsSeconds(recipe.tests, platform) : 0;
  const copies = (recipe.distribution?.regions ?? []).length > 0 ? timeouts.copyAvailableSeconds ?? DEFAULT_TIMEOUTS.copyAvailableSeconds : 0;
  return BAKERY_STEPS_SECONDS
    + agentOnline
    + stepsSeconds(recipe.steps ?? [], platform)
    + sysprep
    + (timeouts.instanceStopSeconds ?? DEFAULT_TIMEOUTS.instanceStopSeconds)
    + (timeouts.imageAvailableSeconds ?? DEFAULT_TIMEOUTS.imageAvailableSeconds)
    + tests
    + copies
    + stepsSeconds(recipe.onFailure ?? [], platform)
    + CLEANUP_SECONDS;
}

/** Each step's run limit and the grace the runner gives SSM to report its end. */
function stepsSeconds(steps: readonly TimedStep[], platform: Platform): number {
  return steps.reduce((sum, step) => sum + stepTimeoutSeconds(step, platform) + STEP_GRACE_SECONDS, 0);
}

/** The default `bakeTimeout`: the longest budget of the registered recipes, and at least four hours. */
export function defaultBakeSeconds(recipes: readonly BudgetedRecipe[]): number {
  return Math.max(MIN_BAKE_SECONDS, ...recipes.map(bakeBudgetSeconds));
}
