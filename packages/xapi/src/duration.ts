// ISO 8601 durations as used by xAPI `result.duration`: PnYnMnDTnHnMnS or PnW, decimals allowed
// (xAPI examples use fractional seconds; we accept a fraction on any component, as ISO 8601 does
// on the smallest one).
const NUM = String.raw`(\d+(?:[.,]\d+)?)`;
// Weeks stand alone in ISO 8601 (PnW); the other form is PnYnMnDTnHnMnS with at least one component.
const DURATION = new RegExp(
  `^P(?:${NUM}W|(?!$)(?:${NUM}Y)?(?:${NUM}M)?(?:${NUM}D)?(?:T(?=\\d)(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?)$`,
);

const MS = [7 * 86_400_000, 365 * 86_400_000, 30 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000];

/** Whether `value` is an ISO 8601 duration (`PT1M2.5S`, `P1DT2H`, `P3W`). */
export function isDuration(value: string): boolean {
  return DURATION.test(value);
}

/**
 * Parses an ISO 8601 duration to milliseconds. Years count 365 days and months 30 days (xAPI says
 * durations cannot be converted exactly; use this for analytics, never for comparison).
 * @throws RangeError when `iso` is not an ISO 8601 duration.
 * @example parseDuration('PT1M2.5S') // 62500
 */
export function parseDuration(iso: string): number {
  const m = DURATION.exec(iso);
  if (!m) throw new RangeError(`invalid ISO 8601 duration "${iso}": expected e.g. "PT1M2.5S" or "P1DT2H"`);
  let total = 0;
  for (let i = 0; i < MS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) total += Number(part.replace(',', '.')) * MS[i]!;
  }
  return Math.round(total);
}

/**
 * Formats milliseconds as an ISO 8601 duration with hours, minutes and seconds (centisecond
 * precision, the precision xAPI keeps when comparing durations).
 * @example formatDuration(62500) // 'PT1M2.5S'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0)
    throw new RangeError(`duration must be a finite, non-negative number of ms, got ${ms}`);
  const cs = Math.round(ms / 10);
  const h = Math.floor(cs / 360_000);
  const min = Math.floor((cs % 360_000) / 6000);
  const sec = (cs % 6000) / 100;
  let out = 'PT';
  if (h) out += `${h}H`;
  if (min) out += `${min}M`;
  if (sec || out === 'PT') out += `${sec}S`;
  return out;
}

/**
 * Canonical form of a duration for statement comparison: the string as sent, with seconds
 * truncated to 0.01 s (xAPI: precision beyond 0.01 s is not part of the comparison).
 */
export function durationForComparison(iso: string): string {
  return iso.replace(/(\d+)[.,](\d+)S$/, (_, whole: string, frac: string) => {
    const kept = frac.slice(0, 2).replace(/0+$/, '');
    return kept ? `${whole}.${kept}S` : `${whole}S`;
  });
}
