import { agentKey, type Statement, VOIDED_VERB, type XapiVersion } from '@kairos/xapi';
import type { Principal } from '../../auth/principal.js';
import { canWriteStatements } from '../../auth/scopes.js';
import { HttpError } from '../../errors.js';
import type { AttachmentContent, RecordStore, StatementRecord } from '../../storage/types.js';
import type { ConsistencyTracker } from '../consistency.js';
import type { InsertCoalescer } from './coalescer.js';
import { prepareStatement } from './prepare.js';
import { withinReach } from './read.js';

/** Result of a successful write. */
export interface WriteResult {
  /** Statement ids in the order they were sent. */
  ids: string[];
  /** Ids newly stored (the others were already stored with the same content). */
  inserted: string[];
  duplicates: string[];
}

/** Checks that the principal may write these statements (scope, and learner tokens only about themselves). */
export function authorizeWrite(principal: Principal, statements: Statement[]): void {
  if (!canWriteStatements(principal.scopes)) {
    throw new HttpError(
      403,
      'forbidden',
      'this credential may not write statements (scope statements/write needed)',
    );
  }
  if (principal.actorKey === undefined) return;
  statements.forEach((s, i) => {
    if (agentKey(s.actor) !== principal.actorKey) {
      throw new HttpError(
        403,
        'forbidden_actor',
        `statement[${i}].actor: this token may only write statements about its own learner`,
      );
    }
  });
}

const reach = (p: Principal) =>
  [p.actorKey !== undefined && 'about its own learner', p.contextIri !== undefined && 'in its course']
    .filter(Boolean)
    .join(' and ');

/**
 * A confined token (a learner's, or one scoped to a course) voids only what it can reach: a statement of
 * the batch, or one already stored in the tenant, about its learner and in its course. An unknown target
 * is refused too: a statement stored later under that id could be another learner's, and it would arrive
 * voided. Unknown and foreign targets get the same answer, so the refusal tells nothing about other
 * learners' statements. API keys (and unconfined tokens) void anything of their tenant.
 */
export async function authorizeVoiding(
  record: RecordStore,
  principal: Principal,
  statements: Statement[],
): Promise<void> {
  if (principal.actorKey === undefined && principal.contextIri === undefined) return;
  const batch = new Map(statements.filter((s) => s.id).map((s) => [s.id!.toLowerCase(), s]));
  await Promise.all(
    statements.map(async (s, i) => {
      const object = s.object as { objectType?: string; id?: string };
      if (s.verb.id !== VOIDED_VERB || object.objectType !== 'StatementRef') return;
      const id = object.id!.toLowerCase();
      const sent = batch.get(id);
      const target = sent
        ? { actorKey: agentKey(sent.actor), statement: sent }
        : await record.statements.get(principal.tenantId, id);
      if (target && withinReach(principal, target.actorKey, target.statement)) return;
      throw new HttpError(
        403,
        'forbidden_void',
        `statement[${i}].object: this token may void only statements already stored (or sent in the same batch) ${reach(principal)}, and ${id} is not one; an API key can void it`,
      );
    }),
  );
}

/**
 * Stores validated statements for a principal: authorizes, sets the LRS properties, and writes them all or
 * none. Same id with equivalent content is a no-op; different content (or one id twice in the batch with
 * different content) is a 409. Durable when it resolves.
 */
export async function writeStatements(
  deps: { record: RecordStore; consistency: ConsistencyTracker; coalescer?: InsertCoalescer },
  principal: Principal,
  statements: Statement[],
  version: XapiVersion,
  attachments: AttachmentContent[] = [],
): Promise<WriteResult> {
  authorizeWrite(principal, statements);
  await authorizeVoiding(deps.record, principal, statements);
  const now = Date.now();
  const records = statements.map((s) =>
    prepareStatement(s, { tenantId: principal.tenantId, authority: principal.authority, version, now }),
  );
  const unique = dedupeBatch(records);
  const done = deps.consistency.begin(now);
  try {
    // contents first: once a statement is visible, its attachments are too
    if (attachments.length > 0) await deps.record.attachments.put(principal.tenantId, attachments);
    const outcome = await (deps.coalescer ?? deps.record.statements).insert(principal.tenantId, unique);
    if (!outcome.ok) {
      throw new HttpError(
        409,
        'statement_conflict',
        `statement ${outcome.conflicts.join(', ')} already exists with different content; statements are immutable (send a new id, or void it)`,
        { details: outcome.conflicts.map((id) => ({ id })) },
      );
    }
    return { ids: records.map((r) => r.id), inserted: outcome.inserted, duplicates: outcome.duplicates };
  } finally {
    done();
  }
}

function dedupeBatch(records: StatementRecord[]): StatementRecord[] {
  const seen = new Map<string, StatementRecord>();
  records.forEach((r, i) => {
    const first = seen.get(r.id);
    if (!first) seen.set(r.id, r);
    else if (first.signature !== r.signature) {
      throw new HttpError(
        400,
        'duplicate_id_in_batch',
        `statement[${i}].id: ${r.id} appears twice in the batch with different content`,
      );
    }
  });
  return [...seen.values()];
}
