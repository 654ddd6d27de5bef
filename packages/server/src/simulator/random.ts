/** A seeded pseudo-random generator (mulberry32): the same seed gives the same class, every run. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Normal with this mean and standard deviation (Box–Muller). */
  normal(mean: number, sd: number): number;
  /** A v4-shaped UUID from the stream (statement ids and registrations stay deterministic). */
  uuid(): string;
}

/** A generator seeded with `seed`. */
export function random(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (n: number) =>
    Array.from({ length: n }, () =>
      Math.floor(next() * 16)
        .toString(16)
        .toLowerCase(),
    ).join('');
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal(mean, sd) {
      const u = Math.max(next(), 1e-12);
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(next() * 4)]}${hex(3)}-${hex(12)}`,
  };
}
