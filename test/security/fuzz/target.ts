import type { ErrorShape, FuzzRequest, FuzzResponse } from './harness.js';
import {
  encodeComponent,
  malformJson,
  mutateJson,
  mutatePairs,
  mutateString,
  type Pairs,
  queryString,
  rawComponent,
  WRONG_TYPES,
} from './mutate.js';
import type { Random } from './random.js';

/** Something the fuzzer sends mutated requests to. */
export interface Target {
  area: string;
  name: string;
  shape: ErrorShape;
  /** A mutated request. */
  mutated(r: Random): Promise<FuzzRequest> | FuzzRequest;
  /** Whether a 502 passes on another server's failure (then it is counted apart, not as a Kairos 5xx). */
  upstream?(res: FuzzResponse): boolean;
}

/** The body of a valid request. */
export type Body =
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; pairs: Pairs }
  | { kind: 'raw'; type: string; text: string };

/** A valid request, described well enough to mutate any part of it. */
export interface Template {
  area: string;
  name: string;
  method: string;
  /** Path with `{name}` placeholders for `params`. */
  path: string;
  params?: Record<string, string>;
  query?: Pairs;
  headers?: Record<string, string>;
  body?: Body;
  shape?: ErrorShape;
  /** Weird values that fit a parameter's meaning (bad agents for `agent`, …). */
  special?: (name: string) => readonly string[] | undefined;
}

/** The valid request a template describes. */
export function render(t: Template, r?: Random, override: Partial<Template> = {}): FuzzRequest {
  const x = { ...t, ...override };
  const path = x.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = x.params?.[name] ?? '';
    // now and then a raw value: bad percent-encoding and encoded slashes reach the router as sent
    return r?.chance(0.05) ? rawComponent(value) : encodeComponent(value);
  });
  const headers = { ...x.headers };
  let body: string | undefined;
  if (x.body?.kind === 'json') {
    body = JSON.stringify(x.body.value);
    headers['content-type'] ??= 'application/json';
  } else if (x.body?.kind === 'form') {
    body = new URLSearchParams(x.body.pairs).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (x.body?.kind === 'raw') {
    body = x.body.text;
    headers['content-type'] ??= x.body.type;
  }
  return { method: x.method, path: `${path}${queryString(x.query ?? [], r)}`, headers, body };
}

const AUTH_GARBAGE = [
  'Basic',
  'Basic ',
  'Basic %%%%',
  `Basic ${Buffer.from('no-colon').toString('base64')}`,
  `Basic ${Buffer.from(':').toString('base64')}`,
  `Basic ${Buffer.from(`${'k'.repeat(5000)}:s`).toString('base64')}`,
  'Bearer',
  'Bearer x.y.z',
  'Bearer eyJhbGciOiJub25lIn0.eyJ0aWQiOiJkZWZhdWx0In0.',
  `Bearer ${'a'.repeat(9000)}`,
  'Digest username="x"',
  'basic',
];

/**
 * A mutated request from a template: one part is changed — the query, the body (a JSON change, malformed
 * JSON, another content type, no body, one past the size limit), a path parameter, or a header (the
 * credential, the xAPI version, the content type).
 */
export function mutateTemplate(t: Template, r: Random): FuzzRequest {
  const roll = r.next();
  const params = t.params ? Object.keys(t.params) : [];
  if (roll < 0.3 || (roll < 0.55 && !t.body)) {
    return render(t, r, { query: mutatePairs(t.query ?? [], r, t.special) });
  }
  if (roll < 0.7 && t.body) {
    if (t.body.kind === 'json') {
      const k = r.next();
      if (k < 0.65) return render(t, r, { body: { kind: 'json', value: mutateJson(t.body.value, r) } });
      const req = render(t, r);
      if (k < 0.85) return { ...req, body: malformJson(String(req.body), r) };
      if (k < 0.97) return { ...req, headers: { ...req.headers, 'content-type': r.pick(WRONG_TYPES) } };
      if (k < 0.985) return { ...req, body: undefined };
      return { ...req, body: `[${'"x",'.repeat(300_000)}"x"]` };
    }
    if (t.body.kind === 'form')
      return render(t, r, { body: { kind: 'form', pairs: mutatePairs(t.body.pairs, r) } });
    const req = render(t, r);
    return r.chance(0.5)
      ? { ...req, body: mutateString(t.body.text, r) }
      : { ...req, headers: { ...req.headers, 'content-type': r.pick(WRONG_TYPES) } };
  }
  if (roll < 0.85 && params.length > 0) {
    const name = r.pick(params);
    const value =
      t.special?.(name) && r.chance(0.4) ? r.pick(t.special(name)!) : mutateString(t.params![name]!, r);
    return render(t, r, { params: { ...t.params, [name]: value } });
  }
  const req = render(t, r);
  const headers = { ...req.headers };
  const names = Object.keys(headers);
  const k = r.next();
  if (k < 0.3 && 'authorization' in headers) headers.authorization = r.pick(AUTH_GARBAGE);
  else if (k < 0.6 && 'x-experience-api-version' in headers)
    headers['x-experience-api-version'] = r.pick([
      '1.0.3',
      '1.0.0',
      '1.0.99',
      '0.95',
      '2.0',
      '2.0.0.0',
      '',
      'x'.repeat(2000),
    ]);
  else if (k < 0.75)
    headers.accept = r.pick(['text/csv', 'text/html', 'application/xml', '*/*', 'nonsense', '']);
  else if (k < 0.9 && names.length > 0) delete headers[r.pick(names)];
  else
    headers[r.pick(['if-match', 'if-none-match', 'x-request-id', 'content-encoding', 'range'])] = r.pick([
      '*',
      '"abc"',
      'W/"x"',
      'gzip',
      'deflate',
      'br',
      'bytes=0-1',
      'x'.repeat(200),
    ]);
  return { ...req, headers };
}

/** A target whose requests are a template's mutations. */
export function templateTarget(t: Template): Target {
  return { area: t.area, name: t.name, shape: t.shape ?? 'json', mutated: (r) => mutateTemplate(t, r) };
}
