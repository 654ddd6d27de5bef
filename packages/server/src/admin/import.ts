import { createHash } from 'node:crypto';
import {
  type Statement,
  statementSignature,
  validateStatement,
  XapiValidationError,
  type XapiVersion,
} from '@kairos/xapi';
import type { Principal } from '../auth/principal.js';
import { HttpError } from '../errors.js';
import type { ConsistencyTracker } from '../lrs/consistency.js';
import { writeStatements } from '../lrs/statements/write.js';
import type { RecordStore } from '../storage/types.js';

/** What happened to one import batch. */
export interface ImportResult {
  inserted: number;
  duplicates: number;
  /** Statements refused, by their index in the batch, with the reason. */
  rejected: { index: number; reason: string }[];
}

/**
 * A stable id for a statement sent without one, derived from its content, so re-running an import stores
 * it once (a UUID of version 8, RFC 9562's custom layout).
 */
export function contentId(statement: Statement): string {
  const h = createHash('sha256').update(statementSignature(statement)).digest();
  h[6] = 0x80 | (h[6]! & 0x0f);
  h[8] = 0x80 | (h[8]! & 0x3f);
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * Imports a batch through the same validation and store as POST /statements, statement by statement:
 * an invalid or conflicting statement is reported and the others are kept. Safe to re-run.
 */
export async function importBatch(
  deps: { record: RecordStore; consistency: ConsistencyTracker },
  principal: Principal,
  items: unknown[],
  version: XapiVersion,
): Promise<ImportResult> {
  const result: ImportResult = { inserted: 0, duplicates: 0, rejected: [] };
  const valid: { index: number; statement: Statement }[] = [];
  items.forEach((item, index) => {
    try {
      const statement = validateStatement(item, { version, path: 'statement' });
      valid.push({ index, statement: statement.id ? statement : { ...statement, id: contentId(statement) } });
    } catch (error) {
      if (!(error instanceof XapiValidationError)) throw error;
      result.rejected.push({ index, reason: error.issues.map((i) => i.message).join('; ') });
    }
  });
  const write = async (batch: typeof valid) => {
    const r = await writeStatements(
      deps,
      principal,
      batch.map((v) => v.statement),
      version,
    );
    result.inserted += r.inserted.length;
    result.duplicates += r.duplicates.length;
  };
  try {
    if (valid.length > 0) await write(valid);
  } catch (error) {
    if (!(error instanceof HttpError) || error.status >= 500) throw error;
    // One statement spoiled the batch (conflict, duplicate id): isolate it by writing one at a time.
    for (const v of valid) {
      try {
        await write([v]);
      } catch (e) {
        if (!(e instanceof HttpError) || e.status >= 500) throw e;
        result.rejected.push({ index: v.index, reason: e.message });
      }
    }
  }
  result.rejected.sort((a, b) => a.index - b.index);
  return result;
}
