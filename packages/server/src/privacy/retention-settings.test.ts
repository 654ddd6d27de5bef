import { describe, expect, it } from 'vitest';
import { parseRetentionMonths, retentionCutoff } from './retention-settings.js';

describe('retentionCutoff', () => {
  it.each([
    // now, months, cutoff (hand-computed: same day and time, clamped to the month's last day)
    ['2025-12-20T12:00:00.000Z', 6, '2025-06-20T12:00:00.000Z'],
    ['2026-03-31T10:00:00.000Z', 1, '2026-02-28T10:00:00.000Z'],
    ['2028-03-31T10:00:00.000Z', 1, '2028-02-29T10:00:00.000Z'],
    ['2026-01-15T00:00:00.000Z', 1, '2025-12-15T00:00:00.000Z'],
    ['2026-01-31T23:59:59.999Z', 13, '2024-12-31T23:59:59.999Z'],
    ['2026-05-31T08:30:00.000Z', 3, '2026-02-28T08:30:00.000Z'],
    ['2026-07-31T00:00:00.000Z', 24, '2024-07-31T00:00:00.000Z'],
  ])('%s minus %i months is %s', (now, months, cutoff) => {
    expect(retentionCutoff(new Date(now), months).toISOString()).toBe(cutoff);
  });
});

describe('parseRetentionMonths', () => {
  it('takes a whole number of months from 1 to 1200, or off', () => {
    expect(parseRetentionMonths('6')).toBe(6);
    expect(parseRetentionMonths(' 36 ')).toBe(36);
    expect(parseRetentionMonths(1200)).toBe(1200);
    expect(parseRetentionMonths('off')).toBeUndefined();
  });
  it.each(['0', 'abc', '-3', '1.5', '', '1e2', '1201', 'OFF'])('refuses "%s" with a usage error', (input) => {
    expect(() => parseRetentionMonths(input)).toThrow(expect.objectContaining({ code: 'usage' }));
    expect(() => parseRetentionMonths(input)).toThrow(
      /--months takes a whole number of months from 1 to 1200/,
    );
  });
});
