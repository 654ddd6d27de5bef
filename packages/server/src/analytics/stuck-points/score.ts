/**
 * The stuck-point score of an activity of a sequence (DESIGN.md "Analytics definitions"), from counts over
 * the learners who reached it. Pure: the projection maintains the counts, a request scores them.
 */

/** Weights of the score's four terms and the rules of the flag. Teachers may override the thresholds per course. */
export const STUCK_DEFAULTS = {
  weights: { p1: 0.3, r: 0.25, d: 0.25, t: 0.2 },
  /** R counts learners with at least this many attempts and no success. */
  repeatedAttempts: 3,
  /** D counts learners inactive for at least this many days. */
  inactiveDays: 7,
  /** T counts learners whose active time exceeds this multiple of the expected (or median) time. */
  timeFactor: 2,
  /** No flag below this many learners. */
  minLearners: 5,
  /** Flagged when the score reaches this… */
  score: 40,
  /** …or the Wilson lower bound of R reaches this… */
  wilsonR: 0.25,
  /** …or the Wilson lower bound of D reaches this… */
  wilsonD: 0.2,
  /** …or P1 is at most this, with at least `p1MinLearners` learners. */
  p1Low: 0.3,
  p1MinLearners: 10,
} as const;

/** The overridable thresholds of {@link STUCK_DEFAULTS}. */
export type StuckThresholds = {
  -readonly [K in Exclude<keyof typeof STUCK_DEFAULTS, 'weights'>]: number;
};

/** Counts over the learners who reached an activity. */
export interface StuckCounts {
  /** Learners who reached the activity. */
  n: number;
  /** Of them, learners with at least one assessed attempt (the base of P1). */
  assessed: number;
  /** Learners whose first assessed attempt succeeded. */
  firstSuccess: number;
  /** Learners with ≥ `repeatedAttempts` attempts and no success. */
  repeated: number;
  /** Learners whose furthest step is this activity, not completed, inactive ≥ `inactiveDays`. */
  dropped: number;
  /** Learners with active time above `timeFactor` × the reference time and no success. */
  slow: number;
}

/** A proportion with its Wilson 95 % interval (Wilson, 1927). */
export interface Share {
  value: number;
  low: number;
  high: number;
}

/** Wilson score interval of `k` successes out of `n` (z = 1.96). */
export function wilson(k: number, n: number, z = 1.96): Share {
  if (n === 0) return { value: 0, low: 0, high: 0 };
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const margin = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { value: p, low: Math.max(0, center - margin), high: Math.min(1, center + margin) };
}

/** Why an activity is flagged. */
export type StuckReason = 'score' | 'repeated-failures' | 'drop-outs' | 'low-first-attempt-success';

/** The scored activity: the inputs, the shares, the score and the flag with its reasons. */
export interface StuckScore {
  n: number;
  /** First-attempt success rate (null when nobody was assessed on it: that term then counts 0). */
  p1: Share | null;
  r: Share;
  d: Share;
  t: Share;
  score: number;
  flagged: boolean;
  reasons: StuckReason[];
}

/**
 * `stuck = 100·(0.30·(1−P1) + 0.25·R + 0.25·D + 0.20·T)`; flagged when n ≥ 5 and (stuck ≥ 40, or the
 * Wilson lower bound of R ≥ 0.25, or of D ≥ 0.20, or P1 ≤ 0.30 with n ≥ 10).
 *
 * @example scoreActivity({ n: 10, assessed: 10, firstSuccess: 2, repeated: 4, dropped: 1, slow: 3 })
 */
export function scoreActivity(c: StuckCounts, thresholds: Partial<StuckThresholds> = {}): StuckScore {
  const th = { ...STUCK_DEFAULTS, ...thresholds };
  const w = STUCK_DEFAULTS.weights;
  const p1 = c.assessed > 0 ? wilson(c.firstSuccess, c.assessed) : null;
  const r = wilson(c.repeated, c.n);
  const d = wilson(c.dropped, c.n);
  const t = wilson(c.slow, c.n);
  const raw = 100 * (w.p1 * (p1 ? 1 - p1.value : 0) + w.r * r.value + w.d * d.value + w.t * t.value);
  const score = Math.round(raw * 10) / 10;
  const reasons: StuckReason[] = [];
  if (c.n >= th.minLearners) {
    if (score >= th.score) reasons.push('score');
    if (r.low >= th.wilsonR) reasons.push('repeated-failures');
    if (d.low >= th.wilsonD) reasons.push('drop-outs');
    if (p1 && p1.value <= th.p1Low && c.n >= th.p1MinLearners) reasons.push('low-first-attempt-success');
  }
  return { n: c.n, p1, r, d, t, score, flagged: reasons.length > 0, reasons };
}
