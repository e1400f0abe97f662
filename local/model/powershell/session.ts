/**
 * What a PowerShell script and the scripts it calls share: the instance's filesystem, the virtual clock, the
 * output lines, the environment variables and $LASTEXITCODE; and how a session starts (the computer name and
 * the environment every Windows Server instance has).
 */
import type { ScriptLine } from '../commands';
import type { SimulatedFilesystem } from '../filesystem';
import type { Prng } from '../ids';
import type { Value } from './values';

export interface PowerShellOptions {
  /** Variables set before the script starts (`env:NAME` sets an environment variable). */
  readonly variables?: Record<string, string>;
  /** When the script starts (epoch milliseconds), for the times PowerShell prints; a fixed day by default. */
  readonly startedAt?: number;
}

const DEFAULT_START = Date.UTC(2025, 0, 6, 9, 0, 0);
const ENVIRONMENT: Record<string, string> = {
  'ProgramFiles': 'C:\\Program Files',
  'ProgramFiles(x86)': 'C:\\Program Files (x86)',
  'ProgramData': 'C:\\ProgramData',
  'ALLUSERSPROFILE': 'C:\\ProgramData',
  'SystemRoot': 'C:\\Windows',
  'windir': 'C:\\Windows',
  'SystemDrive': 'C:',
  'TEMP': 'C:\\Windows\\TEMP',
  'TMP': 'C:\\Windows\\TEMP',
  'USERNAME': 'SYSTEM',
  'USERPROFILE': 'C:\\Windows\\system32\\config\\systemprofile',
  'PATH': 'C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\',
};

/** What a script and the scripts it calls share: the clock, the output, the environment and $LASTEXITCODE. */
export class Session {
  /** A new session on an instance: a random EC2AMAZ-XXXXXXX computer name and the image's environment variables. */
  static start(fs: SimulatedFilesystem, prng: Prng, options: PowerShellOptions): Session {
    const computerName = `EC2AMAZ-${Array.from({ length: 7 }, () => prng.pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'])).join('')}`;
    const env = new Map(Object.entries({ ...ENVIRONMENT, COMPUTERNAME: computerName }).map(([name, value]) => [name.toLowerCase(), value]));
    return new Session(fs, prng, env, options.startedAt ?? DEFAULT_START);
  }

  /** Virtual milliseconds since the script started. */
  elapsed = 0;
  /** Set once EC2Launch's sysprep has generalized the instance. */
  generalized = false;
  lastExitCode: Value = null;
  readonly lines: ScriptLine[] = [];

  constructor(readonly fs: SimulatedFilesystem, readonly prng: Prng, readonly env: Map<string, string>, readonly startedAt: number) {}

  /** Writes an output line, at the current virtual time unless told otherwise. */
  emit(stream: ScriptLine['stream'], text: string, atMs = this.elapsed): void {
    this.lines.push({ atMs: Math.round(atMs), stream, text });
  }

  /** A random duration between `min` and `max` seconds, in milliseconds. */
  seconds(min: number, max: number): number {
    return this.prng.int(min * 1000, max * 1000);
  }
}
