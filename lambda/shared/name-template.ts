/**
 * Renders AMI name templates such as `web-{{timestamp}}`. Placeholders: `{{timestamp}}` (UTC
 * `yyyyMMddHHmmss`), `{{date}}` (UTC `yyyy-MM-dd`), `{{buildId}}` and `{{recipe}}`. Tag values and the
 * description may also use facts of the build: `{{sourceAmiId}}`, `{{sourceAmiName}}` and `{{region}}`.
 */

/** EC2 image names are 3-128 characters. */
export const MAX_AMI_NAME_LENGTH = 128;

/** Characters EC2 refuses in image names; a build id or recipe name may contain some of them. */
const NOT_ALLOWED_IN_AMI_NAME = /[^A-Za-z0-9()[\] ./\-'@_]/g;

export interface NameValues {
  readonly buildId: string;
  readonly recipe: string;
  /** The time to render; the current time when left out. */
  readonly now?: Date;
}

/** `20250102030405` for 2025-01-02T03:04:05Z. */
export function utcTimestamp(time: Date): string {
  return time.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** `2025-01-02` for 2025-01-02T03:04:05Z. */
export function utcDate(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/**
 * The AMI name for a template: placeholders replaced (unknown ones are left as they are; the recipe
 * validator reports them), characters EC2 refuses in substituted values replaced with `-`, and the
 * result cut to 128 characters.
 */
export function renderAmiName(template: string, values: NameValues): string {
  const substitutions: Record<string, string> = {
    ...timeSubstitutions(values.now),
    buildId: values.buildId.replace(NOT_ALLOWED_IN_AMI_NAME, '-'),
    recipe: values.recipe.replace(NOT_ALLOWED_IN_AMI_NAME, '-'),
  };
  return withPlaceholders(template, substitutions).slice(0, MAX_AMI_NAME_LENGTH);
}

/** What a tag value or description may name besides the name's placeholders. */
export interface BuildFacts extends NameValues {
  readonly sourceAmiId: string;
  readonly sourceAmiName: string;
  readonly region: string;
}

/** A tag value or description with its placeholders replaced, cut to `maxLength` (EC2 takes 256 for a tag value). */
export function renderBuildText(template: string, facts: BuildFacts, maxLength = 256): string {
  return withPlaceholders(template, {
    ...timeSubstitutions(facts.now),
    buildId: facts.buildId,
    recipe: facts.recipe,
    sourceAmiId: facts.sourceAmiId,
    sourceAmiName: facts.sourceAmiName,
    region: facts.region,
  }).slice(0, maxLength);
}

/** `{{timestamp}}` and `{{date}}` at `now` (the current time when left out). */
function timeSubstitutions(now: Date = new Date()): { timestamp: string; date: string } {
  return { timestamp: utcTimestamp(now), date: utcDate(now) };
}

/** Replaces known `{{placeholders}}`; unknown ones are left as they are (the recipe validator reports them). */
function withPlaceholders(template: string, substitutions: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (whole, key: string) => substitutions[key] ?? whole);
}
