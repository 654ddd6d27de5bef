import { HttpError } from '../../errors.js';
import type { DocumentCheck } from '../../storage/types.js';

/** Conditional request headers of a document write (xAPI-Communication §3.1 "Concurrency"). */
export interface Conditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

// An entity-tag list as in RFC 9110 §13.1: `*` or comma-separated tags; weak tags compare by value.
function listMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = (t: string) =>
    t
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1');
  return header.split(',').some((t) => bare(t) === bare(etag));
}

/**
 * The check a write runs against the current document: `If-Match` needs the document with a matching
 * ETag, `If-None-Match` needs no match (`*`: no document) — else 412. With `require: 'existing'`, a PUT
 * over an existing document without either header is a 409 (the client has to say what it expects);
 * `'always'` also answers 400 when there is no document yet (what the 1.0.3 suite asks of profiles).
 */
export function conditionCheck(
  conditions: Conditions,
  require: 'never' | 'existing' | 'always' = 'never',
): DocumentCheck {
  const { ifMatch, ifNoneMatch } = conditions;
  return (current) => {
    if (ifMatch !== undefined && (!current || !listMatches(ifMatch, current.etag))) {
      throw new HttpError(
        412,
        'precondition_failed',
        current
          ? `If-Match ${ifMatch} does not match the document's ETag ${current.etag}: it changed since you read it; GET it again`
          : `If-Match ${ifMatch}: there is no such document`,
      );
    }
    if (ifNoneMatch !== undefined && current && listMatches(ifNoneMatch, current.etag)) {
      throw new HttpError(
        412,
        'precondition_failed',
        ifNoneMatch.trim() === '*'
          ? 'If-None-Match: * — the document already exists'
          : `If-None-Match ${ifNoneMatch} matches the document's ETag`,
      );
    }
    if (require === 'never' || ifMatch !== undefined || ifNoneMatch !== undefined) return;
    if (!current && require === 'always') {
      throw new HttpError(
        400,
        'precondition_required',
        'send If-None-Match: * to create this document (or If-Match with the ETag of the one you read)',
      );
    }
    if (current) {
      throw new HttpError(
        409,
        'document_exists',
        `the document already exists (ETag ${current.etag}): to replace it send If-Match with its ETag ` +
          '(or If-None-Match: * to write only a new one), or POST a JSON object to merge into it',
      );
    }
  };
}
