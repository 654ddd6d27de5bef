/** A secret the test handed the server, or that the server minted, and where it came from. */
export interface Secret {
  name: string;
  value: string;
}

/** A form of a secret found in a log. */
export interface Leak {
  secret: string;
  form: string;
  /** Which output, and the line it is on. */
  where: string;
  line: string;
}

/** Forms shorter than this would match by chance (a form of a short secret is not checked). */
const MIN_FORM = 8;

/**
 * The forms a secret may be logged in: as is, base64 and base64url (Basic credentials, JWT segments),
 * URL-encoded once and twice (a query string logged raw, or re-encoded), JSON-escaped (inside a logged
 * string), and, for a JWT, its signature alone (a log that cut the token would still leak that).
 */
export function formsOf(value: string): Map<string, string> {
  const forms = new Map<string, string>([
    ['as is', value],
    ['base64', Buffer.from(value).toString('base64')],
    ['base64 (unpadded)', Buffer.from(value).toString('base64').replace(/=+$/, '')],
    ['base64url', Buffer.from(value).toString('base64url')],
    ['url-encoded', encodeURIComponent(value)],
    ['url-encoded twice', encodeURIComponent(encodeURIComponent(value))],
    ['form-encoded', new URLSearchParams({ v: value }).toString().slice(2)],
    ['JSON-escaped', JSON.stringify(value).slice(1, -1)],
  ]);
  const jwt = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.([A-Za-z0-9_-]{16,})$/.exec(value);
  if (jwt) forms.set('JWT signature', jwt[1]!);
  for (const [k, v] of forms) if (v.length < MIN_FORM) forms.delete(k);
  return forms;
}

/** Every line of `outputs` that holds a form of a secret. */
export function findLeaks(outputs: Record<string, string>, secrets: readonly Secret[]): Leak[] {
  const leaks: Leak[] = [];
  for (const [where, text] of Object.entries(outputs)) {
    const lines = text.split('\n');
    for (const s of secrets) {
      for (const [form, needle] of formsOf(s.value)) {
        lines.forEach((line, i) => {
          if (line.includes(needle))
            leaks.push({ secret: s.name, form, where: `${where}:${i + 1}`, line: line.slice(0, 300) });
        });
      }
    }
  }
  return leaks;
}
