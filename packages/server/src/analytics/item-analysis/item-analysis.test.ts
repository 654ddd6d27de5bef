import { describe, expect, it } from 'vitest';
import { analyseItem, type FirstAttempt, pearson } from './item-analysis.js';

// Four learners, three items. Item q1: credits 1, 1, 0, 0; rest scores (q2 + q3): 2, 1, 1, 0.
const attempts: FirstAttempt[] = [
  { learner: 'A', item: 'q1', credit: 1, response: 'b' },
  { learner: 'A', item: 'q2', credit: 1 },
  { learner: 'A', item: 'q3', credit: 1 },
  { learner: 'B', item: 'q1', credit: 1, response: 'b' },
  { learner: 'B', item: 'q2', credit: 1 },
  { learner: 'B', item: 'q3', credit: 0 },
  { learner: 'C', item: 'q1', credit: 0, response: 'a[,]c' },
  { learner: 'C', item: 'q2', credit: 0 },
  { learner: 'C', item: 'q3', credit: 1 },
  { learner: 'D', item: 'q1', credit: 0, response: 'a' },
  { learner: 'D', item: 'q2', credit: 0 },
  { learner: 'D', item: 'q3', credit: 0 },
];

describe('item analysis', () => {
  it('gives facility, item-rest correlation, score and answer distributions', () => {
    const r = analyseItem('q1', attempts, { interactionType: 'choice', correct: ['b'] });
    expect(r.n).toBe(4);
    expect(r.facility).toBe(0.5);
    // x = 1,1,0,0 (mean .5), y = 2,1,1,0 (mean 1): Σdxdy = .5+0+0+.5 = 1, Σdx² = 1, Σdy² = 2 → 1/√2
    expect(r.discrimination).toBeCloseTo(Math.SQRT1_2, 10);
    expect(r.scores).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(r.answers).toEqual([
      { response: 'a', count: 2, correct: false },
      { response: 'b', count: 2, correct: true },
      { response: 'c', count: 1, correct: false },
    ]);
  });
  it('has no discrimination without variance or below 3 learners', () => {
    expect(pearson([1, 1, 1], [0, 1, 2])).toBeNull();
    expect(pearson([1, 0], [1, 0])).toBeNull();
    expect(analyseItem('none', attempts).facility).toBeNull();
  });
});
