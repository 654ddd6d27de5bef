import type { InsertOutcome, StatementRecord, StatementRepository } from '../../storage/types.js';

interface Waiting {
  records: StatementRecord[];
  resolve(outcome: InsertOutcome): void;
  reject(error: unknown): void;
}

/** Most statements written in one combined insert. */
const MAX_COMBINED = 1000;
/** Inserts a tenant may have in flight at once (the database works on them in parallel). */
const MAX_IN_FLIGHT = 4;

/**
 * Group commit for concurrent writes: while a tenant has {@link MAX_IN_FLIGHT} inserts in flight, the
 * requests that arrive wait and then go to the store together, as one insert and one commit. Below that a
 * request goes at once, so an idle server adds no latency. Each request still gets its own outcome, resolved only after the commit
 * that holds its statements; when the combined batch has a conflict, the requests are written one by one
 * so only the conflicting one is refused.
 */
export class InsertCoalescer {
  private readonly queues = new Map<string, Waiting[]>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly statements: StatementRepository) {}

  insert(tenantId: string, records: StatementRecord[]): Promise<InsertOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(tenantId) ?? [];
      queue.push({ records, resolve, reject });
      this.queues.set(tenantId, queue);
      if ((this.inFlight.get(tenantId) ?? 0) < MAX_IN_FLIGHT) void this.drain(tenantId);
    });
  }

  private async drain(tenantId: string): Promise<void> {
    this.inFlight.set(tenantId, (this.inFlight.get(tenantId) ?? 0) + 1);
    try {
      for (;;) {
        const queue = this.queues.get(tenantId) ?? [];
        if (queue.length === 0) break;
        const group: Waiting[] = [];
        let size = 0;
        while (queue.length > 0 && (group.length === 0 || size + queue[0]!.records.length <= MAX_COMBINED)) {
          const next = queue.shift()!;
          group.push(next);
          size += next.records.length;
        }
        await this.write(tenantId, group);
      }
    } finally {
      const left = (this.inFlight.get(tenantId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(tenantId, left);
      else {
        this.inFlight.delete(tenantId);
        if (this.queues.get(tenantId)?.length === 0) this.queues.delete(tenantId);
      }
    }
  }

  private async write(tenantId: string, group: Waiting[]): Promise<void> {
    if (group.length === 1) {
      const [only] = group;
      await this.statements.insert(tenantId, only!.records).then(only!.resolve, only!.reject);
      return;
    }
    let combined: InsertOutcome;
    try {
      combined = await this.statements.insert(
        tenantId,
        group.flatMap((w) => w.records),
      );
    } catch (error) {
      for (const w of group) w.reject(error);
      return;
    }
    if (!combined.ok) {
      // someone's statement conflicts: write each request alone so the others still succeed
      for (const w of group) await this.statements.insert(tenantId, w.records).then(w.resolve, w.reject);
      return;
    }
    const inserted = new Set(combined.inserted);
    for (const w of group) {
      const ids = w.records.map((r) => r.id);
      w.resolve({
        ok: true,
        inserted: ids.filter((id) => inserted.has(id)),
        duplicates: ids.filter((id) => !inserted.has(id)),
      });
    }
  }
}
