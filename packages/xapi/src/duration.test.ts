import { describe, expect, it } from 'vitest';
import { durationForComparison, formatDuration, isDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it('parses ISO 8601 durations to milliseconds', () => {
    expect(parseDuration('PT1M2.5S')).toBe(62_500);
    expect(parseDuration('PT4H35M59.14S')).toBe(16_559_140);
    expect(parseDuration('PT16559.14S')).toBe(16_559_140);
    expect(parseDuration('P1DT2H')).toBe(93_600_000);
    expect(parseDuration('P2W')).toBe(1_209_600_000);
    expect(parseDuration('PT0,5S')).toBe(500);
    expect(parseDuration('P3Y')).toBe(3 * 365 * 86_400_000);
  });

  it('throws on invalid durations', () => {
    for (const bad of ['', 'P', 'PT', 'P1DT', 'PA1H0M0S', 'P4W1D', '1H', 'PT-1S', 'PT1.S', 'should fail']) {
      expect(isDuration(bad)).toBe(false);
      expect(() => parseDuration(bad)).toThrow(RangeError);
    }
  });

  it('formats milliseconds', () => {
    expect(formatDuration(62_500)).toBe('PT1M2.5S');
    expect(formatDuration(0)).toBe('PT0S');
    expect(formatDuration(3_600_000)).toBe('PT1H');
    expect(formatDuration(3_723_456)).toBe('PT1H2M3.46S');
    expect(() => formatDuration(-1)).toThrow(RangeError);
    for (const ms of [1, 999, 59_999, 86_400_000, 123_456_789]) {
      expect(Math.abs(parseDuration(formatDuration(ms)) - ms)).toBeLessThanOrEqual(5);
    }
  });

  it('truncates to 0.01 s for comparison', () => {
    expect(durationForComparison('PT1.2345S')).toBe('PT1.23S');
    expect(durationForComparison('PT1.001S')).toBe('PT1S');
    expect(durationForComparison('PT1M')).toBe('PT1M');
  });
});
