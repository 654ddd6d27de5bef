import { describe, expect, it } from 'vitest';
import { bktStep, type Evidence, foldMastery, nextLevel } from './bkt.js';

const ev = (i: number, credit: number, extra: Partial<Evidence> = {}): Evidence => ({
  statementId: `s${String(i).padStart(3, '0')}`,
  activity: 'a',
  ts: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
  credit,
  correct: credit >= 0.5,
  weight: 1,
  maitrise: false,
  ...extra,
});
const fold = (credits: number[], extra: Partial<Evidence> = {}) =>
  foldMastery(credits.map((c, i) => ev(i, c, extra)));

describe('BKT (defaults P(L0)=0.2, T=0.1, G=0.2, S=0.1; observation first, then learning)', () => {
  // Hand-computed: P(L|correct) = 0.2·0.9 / (0.2·0.9 + 0.8·0.2) = 0.52941; + (1 − 0.52941)·0.1 = 0.57647
  it('one correct answer moves 0.2 to 0.5765', () => {
    expect(bktStep(0.2, 1)).toBeCloseTo(0.57647, 5);
  });
  // 0.57647·0.9 / (0.57647·0.9 + 0.42353·0.2) = 0.85967; + 0.14033·0.1 = 0.87370
  it('two correct in a row give P ≈ 0.874', () => {
    expect(fold([1, 1]).state.p).toBeCloseTo(0.874, 3);
  });
  // 0.8737·0.9 / (0.8737·0.9 + 0.1263·0.2) = 0.96888; + 0.03112·0.1 = 0.97199
  it('three correct give P ≈ 0.972', () => {
    expect(fold([1, 1, 1]).state.p).toBeCloseTo(0.972, 3);
  });
  // 0.02/0.66 = 0.0303 → 0.1273; 0.01273/0.71089 = 0.0179 → 0.1161; 0.01161/0.71873 = 0.0162 → 0.1145
  it('three wrong give P ≈ 0.115', () => {
    expect(fold([0, 0, 0]).state.p).toBeCloseTo(0.115, 3);
  });
  it('partial credit lies between the wrong and the correct update', () => {
    const half = bktStep(0.2, 0.5);
    // 0.5·0.52941 + 0.5·0.03030 = 0.27986; + 0.72014·0.1 = 0.35187
    expect(half).toBeCloseTo(0.35187, 4);
    expect(half).toBeGreaterThan(bktStep(0.2, 0));
    expect(half).toBeLessThan(bktStep(0.2, 1));
  });
  it('a weight of 0.5 moves P half as far and learns half as much', () => {
    // 0.2 + 0.5·(0.52941 − 0.2) = 0.36471; + 0.63529·0.05 = 0.39647
    expect(bktStep(0.2, 1, 0.5)).toBeCloseTo(0.39647, 4);
  });
  it('continuing a fold from its stored state equals folding everything at once', () => {
    const all = [1, 0, 1, 1, 0.5, 1].map((c, i) => ev(i, c));
    const first = foldMastery(all.slice(0, 3));
    const rest = foldMastery(all.slice(3), undefined, first.state);
    expect(rest.state).toEqual(foldMastery(all).state);
  });
});

describe('mastery levels', () => {
  it('has no level below 2 evidences', () => {
    expect(fold([1]).state.level).toBeUndefined();
    expect(fold([1, 1]).state.level).toBe('acquis'); // 0.874
  });
  it('maps P to non_acquis < 0.40 ≤ en_cours < 0.80 ≤ acquis', () => {
    expect(fold([0, 0]).state.level).toBe('non_acquis'); // 0.116
    expect(fold([1, 0.5]).state.level).toBe('en_cours'); // 0.5765 → 0.7123
  });
  it('needs ≥ 5 evidences, the last 3 correct and a maitrise success for expert', () => {
    expect(fold([1, 1, 1]).state.level).toBe('acquis'); // P 0.972 but 3 evidences
    expect(fold([1, 1, 1, 1, 1]).state.level).toBe('acquis'); // no maitrise activity
    expect(fold([1, 1, 1, 1, 1], { maitrise: true }).state.level).toBe('expert');
    const wrongLast = [1, 1, 1, 1, 1, 1, 0].map((c, i) => ev(i, c, { maitrise: true }));
    // once expert, one wrong answer leaves P above 0.90 (= 0.95 − 0.05): the level holds
    expect(foldMastery(wrongLast).state.level).toBe('expert');
  });
  it('drops a level only when P falls 0.05 below its threshold', () => {
    expect(nextLevel('acquis', { p: 0.76, evidence: 4, streak: 0, maitriseSuccess: false })).toBe('acquis');
    expect(nextLevel('acquis', { p: 0.749, evidence: 4, streak: 0, maitriseSuccess: false })).toBe(
      'en_cours',
    );
    expect(nextLevel('en_cours', { p: 0.36, evidence: 4, streak: 0, maitriseSuccess: false })).toBe(
      'en_cours',
    );
    expect(nextLevel('en_cours', { p: 0.34, evidence: 4, streak: 0, maitriseSuccess: false })).toBe(
      'non_acquis',
    );
    expect(nextLevel('en_cours', { p: 0.81, evidence: 4, streak: 0, maitriseSuccess: false })).toBe('acquis');
  });
  it('records every step with P before and after', () => {
    const { steps } = fold([1, 1]);
    expect(steps.map((s) => [s.pBefore, s.pAfter])).toEqual([
      [0.2, expect.closeTo(0.57647, 5)],
      [expect.closeTo(0.57647, 5), expect.closeTo(0.8737, 4)],
    ]);
  });
});
