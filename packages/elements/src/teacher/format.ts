/** Number and date formats of one language, built once (a 300-learner table formats thousands of figures). */
export interface Formats {
  /** A share in [0, 1] as a percent; `—` when missing. */
  pct(v: number | null | undefined): string;
  /** A number with at most `digits` decimals. */
  num(v: number, digits?: 0 | 1 | 2): string;
  /** An instant, short (date and time). */
  date(iso: string | undefined): string;
  /** An instant's day. */
  day(iso: string | undefined): string;
  /** An instant's time of day. */
  time(iso: string | undefined): string;
}

const cache = new Map<string, Formats>();

/** The formats of `lang` (memoized). */
export function formats(lang: string): Formats {
  let f = cache.get(lang);
  if (f) return f;
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const nums = [0, 1, 2].map((d) => new Intl.NumberFormat(lang, { maximumFractionDigits: d }));
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const day = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  const time = new Intl.DateTimeFormat(lang, { timeStyle: 'short' });
  const at = (fmt: Intl.DateTimeFormat) => (iso: string | undefined) =>
    iso ? fmt.format(new Date(iso)) : '—';
  f = {
    pct: (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : pct.format(v)),
    num: (v, d = 0) => nums[d]!.format(v),
    date: at(date),
    day: at(day),
    time: at(time),
  };
  cache.set(lang, f);
  return f;
}
