import { HttpError } from '../../errors.js';

/** One part of a multipart/mixed body. */
export interface Part {
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Buffer;
}

const bad = (message: string) => new HttpError(400, 'invalid_multipart', message);

/** The boundary parameter of a `multipart/mixed` Content-Type. */
export function boundaryOf(contentType: string): string {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw bad('multipart/mixed needs a boundary parameter in Content-Type');
  return boundary;
}

/**
 * Splits a multipart/mixed body (RFC 2046) into parts. Throws 400 for a missing boundary, a part without
 * its header block, or a body that does not close with the final boundary.
 */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw bad(`the body does not contain the boundary "${boundary}"`);
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return parts; // closing delimiter
    if (body.subarray(at, at + 2).toString() !== '\r\n') throw bad('a boundary line must end with CRLF');
    const start = at + 2;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), start);
    if (next < 0) throw bad('the body does not end with the closing boundary');
    const raw = body.subarray(start, next);
    const split = raw.indexOf('\r\n\r\n');
    if (split < 0) throw bad(`part ${parts.length + 1} has no blank line after its headers`);
    const headers: Record<string, string> = {};
    for (const line of raw.subarray(0, split).toString('utf8').split('\r\n')) {
      // RFC 5322 header fields hold no control characters; a NUL would reach the store (issue 8: a 500).
      if (/[^\P{Cc}\t]/u.test(line))
        throw bad(`part ${parts.length + 1} has a control character in a header line: remove it`);
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: raw.subarray(split + 4) });
    at = next + 2;
  }
}

/** Builds a multipart/mixed body from parts; returns it with its Content-Type. */
export function buildMultipart(parts: { headers: Record<string, string>; body: Buffer | string }[]): {
  contentType: string;
  body: Buffer;
} {
  const boundary = `kairos-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = Object.entries(p.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    chunks.push(
      Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`),
      Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
