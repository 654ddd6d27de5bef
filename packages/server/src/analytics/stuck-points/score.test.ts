import { describe, expect, it } from 'vitest';
import { scoreActivity, wilson } from './score.js';

describe('Wilson interval', () => {
  // p = 0.5, n = 10: center = (0.5 + 0.19208)/1.38416 = 0.5; margin = 1.96·√(0.025 + 0.0096040)/1.38416 = 0.26340
  it('matches a hand computation', () => {
    const s = wilson(5, 10);
    expect(s.value).toBe(0.5);
    expect(s.low).toBeCloseTo(0.2366, 4);
    expect(s.high).toBeCloseTo(0.7634, 4);
  });
  it('is empty for no learners', () => {
    expect(wilson(0, 0)).toEqual({ value: 0, low: 0, high: 0 });
  });
});

describe('stuck score', () => {
  // 10 learners: P1 = 2/10 → 0.30·0.8 = 0.24; R = 4/10 → 0.25·0.4 = 0.10; D = 1/10 → 0.025; T = 3/10 → 0.06
  // stuck = 100·0.425 = 42.5
  it('weights the four terms', () => {
    const s = scoreActivity({ n: 10, assessed: 10, firstSuccess: 2, repeated: 4, dropped: 1, slow: 3 });
    expect(s.score).toBe(42.5);
    expect(s.p1!.value).toBe(0.2);
    expect(s.flagged).toBe(true);
    // R: Wilson low of 4/10 = 0.1682 < 0.25; P1 0.2 ≤ 0.30 with n = 10
    expect(s.reasons).toEqual(['score', 'low-first-attempt-success']);
  });
  it('never flags below 5 learners', () => {
    const s = scoreActivity({ n: 4, assessed: 4, firstSuccess: 0, repeated: 4, dropped: 4, slow: 4 });
    expect(s.score).toBe(100);
    expect(s.flagged).toBe(false);
  });
  it('flags on the Wilson lower bound of R alone', () => {
    // 12/20: p = 0.6, low = 0.3866 ≥ 0.25; score = 100·(0.30·0 + 0.25·0.6) = 15
    const s = scoreActivity({ n: 20, assessed: 20, firstSuccess: 20, repeated: 12, dropped: 0, slow: 0 });
    expect(s.score).toBe(15);
    expect(s.r.low).toBeCloseTo(0.3866, 4);
    expect(s.reasons).toEqual(['repeated-failures']);
  });
  it('flags on drop-outs', () => {
    // 8/20 dropped: low = 0.2188 ≥ 0.20
    const s = scoreActivity({ n: 20, assessed: 20, firstSuccess: 20, repeated: 0, dropped: 8, slow: 0 });
    expect(s.d.low).toBeCloseTo(0.2188, 4);
    expect(s.reasons).toEqual(['drop-outs']);
  });
  it('leaves P1 out of an activity nobody was assessed on', () => {
    const s = scoreActivity({ n: 6, assessed: 0, firstSuccess: 0, repeated: 0, dropped: 0, slow: 0 });
    expect(s.p1).toBeNull();
    expect(s.score).toBe(0);
    expect(s.flagged).toBe(false);
  });
  it('takes a course teacher thresholds', () => {
    const counts = { n: 10, assessed: 10, firstSuccess: 2, repeated: 4, dropped: 1, slow: 3 };
    expect(scoreActivity(counts, { score: 50, p1Low: 0.1 }).flagged).toBe(false);
  });
});
