/**
 * Milliseconds as an ISO 8601 duration with centisecond precision (xAPI 2.0 §4.2.7 asks LRSs to keep
 * 0.01 s): `toDuration(3723450)` → `'PT1H2M3.45S'`.
 */
export function toDuration(ms: number): string {
  const cs = Math.max(0, Math.round(ms / 10));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = (cs % 6000) / 100;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || !(h || m) ? `${s}S` : ''}`;
}
