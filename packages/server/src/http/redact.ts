/**
 * Keeps secrets out of log lines. A URL or a message can carry credentials: Moodle's dynamic registration
 * puts a one-hour `registration_token` JWT in `/lti/register?…`, `KAIROS_REGISTRATION=token` puts the
 * operator's token in `?token=`, OIDC logins and launches carry hints, states and id_tokens, ltijs accepts
 * its `ltik` in the query. Whatever is logged goes through {@link redactText} or {@link redactUrl}.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Query parameters whose value is never logged: credentials (token, access_token, client_secret,
 * registration_token, ltik, session, JWT), OAuth/OIDC one-time values (code, state, nonce, id_token,
 * login_hint, lti_message_hint: an attacker holding them could replay a launch), and the admin channel's token.
 */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'registration_token',
  'client_secret',
  'client_assertion',
  'secret',
  'password',
  'code',
  'state',
  'nonce',
  'login_hint',
  'lti_message_hint',
  'ltik',
  'jwt',
  'session',
  'kairos_bind',
  'authorization',
]);

// A JWT (or JWS) anywhere: base64url header starting with `{"` (eyJ), payload and signature. No `\b` before
// it: a token right after a percent-escape (`mailto%3AeyJ…`, `token%3DeyJ…`) has a word character there.
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
// `Bearer x`, `Basic x`, the ltijs `LTIK-AUTH-V1 Token=x` scheme.
const AUTH_SCHEME = /\b(Bearer|Basic|LTIK-AUTH-V1\s+Token=)\s*[A-Za-z0-9._~+/=-]{8,}/gi;
// name=value pairs in query strings, form bodies or prose (`registration_token=…&`), any case.
const PAIR = /([?&;\s"']|^)([A-Za-z_][A-Za-z0-9_.-]*)=([^&#\s"']*)/g;

/** Whether a parameter name holds a secret (case-insensitive). */
export const isSecretParam = (name: string): boolean => SECRET_PARAMS.has(name.toLowerCase());

/**
 * Redacts secrets in free text: values of secret query parameters, JWTs and `Bearer`/`Basic` credentials.
 *
 * @example
 * redactText('GET /lti/register?registration_token=eyJ…&openid_configuration=https://…')
 * // 'GET /lti/register?registration_token=[redacted]&openid_configuration=https://…'
 */
export function redactText(text: string): string {
  return text
    .replace(PAIR, (all, lead: string, name: string, value: string) =>
      value && isSecretParam(name) ? `${lead}${name}=${REDACTED}` : all,
    )
    .replace(AUTH_SCHEME, (_all, scheme: string) => `${scheme.trim()} ${REDACTED}`)
    .replace(JWT, REDACTED);
}

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
};

/**
 * One `name=value` of a query string, redacted: a secret parameter's value (its name may be
 * percent-encoded), and secrets inside a value that is itself an encoded URL or form
 * (`return=https%3A%2F%2Fsite%2F%3Ftoken%3D…`), which the plain text rules cannot see through the escapes.
 */
function redactPair(pair: string): string {
  const eq = pair.indexOf('=');
  if (eq < 0) return redactText(pair);
  const name = pair.slice(0, eq);
  const value = pair.slice(eq + 1);
  if (value && isSecretParam(decode(name))) return `${name}=${REDACTED}`;
  // up to three levels of encoding: a URL inside a URL inside a URL
  let layer = value;
  for (let depth = 0; depth < 3; depth++) {
    const decoded = decode(layer);
    if (decoded === layer) break;
    const redacted = redactText(decoded);
    if (redacted !== decoded) return `${name}=${encodeURIComponent(redacted)}`;
    layer = decoded;
  }
  return `${name}=${redactText(value)}`;
}

/** A URL or path with query string, fit for a log line (see {@link redactText}). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url.replace(JWT, REDACTED);
  const [query, fragment] = [
    url.slice(q + 1).split('#')[0]!,
    url
      .slice(q + 1)
      .split('#')
      .slice(1)
      .join('#'),
  ];
  const pairs = query.split(/([&;])/).map((part) => (part === '&' || part === ';' ? part : redactPair(part)));
  return `${url.slice(0, q).replace(JWT, REDACTED)}?${pairs.join('')}${fragment ? `#${redactText(fragment)}` : ''}`;
}

/**
 * Redacts every string inside a value logged as structured data (objects, arrays, errors), to a bounded depth.
 * Errors become plain objects `{type, message, stack, code}` with redacted text.
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 5) return value;
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; status?: unknown };
    return {
      type: e.name,
      message: redactText(e.message),
      ...(e.stack ? { stack: redactText(e.stack) } : {}),
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(e.status !== undefined ? { status: e.status } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEYS.has(k.toLowerCase()) ? REDACTED : redactValue(v, depth + 1);
  return out;
}

// Keys of structured log data that only ever hold credentials (`code` and `state` are not here: log lines
// use them for error codes and job states).
const SECRET_KEYS = new Set([
  'token',
  'access_token',
  'id_token',
  'registration_token',
  'client_secret',
  'secret',
  'password',
  'authorization',
  'cookie',
  'ltik',
  'jwt',
]);

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/**
 * A logger whose every line (message, structured data, child bindings) goes through {@link redactValue}.
 * Wraps pino without changing its API.
 */
export function redactingLogger<L extends object>(logger: L): L {
  return new Proxy(logger, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && LEVELS.has(prop))
        return (...args: unknown[]) =>
          value.apply(
            target,
            args.map((a) => redactValue(a)),
          );
      if (prop === 'child')
        return (bindings: unknown, ...rest: unknown[]) =>
          redactingLogger(value.call(target, redactValue(bindings), ...rest));
      return value.bind(target);
    },
  });
}
