import { describe, expect, it } from 'vitest';
import { backoff, badIndexes, classify, retryAfter } from './retry.js';

describe('classify', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [400, 'rejected'],
    [401, 'auth'],
    [403, 'rejected'],
    [409, 'rejected'],
    [413, 'too-large'],
    [429, 'throttled'],
    [0, 'transient'],
    [404, 'transient'],
    [405, 'transient'],
    [408, 'transient'],
    [410, 'rejected'],
    [412, 'rejected'],
    [415, 'rejected'],
    [422, 'rejected'],
    [431, 'rejected'],
    [451, 'rejected'],
    [500, 'transient'],
    [503, 'transient'],
  ])('%i → %s', (status, outcome) => expect(classify(status)).toBe(outcome));
});

describe('backoff', () => {
  it('doubles per attempt with ±50 % jitter and a cap', () => {
    expect(backoff(0, 1000, 60_000, 0.5)).toBe(1000);
    expect(backoff(3, 1000, 60_000, 0.5)).toBe(8000);
    expect(backoff(3, 1000, 60_000, 0)).toBe(4000);
    expect(backoff(3, 1000, 60_000, 0.999)).toBeCloseTo(11_992);
    expect(backoff(20, 1000, 60_000, 0.5)).toBe(60_000);
    expect(backoff(5000, 1000, 60_000, 0.5)).toBe(60_000);
  });
});

describe('retryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfter('7')).toBe(7000);
    expect(retryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(
      10_000,
    );
    expect(retryAfter(null)).toBeUndefined();
    expect(retryAfter('soon')).toBeUndefined();
    expect(retryAfter('-5')).toBe(0);
  });
});

describe('badIndexes', () => {
  it('finds the statements a 400 names', () => {
    const body = JSON.stringify({
      message: 'statement[2].result.score.scaled: must be between -1 and 1',
      issues: [{ path: 'statement[2].result' }, { path: 'statement[0].verb' }, { path: 'statement[9]' }],
    });
    expect(badIndexes(body, 3).sort()).toEqual([0, 2]);
    expect(badIndexes('{"message":"bad"}', 3)).toEqual([]);
  });
});
