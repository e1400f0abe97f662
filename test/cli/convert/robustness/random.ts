/** A seeded generator, so every run makes the same mutants and the same garbage: `seeded`, `below` and `pick`. */

export type Random = () => number;

/** Park and Miller's minimal standard generator, seeded from the text. */
export function seeded(text: string): Random {
  const modulus = 2147483647;
  let state = [...text].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) % modulus, 7) || 1;
  return () => {
    state = (state * 48271) % modulus;
    return (state - 1) / (modulus - 1);
  };
}
export const below = (random: Random, count: number) => Math.floor(random() * count);
export const pick = <T>(random: Random, items: readonly T[]): T => items[below(random, items.length)];
