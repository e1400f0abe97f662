/**
 * How deeply JSON text nests its arrays and objects, counted without parsing it, so text nested deeper than
 * any recipe is refused before the recursive checks (schema, size, merge) could run out of stack.
 */

/** Recipes nest a handful of levels (the deepest field paths are under ten); this leaves room for any real document. */
export const MAX_JSON_NESTING = 100;

/**
 * The deepest nesting of `[` and `{` in the text, outside strings, counted up to `limit + 1` (the count stops
 * there, so a huge file is not read to its end). Text that is not JSON is counted the same way.
 */
export function jsonNesting(text: string, limit = MAX_JSON_NESTING): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '[' || char === '{') {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (char === ']' || char === '}') {
      depth--;
    }
  }
  return deepest;
}

/** True when the text nests arrays and objects deeper than the limit. */
export function nestsTooDeeply(text: string, limit = MAX_JSON_NESTING): boolean {
  return jsonNesting(text, limit) > limit;
}
