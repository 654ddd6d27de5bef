import { createHash } from 'node:crypto';
import type { Statement } from '@kairos/xapi';
import { HttpError } from '../../errors.js';
import type { AttachmentContent } from '../../storage/types.js';
import { boundaryOf, type Part, parseMultipart } from './multipart.js';
import { SIGNATURE_USAGE, verifyStatementSignature } from './signature.js';

/** A statements request body with its attachment parts. */
export interface StatementsWithAttachments {
  /** The JSON of the first part: a statement or an array. */
  json: unknown;
  parts: Part[];
}

const bad = (message: string) => new HttpError(400, 'invalid_attachments', message);

/** Parses a multipart/mixed statements request: first part JSON, then one part per attachment content. */
export function readMultipartStatements(body: Buffer, contentType: string): StatementsWithAttachments {
  const [first, ...parts] = parseMultipart(body, boundaryOf(contentType));
  if (!first) throw bad('the multipart body has no parts');
  if (!/^application\/json/i.test(first.headers['content-type'] ?? '')) {
    throw bad('the first part of a multipart statements request must be Content-Type: application/json');
  }
  let json: unknown;
  try {
    json = JSON.parse(first.body.toString('utf8'));
  } catch (error) {
    throw new HttpError(
      400,
      'malformed_json',
      `the first part is not valid JSON: ${(error as Error).message}`,
    );
  }
  return { json, parts };
}

/**
 * Matches attachment parts to the statements' attachments (xAPI "Attachments"): each part carries
 * `X-Experience-API-Hash` equal to the SHA-256 of its content; every attachment without `fileUrl` must
 * have a part; no part may be left over. Signed statements are verified. Returns the contents to store.
 */
export async function attachmentContents(
  statements: Statement[],
  parts: Part[],
): Promise<AttachmentContent[]> {
  const bySha = new Map<string, AttachmentContent>();
  parts.forEach((p, i) => {
    const declared = p.headers['x-experience-api-hash'];
    if (!declared) throw bad(`attachment part ${i + 1} lacks the X-Experience-API-Hash header`);
    if (
      p.headers['content-transfer-encoding'] &&
      p.headers['content-transfer-encoding'].toLowerCase() !== 'binary'
    ) {
      throw bad(`attachment part ${i + 1}: Content-Transfer-Encoding must be binary`);
    }
    const actual = createHash('sha256').update(p.body).digest('hex');
    if (actual !== declared.toLowerCase()) {
      throw bad(
        `attachment part ${i + 1}: X-Experience-API-Hash ${declared} does not match its content (${actual})`,
      );
    }
    bySha.set(actual, {
      sha2: actual,
      contentType: p.headers['content-type'] ?? 'application/octet-stream',
      content: p.body,
    });
  });
  const used = new Set<string>();
  for (const [i, s] of statements.entries()) {
    for (const [j, a] of (s.attachments ?? []).entries()) {
      const path = `statement[${i}].attachments[${j}]`;
      const content = bySha.get(a.sha2.toLowerCase());
      if (!content) {
        if (!a.fileUrl)
          throw bad(`${path}: no part carries its content (sha2 ${a.sha2}) and it has no fileUrl`);
        continue;
      }
      used.add(content.sha2);
      if (a.usageType === SIGNATURE_USAGE) {
        if (a.contentType !== 'application/octet-stream')
          throw bad(`${path}: a signature's contentType must be application/octet-stream`);
        await verifyStatementSignature(s, content.content.toString('utf8'), path);
      }
    }
  }
  const extra = [...bySha.keys()].filter((sha) => !used.has(sha));
  if (extra.length > 0) throw bad(`attachment parts ${extra.join(', ')} belong to no statement attachment`);
  return [...bySha.values()];
}

/** Checks that statements sent as plain JSON have no attachment that needs a part. */
export function requireFileUrls(statements: Statement[]): void {
  for (const [i, s] of statements.entries()) {
    for (const [j, a] of (s.attachments ?? []).entries()) {
      if (!a.fileUrl) {
        throw bad(
          `statement[${i}].attachments[${j}] has no fileUrl: send its content as a multipart/mixed part`,
        );
      }
    }
  }
}
