/** How bakes are written for people: durations, times, AMI lists, console links, command output. */
import type { Artifact } from '../../lambda/shared/types';

/** `42 s`, `7 min 32 s`, `2 h 5 min`. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor(seconds / 60) % 60} min`;
}

/** `HH:MM:SS` since the bake started. */
export function formatClock(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** `2026-11-25 10:15` in the local time zone. */
export function formatTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** One AMI id, or `region:ami-…` for each when the bake made copies in other regions. */
export function formatAmis(artifacts: readonly Pick<Artifact, 'region' | 'amiId'>[]): string {
  if (artifacts.length === 0) return '-';
  if (artifacts.length === 1) return artifacts[0].amiId;
  return artifacts.map((artifact) => `${artifact.region}:${artifact.amiId}`).join(' ');
}

/** The execution's page in the Step Functions console; empty for an execution that is not in AWS (simulated). */
export function consoleUrl(executionArn: string): string {
  const [arn, partition, , region] = executionArn.split(':');
  if (arn !== 'arn' || !region) return '';
  const host = partition === 'aws-cn' ? 'console.amazonaws.cn'
    : partition === 'aws-us-gov' ? 'console.amazonaws-us-gov.com'
      : `${region}.console.aws.amazon.com`;
  return `https://${host}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

// eslint-disable-next-line no-control-regex
const TERMINAL_CODES = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-_]|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * A line of command output made safe to print: what a terminal would show after carriage returns
 * (progress bars), without escape sequences or control characters, tabs as spaces.
 */
export function cleanLine(line: string): string {
  const shown = line.replace(/\r+$/, '').split('\r').pop() ?? '';
  return shown.replace(/\t/g, '  ').replace(TERMINAL_CODES, '');
}

/** Columns padded to the widest value; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], style: (header: string) => string = (text) => text): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ');
  return [style(line(header)), ...rows.map(line)].map((text) => `${text.trimEnd()}\n`).join('');
}
