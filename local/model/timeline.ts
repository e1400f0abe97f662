/**
 * A value that changes at known instants, some of them in the (virtual) future. States are
 * never advanced by timers: readers ask for the value at `Date.now()`, so a faked clock just works.
 */
export interface TimelineEntry<T> {
  readonly at: number;
  readonly value: T;
}

export class Timeline<T> {
  /** A timeline with exactly these changes (what `toEntries` returned). */
  static fromEntries<T>(entries: readonly TimelineEntry<T>[]): Timeline<T> {
    if (!entries.length) throw new Error('a timeline needs at least one entry');
    const timeline = new Timeline<T>(entries[0].at, entries[0].value);
    timeline.entries = entries.map((entry) => ({ ...entry }));
    return timeline;
  }

  private entries: TimelineEntry<T>[] = [];

  constructor(at: number, value: T) {
    this.entries.push({ at, value });
  }

  /** Every change, scheduled or past, in order (to save the timeline). */
  toEntries(): TimelineEntry<T>[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  /** The value at time `t` (the first value for times before the start). */
  valueAt(t: number): T {
    let current = this.entries[0].value;
    for (const entry of this.entries) {
      if (entry.at > t) break;
      current = entry.value;
    }
    return current;
  }

  /** When the value at `t` began. */
  since(t: number): number {
    let current = this.entries[0].at;
    for (const entry of this.entries) {
      if (entry.at > t) break;
      current = entry.at;
    }
    return current;
  }

  /** The first instant at or after `from` when the value is `value`, if one is scheduled. */
  firstAt(value: T, from = -Infinity): number | undefined {
    return this.entries.find((entry) => entry.value === value && entry.at >= from)?.at;
  }

  /** The first instant after `from` when the value changes to something other than `value`. */
  firstChangeAway(value: T, from: number): number | undefined {
    return this.entries.find((entry) => entry.at > from && entry.value !== value)?.at;
  }

  /** Drops what was scheduled after `now` and schedules `changes` instead. */
  reschedule(now: number, changes: TimelineEntry<T>[]): void {
    this.entries = this.entries.filter((entry) => entry.at <= now).concat(changes);
  }
}
