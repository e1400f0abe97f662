/**
 * Renders AMI name templates such as `web-{{timestamp}}`. Placeholders: `{{timestamp}}` (UTC
 * `yyyyMMddHHmmss`), `{{date}}` (UTC `yyyy-MM-dd`), `{{buildId}}` and `{{recipe}}`.
 */

export const DEFAULT_NAME_TEMPLATE = '{{recipe}}-{{timestamp}}';

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
  const now = values.now ?? new Date();
  const substitutions: Record<string, string> = {
    timestamp: utcTimestamp(now),
    date: utcDate(now),
    buildId: values.buildId.replace(NOT_ALLOWED_IN_AMI_NAME, '-'),
    recipe: values.recipe.replace(NOT_ALLOWED_IN_AMI_NAME, '-'),
  };
  const rendered = template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (whole, key: string) => substitutions[key] ?? whole);
  return rendered.slice(0, MAX_AMI_NAME_LENGTH);
}
