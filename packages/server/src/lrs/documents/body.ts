import { jsonIssues } from '@kairos/xapi';
import type { Request } from 'express';
import { HttpError } from '../../errors.js';
import { isJsonType } from '../../storage/record/documents.js';
import type { DocumentContent } from '../../storage/types.js';

/**
 * The document a PUT/POST carries, as bytes with its content type (any type: TinCanJS sends
 * `application/octet-stream` by default). The bytes are kept exactly as received; a body that came through
 * the 1.0.x alternate request syntax (a form field) arrives as a string or parsed JSON.
 */
export function documentContent(req: Request): DocumentContent {
  const contentType = req.get('content-type')?.trim() || 'application/octet-stream';
  const body: unknown = req.body;
  let content: Buffer;
  if (Buffer.isBuffer(body)) content = body;
  else if (body === undefined) content = Buffer.alloc(0);
  else if (typeof body === 'string') content = Buffer.from(body);
  else {
    // Parsed by the alternate syntax: re-serialising deep JSON would overflow the stack (issue 8).
    const deep = jsonIssues(body, 'content', { strings: false })[0];
    if (deep) throw new HttpError(400, 'document_too_deep', deep.message);
    content = Buffer.from(JSON.stringify(body));
  }
  return { contentType, content };
}

/** PUT with `application/json` must send JSON (any JSON value; only POST needs an object). */
export function requireValidJson(doc: DocumentContent): void {
  if (!isJsonType(doc.contentType)) return;
  try {
    JSON.parse(doc.content.toString('utf8'));
  } catch (e) {
    throw new HttpError(
      400,
      'malformed_json',
      `the document is sent as application/json but is not JSON: ${(e as Error).message}`,
    );
  }
}
