/**
 * A recipe document as a person writes it: two-space indents, and any array or object on one line while it fits
 * in 100 columns, as the README's recipes are.
 */

const LINE = 100;

/** The document as text, ending with a newline. */
export function recipeText(document: unknown): string {
  return `${format(document, '', 0)}\n`;
}

/** `value` at `indent`, after `prefix` characters of its line (the key). */
function format(value: unknown, indent: string, prefix: number): string {
  const compact = oneLine(value);
  const scalar = value === null || typeof value !== 'object';
  // The document itself is always spread out, one field a line.
  if (scalar || (indent !== '' && indent.length + prefix + compact.length <= LINE)) return compact;
  const entries = Array.isArray(value) ? value.map((item) => [undefined, item] as const) : Object.entries(value as object);
  if (entries.length === 0) return compact;
  const inner = `${indent}  `;
  const lines = entries.map(([key, item]) => {
    const label = key === undefined ? '' : `${JSON.stringify(key)}: `;
    return `${inner}${label}${format(item, inner, label.length)}`;
  });
  return Array.isArray(value) ? `[\n${lines.join(',\n')}\n${indent}]` : `{\n${lines.join(',\n')}\n${indent}}`;
}

/** `{ "a": [1, 2], "b": "x" }` */
function oneLine(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  const entries = Object.entries(value);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([key, item]) => `${JSON.stringify(key)}: ${oneLine(item)}`).join(', ')} }`;
}
