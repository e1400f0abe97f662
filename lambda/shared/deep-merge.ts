/**
 * Deep merge for recipe overrides: objects merge key by key, anything else (arrays included)
 * replaces what was there. `{"instance": {"types": ["m7i.large"]}}` changes only the types.
 */

/** True for a plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with `overrides` merged in; neither argument is changed. */
export function deepMerge(base: unknown, overrides: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides === undefined ? base : overrides;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) merged[key] = deepMerge(base[key], value);
  return merged;
}
