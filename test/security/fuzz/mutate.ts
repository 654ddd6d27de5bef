import type { Random } from './random.js';

/*
 * Mutations of valid requests. Values are what validators trip on: wrong types, extreme and fractional
 * numbers, empty and very long strings, unicode (astral, combining, right-to-left, lone surrogates) and NUL,
 * injection-looking text, prototype keys, deep nesting, arrays for objects. Host names are all `.invalid`
 * (RFC 6761), so a mutated URL the server fetches never leaves the machine.
 */

const LONG = 'a'.repeat(70_000);
const deep = (n: number, leaf: unknown = 1): unknown => {
  let v = leaf;
  for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

/** Strings a validator must refuse or store faithfully. */
export const WEIRD_STRINGS: readonly string[] = [
  '',
  ' ',
  'x',
  LONG,
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '😀'.repeat(500),
  'e\u0301\u202eabc',
  'ä'.repeat(300),
  '%00',
  '%E0%A4%A',
  '%',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '{"$gt":""}',
  '$where',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '99999999999999999999999999',
  'true',
  'null',
  '[]',
  '{}',
  'not a uri',
  'mailto:',
  'http://',
  'javascript:alert(1)',
  'http://[::1',
  'https://lrs.invalid/%ZZ',
  `https://lrs.invalid/${'p/'.repeat(5000)}`,
  'urn:',
  'ht tp://x.invalid',
  '2026-13-45T25:61:61Z',
  '0000-00-00T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00Z',
  '2026-05-01T10:00:00.123456789123Z',
  '2026-05-01T10:00:00+25:00',
  '2026-05-01',
  'P',
  'PT99999999999999999999H',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '1d4b5a5c-6f3e-4a9b-9a55-0c6b7d8e9f1',
  'g1d4b5a5-6f3e-4a9b-9a55-0c6b7d8e9f10',
  'mailto:a@b.invalid',
  'account:https://lms.invalid|u1',
  'me',
];

/** JSON texts of agents, as `agent=` query parameters carry them. */
export const WEIRD_AGENTS: readonly string[] = [
  '{}',
  '[]',
  'null',
  '1',
  '"x"',
  '{"mbox":"x"}',
  '{"mbox":"mailto:a@b.invalid","mbox_sha1sum":"00"}',
  '{"account":{"homePage":1,"name":[]}}',
  '{"account":{"homePage":"https://lms.invalid","name":"\\u0000"}}',
  '{"account":{"homePage":"https://lms.invalid","name":"\\ud800"}}',
  '{"objectType":"Group","member":[{"mbox":"mailto:a@b.invalid"}]}',
  '{"objectType":"Group","mbox":"mailto:g@b.invalid","member":{"mbox":"mailto:a@b.invalid"}}',
  '{"mbox":"mailto:a@b.invalid","__proto__":{"polluted":1}}',
  '{"openid":"not a uri"}',
  JSON.stringify(deep(3000)),
  '{"mbox":"mailto:a@b.invalid"',
  `{"mbox":"mailto:${'a'.repeat(60_000)}@b.invalid"}`,
];

/** JSON values a validator must refuse without crashing. */
export const WEIRD_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -0.5,
  1.5,
  2 ** 53 + 1,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  5e-324,
  [],
  {},
  [null],
  [[[]]],
  { a: null },
  { __proto__: null, constructor: { prototype: { polluted: 1 } } },
  JSON.parse('{"__proto__":{"polluted":1}}'),
  deep(200),
  deep(3000),
  Array.from({ length: 2000 }, (_, i) => i),
  ...WEIRD_STRINGS,
];

/** A random weird JSON value. */
export const weirdValue = (r: Random): unknown => r.pick(WEIRD_VALUES);

/** A mutated string: a weird one, or the original damaged (truncated, doubled, NUL or unicode spliced in). */
export function mutateString(value: string, r: Random): string {
  const k = r.int(8);
  if (k < 4) return r.pick(WEIRD_STRINGS);
  if (k === 4) return value.slice(0, r.int(value.length + 1));
  if (k === 5) return value + value;
  const at = r.int(value.length + 1);
  return value.slice(0, at) + r.pick(['\u0000', '\ud800', '😀', '%', '"', '\\', '\n', '|']) + value.slice(at);
}

/**
 * A JSON value with one random change somewhere inside: a field removed, added (unknown, prototype or
 * `objectType`), replaced by a weird value, an object turned into an array or wrapped in one, or nested deep.
 */
export function mutateJson(value: unknown, r: Random, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string' && r.chance(0.5)) return mutateString(value, r);
    return weirdValue(r);
  }
  const roll = r.next();
  if (roll < 0.05) return [value];
  if (roll < 0.08) return Object.values(value);
  if (roll < 0.1) return deep(r.pick([50, 600, 3000]), value);
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...value };
  const keys = Object.keys(copy);
  if (roll < 0.3 && keys.length > 0) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(r.int(keys.length), 1);
    else delete copy[r.pick(keys)];
  } else if (roll < 0.45) {
    const name = r.pick(['unknownKey', 'objectType', '__proto__', 'constructor', '$where', 'a.b', '']);
    if (name === '__proto__') Object.defineProperty(copy, name, { value: weirdValue(r), enumerable: true });
    else copy[name] = weirdValue(r);
  } else if (keys.length > 0) {
    const k = r.pick(keys);
    copy[k] = depth < 6 && r.chance(0.7) ? mutateJson(copy[k], r, depth + 1) : weirdValue(r);
  } else return weirdValue(r);
  return copy;
}

/** A JSON text made invalid, or turned into something JSON parsers disagree on. */
export function malformJson(text: string, r: Random): string {
  return r.pick([
    () => text.slice(0, Math.max(0, r.int(text.length))),
    () => `${text},`,
    () => `${text}}`,
    () => `\ufeff${text}`,
    () => `${text}\u0000`,
    () => text.replace(/"/, "'"),
    () => text.replace(/:/, ':NaN,"x":'),
    () => 'NaN',
    () => 'Infinity',
    () => '',
    () => ' ',
    () => '{"a":1,}',
    () => '[1,]',
    () => `{"a":"\\ud800"}`,
    () => `{"a":"\\u0000"}`,
    () => `{"a":1,"a":2}`,
    () => `{"__proto__":{"x":1}}`,
    () => '['.repeat(100_000),
    () => `"${'\\'.repeat(3)}"`,
  ])();
}

/** Content types a JSON route may be sent instead of `application/json`. */
export const WRONG_TYPES: readonly string[] = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'multipart/mixed',
  'multipart/mixed; boundary=abc',
  'application/json; charset=utf-7',
  'application/json; charset=latin1',
  'application/json; charset=nope',
  'application/jsonx',
  'application/octet-stream',
  'text/csv',
  '*/*',
  'application/*',
  ';;;',
  '',
];

/** `[name, value]` query or form pairs, as a request sends them (order kept, duplicates allowed). */
export type Pairs = [string, string][];

/**
 * Query (or form) parameters with one or two changes: a value replaced (weird string, bad agent JSON), a
 * pair dropped, an unknown one added, a name given twice or in another case, a bracketed name
 * (`a[b]`), an empty value.
 */
export function mutatePairs(
  pairs: Pairs,
  r: Random,
  specialOf?: (name: string) => readonly string[] | undefined,
): Pairs {
  const out: Pairs = pairs.map(([k, v]) => [k, v]);
  for (let n = 1 + r.int(2); n > 0; n--) {
    const i = r.int(Math.max(1, out.length));
    const roll = r.next();
    const pair = out[i];
    if (roll < 0.45 && pair) {
      const special = specialOf?.(pair[0]);
      pair[1] = special && r.chance(0.5) ? r.pick(special) : mutateString(pair[1], r);
    } else if (roll < 0.6 && pair) out.splice(i, 1);
    else if (roll < 0.7) out.push([r.pick(['unknown', 'x', '__proto__', 'constructor', ''])!, 'y']);
    else if (roll < 0.82 && pair) out.push([pair[0], r.chance(0.5) ? pair[1] : mutateString(pair[1], r)]);
    else if (roll < 0.88 && pair) out.push([pair[0].toUpperCase(), pair[1]]);
    else if (roll < 0.94 && pair) out[i] = [`${pair[0]}[${r.pick(['', 'a', '$gt', '__proto__'])}]`, pair[1]];
    else if (pair) pair[1] = '';
  }
  return out;
}

/**
 * `encodeURIComponent`, except that a lone surrogate (which it refuses) is sent as the three bytes of its
 * WTF-8 form: the server then gets bytes that are not UTF-8, as a hostile client can send.
 */
export function encodeComponent(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[\s\S]/gu, (ch) => {
      const c = ch.charCodeAt(0);
      if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff)
        return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      return encodeURIComponent(ch);
    });
  }
}

/** A value sent as is, but for what HTTP cannot carry in a request line (and `/`, `?`, `#`, `&`): `%` sequences stay raw. */
export const rawComponent = (v: string): string =>
  v.replace(/[^\x21-\x7e]|[&#?+/]/gu, (c) => encodeComponent(c));

/** A query string from pairs; now and then a value is left raw (bad percent-encoding reaches the server). */
export function queryString(pairs: Pairs, r?: Random): string {
  if (pairs.length === 0) return '';
  return `?${pairs
    .map(([k, v]) =>
      r?.chance(0.05)
        ? `${rawComponent(k)}=${rawComponent(v)}`
        : `${encodeComponent(k)}=${encodeComponent(v)}`,
    )
    .join('&')}`;
}
