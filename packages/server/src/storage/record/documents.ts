import { createHash } from 'node:crypto';
import { jsonIssues } from '@kairos/xapi';
import { KairosError } from '../../errors.js';
import type {
  DocumentCheck,
  DocumentContent,
  DocumentKey,
  DocumentRepository,
  DocumentScope,
  StoredDocument,
} from './types.js';

/** The ETag of document bytes: quoted SHA-1 hex (xAPI 1.0.3 pins SHA-1; TinCanJS recomputes it). */
export const documentEtag = (content: Buffer) => `"${createHash('sha1').update(content).digest('hex')}"`;

/** True for `application/json` (any parameters), the only type a document merge accepts. */
export const isJsonType = (contentType: string) => /^application\/json\s*(;|$)/i.test(contentType.trim());

/** A POST that cannot be merged: one side is not a JSON object (xAPI-Communication §2.2 "JSON Procedure"). */
export class DocumentMergeError extends KairosError {
  constructor(message: string) {
    super('document_not_mergeable', message, { status: 400 });
    this.name = 'DocumentMergeError';
  }
}

/** Parses JSON bytes as an object, or `undefined` when they are not a JSON object. */
export function jsonObject(content: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(content.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The content a POST leaves: the new content when nothing is stored, else the shallow JSON merge. */
export function mergedContent(
  current: StoredDocument | undefined,
  incoming: DocumentContent,
): DocumentContent {
  const incomingJson = isJsonType(incoming.contentType);
  const patch = incomingJson ? jsonObject(incoming.content) : undefined;
  if (incomingJson && !patch)
    throw new DocumentMergeError('the posted document is application/json but not a JSON object');
  if (!current) return incoming;
  if (!incomingJson)
    throw new DocumentMergeError(
      `the stored document is merged only with application/json objects (got ${incoming.contentType}); use PUT to replace it`,
    );
  const base = isJsonType(current.contentType) ? jsonObject(current.content) : undefined;
  if (!base)
    throw new DocumentMergeError(
      `the stored document (${current.contentType}) is not a JSON object, so it cannot be merged; use PUT to replace it`,
    );
  // The merge re-serialises both: deep JSON would overflow JSON.stringify (a 500), so bound it (issue 8).
  const deep =
    jsonIssues(patch, 'posted document', { strings: false })[0] ??
    jsonIssues(base, 'stored document', { strings: false })[0];
  if (deep) throw new DocumentMergeError(`cannot merge: ${deep.message}, or PUT the whole document`);
  return { contentType: 'application/json', content: Buffer.from(JSON.stringify({ ...base, ...patch })) };
}

/** Key parts as stored: absent parts are empty strings, registrations lowercase. */
export function storedKey(key: DocumentScope): Required<DocumentScope> {
  return {
    kind: key.kind,
    activityId: key.activityId ?? '',
    agentKey: key.agentKey ?? '',
    registration: key.registration?.toLowerCase() ?? '',
  };
}

/**
 * The current state of a document key: the document (undefined when absent or deleted) and the version
 * of that state (0 when the key was never written). Every write swaps one version for a newer one.
 */
export interface VersionedDocument {
  doc: StoredDocument | undefined;
  version: number;
}

// A write retried this many times lost every race: report it rather than spin.
const MAX_ATTEMPTS = 25;

/**
 * Document writes as compare-and-swap on a version, so concurrent writers never lose an update and
 * never need a transaction (FerretDB has none). Backends supply `read` and `swap`.
 */
export abstract class CasDocuments implements DocumentRepository {
  /** The current document of `key` and its version. */
  protected abstract read(tenantId: string, key: DocumentKey): Promise<VersionedDocument>;
  /**
   * Replaces the state `version` of `key` by `next` (undefined: deletes it), atomically; false when the
   * version is no longer current (another writer won: the caller re-reads and retries).
   */
  protected abstract swap(
    tenantId: string,
    key: DocumentKey,
    version: number,
    next: StoredDocument | undefined,
  ): Promise<boolean>;
  abstract listIds(tenantId: string, scope: DocumentScope, since?: string): Promise<string[]>;
  abstract deleteMany(tenantId: string, scope: DocumentScope): Promise<number>;

  async get(tenantId: string, key: DocumentKey): Promise<StoredDocument | undefined> {
    return (await this.read(tenantId, key)).doc;
  }

  put(tenantId: string, key: DocumentKey, content: DocumentContent, check?: DocumentCheck) {
    return this.write(tenantId, key, check, () => content);
  }

  merge(tenantId: string, key: DocumentKey, content: DocumentContent, check?: DocumentCheck) {
    return this.write(tenantId, key, check, (current) => mergedContent(current, content));
  }

  async delete(tenantId: string, key: DocumentKey, check?: DocumentCheck): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { doc, version } = await this.read(tenantId, key);
      check?.(doc);
      if (!doc) return false;
      if (await this.swap(tenantId, key, version, undefined)) return true;
    }
    throw contention();
  }

  private async write(
    tenantId: string,
    key: DocumentKey,
    check: DocumentCheck | undefined,
    next: (current: StoredDocument | undefined) => DocumentContent,
  ): Promise<StoredDocument> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.read(tenantId, key);
      check?.(current.doc);
      const { contentType, content } = next(current.doc);
      const doc: StoredDocument = {
        ...storedKey(key),
        id: key.id,
        contentType,
        content,
        etag: documentEtag(content),
        updated: nextUpdated(current.doc?.updated),
      };
      if (await this.swap(tenantId, key, current.version, doc)) return doc;
    }
    throw contention();
  }
}

/** Now, but always after the previous write, so `Last-Modified` and `since` see every update. */
function nextUpdated(previous: string | undefined): string {
  const now = Date.now();
  const before = previous ? Date.parse(previous) : 0;
  return new Date(Math.max(now, before + 1)).toISOString();
}

const contention = () =>
  new KairosError('document_contention', 'this document is being written by many clients at once; retry', {
    status: 503,
  });
