/**
 * Where the CLI writes, and how: colours only on a terminal (picocolors honours NO_COLOR and
 * FORCE_COLOR), and a live region redrawn in place under the printed lines (a spinner, the current
 * phase, the last lines of output) only when stdout is a terminal.
 */
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Writable {
  write(text: string): unknown;
}

export interface Terminal {
  readonly out: Writable;
  readonly err: Writable;
  /** True when stdout is a terminal: live redrawing, spinner. */
  readonly interactive: boolean;
  readonly colors: Colors;
  readonly errColors: Colors;
  /** Width of the terminal, for cutting live lines so they never wrap. */
  columns(): number;
}

export function processTerminal(): Terminal {
  const interactive = process.stdout.isTTY === true && process.env.TERM !== 'dumb';
  return {
    out: process.stdout,
    err: process.stderr,
    interactive,
    colors: pc.createColors(pc.isColorSupported && process.stdout.isTTY === true),
    errColors: pc.createColors(pc.isColorSupported && process.stderr.isTTY === true),
    columns: () => process.stdout.columns || 100,
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';

/**
 * Lines kept at the bottom of a terminal and redrawn in place. Text written through `write` is printed
 * above them. `render` gets the spinner frame and returns the lines; each is cut to the terminal width.
 */
export class LiveRegion implements Writable {
  private drawn = 0;
  private frame = 0;
  private timer?: ReturnType<typeof setInterval>;
  private started = false;
  private paused = false;
  private stopped = false;

  constructor(private readonly terminal: Terminal, private readonly render: (spinner: string) => string[]) {}

  private readonly restoreCursor = () => process.stdout.write(SHOW_CURSOR);

  public start(): void {
    this.started = true;
    this.terminal.out.write(HIDE_CURSOR);
    process.once('exit', this.restoreCursor);
    this.timer = setInterval(() => this.redraw(true), 80);
    this.redraw(false);
  }

  /** Prints text above the live lines. */
  public write(text: string): void {
    this.clear();
    this.terminal.out.write(text);
    this.redraw(false);
  }

  /** Redraws now (after the data behind `render` changed). */
  public refresh(): void {
    this.redraw(false);
  }

  /** Removes the live lines until `resume` (while a question is asked). */
  public pause(): void {
    this.clear();
    this.paused = true;
  }

  public resume(): void {
    this.paused = false;
    this.redraw(false);
  }

  public stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
    this.terminal.out.write(SHOW_CURSOR);
    process.removeListener('exit', this.restoreCursor);
  }

  private redraw(tick: boolean): void {
    if (!this.started || this.paused || this.stopped) return;
    if (tick) this.frame = (this.frame + 1) % FRAMES.length;
    const width = Math.max(20, this.terminal.columns() - 1);
    const lines = this.render(this.terminal.colors.cyan(FRAMES[this.frame])).map((line) => cut(line, width));
    this.clear();
    if (lines.length > 0) this.terminal.out.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  private clear(): void {
    if (this.drawn > 0) this.terminal.out.write(`\u001b[${this.drawn}A\r\u001b[0J`);
    this.drawn = 0;
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Cuts a line (which may hold colour codes) to `width` visible characters. */
export function cut(line: string, width: number): string {
  if (line.replace(ANSI, '').length <= width) return line;
  let visible = 0;
  let result = '';
  for (let index = 0; index < line.length;) {
    ANSI.lastIndex = index;
    const code = ANSI.exec(line);
    if (code && code.index === index) {
      result += code[0];
      index += code[0].length;
      continue;
    }
    if (visible >= width - 1) break;
    result += line[index];
    visible++;
    index++;
  }
  return `${result}…\u001b[0m`;
}
