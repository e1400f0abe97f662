/**
 * What `bakery convert` did with each attribute and block of a template: one line each, carried as a recipe
 * field, not needed (the bakery provisions through SSM Run Command, so connection settings have no use), or not
 * carried, with the reason. The JSON form's fields are a contract: `file`, `line`, `attribute`, `outcome`, `field`,
 * `reason`.
 */
import type { Place } from './hcl/syntax';

export type Outcome = 'carried' | 'not needed' | 'not carried';

export interface ReportLine {
  readonly file: string;
  readonly line: number;
  /** `source.amazon-ebs.web.instance_type`, `build.provisioner[2] (shell)`. */
  readonly attribute: string;
  readonly outcome: Outcome;
  /** The recipe field it became (carried). */
  readonly field?: string;
  readonly reason?: string;
}

/** Why connection settings are not needed. */
export const SSM_REPLACES_CONNECTIONS = 'SSM Run Command replaces SSH/WinRM';

export class Report {
  readonly lines: ReportLine[] = [];

  carried(place: Place, attribute: string, field: string, reason?: string): void {
    this.lines.push({ ...where(place), attribute, outcome: 'carried', field, ...(reason ? { reason } : {}) });
  }

  notNeeded(place: Place, attribute: string, reason = SSM_REPLACES_CONNECTIONS): void {
    this.lines.push({ ...where(place), attribute, outcome: 'not needed', reason });
  }

  notCarried(place: Place, attribute: string, reason: string): void {
    this.lines.push({ ...where(place), attribute, outcome: 'not carried', reason });
  }
}

function where(place: Place): { file: string; line: number } {
  return { file: place.file, line: place.line };
}

/** `carried as ami.name`, `not needed (SSM Run Command replaces SSH/WinRM)`, `not carried: <reason>`. */
export function outcomeText(line: ReportLine): string {
  if (line.outcome === 'carried') return `carried as ${line.field}${line.reason ? ` (${line.reason})` : ''}`;
  if (line.outcome === 'not needed') return `not needed (${line.reason})`;
  return `not carried: ${line.reason}`;
}
