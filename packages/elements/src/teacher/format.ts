/** Number and date formats of one language (a 300-learner table formats thousands of figures). */
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

/**
 * The formats of `lang` (memoized). Each `Intl` formatter is built on its first use and kept: a heat map
 * needs only percents, and building a formatter costs far more than a call to it (the page's first, ~20 ms).
 */
export function formats(lang: string): Formats {
  let f = cache.get(lang);
  if (f) return f;
  const lazy = <T>(make: () => T) => {
    let made: T | undefined;
    return () => (made ??= make());
  };
  const pct = lazy(() => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }));
  const nums = [0, 1, 2].map((d) => lazy(() => new Intl.NumberFormat(lang, { maximumFractionDigits: d })));
  const at = (o: Intl.DateTimeFormatOptions) => {
    const fmt = lazy(() => new Intl.DateTimeFormat(lang, o));
    return (iso: string | undefined) => (iso ? fmt().format(new Date(iso)) : '—');
  };
  f = {
    pct: (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : pct().format(v)),
    num: (v, d = 0) => nums[d]!().format(v),
    date: at({ dateStyle: 'medium', timeStyle: 'short' }),
    day: at({ dateStyle: 'medium' }),
    time: at({ timeStyle: 'short' }),
  };
  cache.set(lang, f);
  return f;
}
