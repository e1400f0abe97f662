/* eslint-disable no-bitwise -- the generator and the hash are bit-level algorithms */
/**
 * Seeded randomness and AWS-looking identifiers. Every random choice the simulator makes goes
 * through a `Prng`, so a run with the same seed and the same calls is the same run.
 */

/** A small, fast, seeded pseudo-random generator (mulberry32). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The generator's internal state, to save an account and carry on the same sequence later. */
  get currentState(): number {
    return this.state;
  }

  /** Continues from a state `currentState` returned. */
  restore(state: number): void {
    this.state = state >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer between `min` and `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** `count` lowercase hex digits. */
  hex(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) {
      out += this.int(0, 15).toString(16);
    }
    return out;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
}

/** A stable 32-bit hash of a string (FNV-1a), used to seed per-name generators. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Prefixes of the EC2 resource ids the simulator hands out. */
export type Ec2IdPrefix = 'i' | 'ami' | 'snap' | 'vol' | 'r' | 'subnet' | 'vpc' | 'sg' | 'eni' | 'aip' | 'lt';

/** Makes ids shaped like the ones AWS returns. */
export class IdFactory {
  constructor(private readonly prng: Prng) {}

  /** An EC2 id: prefix, dash, 17 hex digits (e.g. `i-0a1b2c3d4e5f60718`). */
  ec2(prefix: Ec2IdPrefix): string {
    return `${prefix}-0${this.prng.hex(16)}`;
  }

  /** A random (version 4) UUID, as used for SSM command ids and request ids. */
  uuid(): string {
    const hex = this.prng.hex(32).split('');
    hex[12] = '4';
    hex[16] = '89ab'[this.prng.int(0, 3)];
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

/** True when `id` has the shape of an EC2 id with `prefix` (8 or 17 hex digits). */
export function isEc2Id(id: unknown, prefix: Ec2IdPrefix): id is string {
  return typeof id === 'string' && new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`).test(id);
}
