import type { XapiVersion } from './version.js';

// Best-effort IRI check (xAPI allows it): a scheme per RFC 3986 followed by at least one character,
// without whitespace, control characters (NUL included), unpaired surrogates (not characters at all) or
// the characters RFC 3987 excludes.
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\p{Cc}\p{Cs}<>"{}|\\^`]+$/u;
// mailto IRI with one address (`mailto:` scheme is case-insensitive per RFC 3986).
const MAILTO = /^[Mm][Aa][Ii][Ll][Tt][Oo]:[^\s@<>"]+@[^\s@<>"/?#]+$/;
const SHA1 = /^[0-9a-fA-F]{40}$/;
const SHA2 = /^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$/;
// "All UUID versions are valid" (xAPI 2.4.1) in standard 8-4-4-4-12 string form; any variant.
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// ISO 8601 extended date-time, the profile RFC 3339 defines; offset optional only in 1.0.3.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
// RFC 5646 language tag: langtag (language[-extlang][-script][-region](-variant)*(-extension)*[-privateuse]),
// privateuse, or grandfathered (`i-*` and the irregular tags).
const LANGUAGE_TAG =
  /^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?|x(?:-[a-z\d]{1,8})+|i-[a-z]{3,8}|en-gb-oed|sgn-(?:be-fr|be-nl|ch-de))$/i;

/** Whether `value` is an absolute IRI (scheme required), e.g. `http://example.com/a`, `urn:x:1`. */
export function isIri(value: string): boolean {
  return IRI.test(value);
}

/** Whether `value` is a `mailto:` IRI holding one e-mail address. */
export function isMailto(value: string): boolean {
  return MAILTO.test(value);
}

/** Whether `value` is a hex SHA-1 (40 hex digits), as `mbox_sha1sum` requires. */
export function isSha1Hex(value: string): boolean {
  return SHA1.test(value);
}

/** Whether `value` is a hex SHA-2 digest (SHA-224, -256, -384 or -512), as attachment `sha2` requires. */
export function isSha2Hex(value: string): boolean {
  return SHA2.test(value);
}

/** Whether `value` is a UUID in standard string form (any version, any variant). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Whether `value` is an RFC 5646 language tag (`en`, `en-US`, `zh-Hant-TW`, `x-klingon`). */
export function isLanguageTag(value: string): boolean {
  return LANGUAGE_TAG.test(value);
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Checks an xAPI timestamp. Returns `undefined` when valid, else the reason. Both versions reject the
 * "unknown local offset" `-00:00` / `-0000` / `-00` (RFC 3339 §4.3); 2.0 also requires an offset.
 */
export function timestampProblem(value: string, version: XapiVersion): string | undefined {
  const m = TIMESTAMP.exec(value);
  if (!m) return 'must be an ISO 8601 / RFC 3339 date-time such as "2024-05-01T12:30:00.000Z"';
  const [, y, mo, d, h, mi, s, , z, sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]!) return 'is not a real calendar date';
  if (month === 2 && day === 29 && !isLeap(Number(y))) return 'is not a real calendar date (not a leap year)';
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return 'has an out-of-range time of day';
  if (sign !== undefined) {
    if (Number(oh) > 23 || Number(om ?? 0) > 59) return 'has an out-of-range UTC offset';
    if (sign === '-' && Number(oh) === 0 && Number(om ?? 0) === 0) {
      return 'uses the offset -00:00 ("unknown local offset"), which xAPI rejects: use Z or +00:00';
    }
  } else if (z === undefined && version === '2.0.0') {
    return 'needs a UTC offset in xAPI 2.0 (RFC 3339): add Z or +hh:mm';
  }
  return undefined;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Parses a (valid) xAPI timestamp to epoch milliseconds and the sub-millisecond digits, which JS dates
 * drop. Timestamps without an offset are read as UTC.
 */
export function timestampInstant(value: string): { ms: number; subMs: string } | undefined {
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', , sign, oh = '0', om = '0'] = m;
  const fracMs = Number((frac + '000').slice(0, 3));
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), fracMs);
  if (Number(y) < 100) ms = new Date(ms).setUTCFullYear(Number(y));
  if (sign !== undefined) ms -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return { ms, subMs: frac.slice(3).replace(/0+$/, '') };
}

/**
 * Converts a valid timestamp to UTC (`…Z`) keeping its precision beyond milliseconds, e.g. for an
 * LRS that stores timestamps in UTC. Returns the input unchanged when it cannot be parsed.
 */
export function toUtcTimestamp(value: string): string {
  const t = timestampInstant(value);
  if (!t || Number.isNaN(t.ms)) return value;
  const iso = new Date(t.ms).toISOString();
  return t.subMs ? `${iso.slice(0, -1)}${t.subMs}Z` : iso;
}
