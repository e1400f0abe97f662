/**
 * Values only known when the image is baked (Packer's `timestamp()` and build variables such as `build.SourceAMI`):
 * evaluation carries them as markers inside strings, functions leave the markers alone, and the converter turns
 * them into the recipe's own placeholders (`{{timestamp}}`) or reports them as not carried.
 */

const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER = /\uE000([A-Za-z0-9._-]+)\uE001/g;

/** The marker of a bake-time value, such as `timestamp` or `build.SourceAMI`. */
export function bakeTimeMarker(name: string): string {
  return `${OPEN}${name}${CLOSE}`;
}

/** The bake-time values a string holds. */
export function bakeTimeNames(text: string): string[] {
  return [...text.matchAll(MARKER)].map((match) => match[1]);
}

/** `text` with each marker replaced by what `render` makes of its name. */
export function renderBakeTime(text: string, render: (name: string) => string): string {
  return text.replace(MARKER, (_whole, name: string) => render(name));
}

/** Applies `change` to the text between markers, leaving the markers as they are (`upper(timestamp())`). */
export function outsideMarkers(text: string, change: (part: string) => string): string {
  return text.split(/(\uE000[A-Za-z0-9._-]+\uE001)/).map((part) => (part.startsWith(OPEN) ? part : change(part))).join('');
}
